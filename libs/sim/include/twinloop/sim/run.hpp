#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "twinloop/sim/latency_histogram.hpp"
#include "twinloop/sim/simulator.hpp"

namespace twinloop::sim {

enum class RunState { created, running, paused, completed, stopped, failed };
std::string_view to_string(RunState state);

class SimulationRun;

// Work done on a run's thread around each of its steps: a hardware-in-the-loop exchange with a
// PLC, say. The exchange phases run without the run's lock, so status reads and API changes go
// on meanwhile; apply and capture run with it, just before and just after the step. An
// exception from a phase fails the run with its message.
class StepHook {
 public:
  virtual ~StepHook() = default;
  // Once, when the run is first started or stepped, on the thread that asked for it and before
  // that call returns: what a client may rely on as soon as the run is started (its nodes
  // being published, say) is set up here, not in the first step. It runs with the run's lock
  // held: it must not call the run.
  virtual void run_starting() {}
  // Before step `step` (after the pacing wait): false pauses the run before that step.
  virtual bool exchange_before(std::int64_t /*step*/) { return true; }
  // Feeds the step: set_override on inputs, say.
  virtual void apply(Simulator& /*simulator*/) {}
  // Reads what the step computed.
  virtual void capture(const Simulator& /*simulator*/) {}
  virtual void exchange_after(std::int64_t /*step*/) {}
  // Once, on the thread that ended the run, before RunSettings::on_end.
  virtual void run_ended() {}
};

struct RunSettings {
  std::optional<std::int64_t> last_step;  // run steps 0..last_step; nullopt: until stopped
  double realtime_factor = 0.0;           // 0: as fast as possible; 1: wall clock
  // Paced runs sleep until this long before each deadline, then spin on the clock: less jitter
  // for a busy core. 0: sleep until the deadline.
  std::int64_t spin_ns = 0;
  // 1..99: the worker runs under SCHED_FIFO at this priority, so that other work on the
  // machine does not delay its steps (needs CAP_SYS_NICE or an rtprio limit; when refused, the
  // run goes on at normal priority and says so in RunStatistics::warning). 0: normal.
  int realtime_priority = 0;
  std::vector<std::uint32_t> recorded;           // indices into Plan::signals
  std::int64_t decimation = 1;                   // record every n-th step
  std::size_t max_recorded_values = 10'000'000;  // beyond this recording stops (truncated)
  // Called once when the run has ended (completed, stopped or failed), on the thread that
  // ended it and without the run's lock: the run may be read (statistics, recording), not
  // changed. Also called when a run that never ended is destroyed (it is stopped first).
  std::function<void(const SimulationRun&)> on_end;
  std::vector<std::shared_ptr<StepHook>> hooks;  // called in this order
};

struct RunStatistics {
  RunState state = RunState::created;
  std::int64_t steps_done = 0;
  std::int64_t time_ns = 0;  // of the last computed step
  double wall_seconds = 0.0;
  std::int64_t overruns = 0;  // paced steps that started more than a step late
  // Lateness of paced steps against their deadlines, over the whole run (LatencyHistogram's
  // precision: quantiles at most 5 % high).
  double jitter_p50 = 0.0, jitter_p99 = 0.0, jitter_max = 0.0;
  bool recording_truncated = false;
  std::string error;
  std::string end_reason;  // why a block ended the run before its end time, if one did
  std::string warning;     // something the run could not do as asked, such as its priority
};

// Samples of tapped signals since they were last taken (see SimulationRun::open_tap), with
// the run's statistics at the moment they were taken.
struct LiveSamples {
  std::vector<std::int64_t> time_ns;
  std::vector<double> values;  // row-major: one row of tapped signals per time
  RunStatistics statistics;
};

// Recorded samples: for each recorded step its time and the recorded signals' values.
struct Recording {
  std::vector<std::int64_t> time_ns;
  std::vector<double> values;  // row-major: one row of recorded signals per time
};

// The recording as CSV: a header "time,<name>,..." and one row per recorded step, times in
// seconds; `columns` picks and orders the recorded signals (indices into `names`, which names
// every recorded signal in recording order).
std::string recording_csv(const Recording& recording, const std::vector<std::string>& names,
                          const std::vector<std::size_t>& columns);

// One simulation run on its own thread. All members are safe to call from any thread.
class SimulationRun {
 public:
  SimulationRun(std::shared_ptr<const Plan> plan, RunSettings settings);
  ~SimulationRun();  // stops and joins the worker
  SimulationRun(const SimulationRun&) = delete;
  SimulationRun& operator=(const SimulationRun&) = delete;

  // Each returns false when the run's state does not allow it (e.g. start twice).
  bool start();
  bool pause();
  bool resume();
  bool stop();
  // One step while created or paused (a created run becomes paused).
  bool step_once();

  // Blocks until the run has ended (completed, stopped or failed) and its hooks and on_end
  // have been told, and returns that state. Must not be called from on_end or a hook.
  // A run that was never started must be started first, or this waits for ever.
  RunState wait_until_ended() const;

  // Overrides an input ("component.port" index into Plan::inputs) from the next step on;
  // nullopt gives it back to its driver.
  void set_override(std::uint32_t input, std::optional<double> value);

  // Taps signals (indices into Plan::signals) for a live view: every step's values are kept
  // until take_tap(), thinned to at most `capacity` rows (at least 2) by keeping every other
  // row whenever the buffer fills. Returns the tap's id for take_tap() and close_tap().
  std::uint64_t open_tap(std::vector<std::uint32_t> signals, std::size_t capacity);
  // The samples since the last take; the step computed last is always among them (when it is
  // newer than what was taken before).
  LiveSamples take_tap(std::uint64_t tap);
  void close_tap(std::uint64_t tap);

  // Tunes a component's block (see Simulator::set_parameters) from the next step on.
  void set_parameters(std::uint32_t component, std::vector<double> packed);

  RunStatistics statistics() const;
  Recording recording() const;
  const Plan& plan() const { return simulator_.plan(); }
  const RunSettings& settings() const { return settings_; }

 private:
  void work();
  struct Tap {
    std::uint64_t id = 0;
    std::vector<std::uint32_t> slots;  // signal array slots
    std::size_t capacity = 2;
    std::int64_t stride = 1;  // keeps steps k with k % stride == 0
    std::int64_t last_taken_step = -1;
    LiveSamples samples;
  };

  void step_and_record();  // with mutex_ held
  // With mutex_ held, from start() and step_once(): the hooks' run_starting while the run is
  // still created. Throws what a hook throws.
  void begin_locked();
  // The hooked step of work(): `lock` is released for the exchanges. False when the run
  // left the running state meanwhile (paused by a hook, stopped, failed).
  bool hooked_step(std::unique_lock<std::mutex>& lock);
  void feed_taps();  // with mutex_ held, after a step
  static void append_row(Tap& tap, std::int64_t time_ns, std::span<const double> signals);
  bool finished() const;  // with mutex_ held
  RunStatistics statistics_locked() const;
  bool ended_locked() const;
  void report_end();  // without mutex_ held; calls on_end once

  const RunSettings settings_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // state changes that the worker waits for
  mutable std::condition_variable ended_;
  Simulator simulator_;
  RunState state_ = RunState::created;
  Recording recording_;
  bool truncated_ = false;
  std::string error_;
  std::string warning_;
  std::int64_t overruns_ = 0;
  LatencyHistogram lateness_;  // of every paced step against its deadline
  std::chrono::steady_clock::duration wall_{};
  std::vector<Tap> taps_;
  std::uint64_t next_tap_ = 1;
  bool end_reported_ = false;
  bool end_report_done_ = false;  // the hooks and on_end have been told
  std::thread worker_;
};

}  // namespace twinloop::sim
