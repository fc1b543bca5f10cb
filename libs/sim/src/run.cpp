#include "twinloop/sim/run.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <cstring>

#include "twinloop/core/sim_time.hpp"

namespace twinloop::sim {

namespace {

timespec to_timespec(std::int64_t ns) {
  return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

std::int64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

}  // namespace

std::string_view to_string(RunState state) {
  switch (state) {
    case RunState::created:
      return "created";
    case RunState::running:
      return "running";
    case RunState::paused:
      return "paused";
    case RunState::completed:
      return "completed";
    case RunState::stopped:
      return "stopped";
    case RunState::failed:
      return "failed";
  }
  return "failed";
}

SimulationRun::SimulationRun(std::shared_ptr<const Plan> plan, RunSettings settings)
    : settings_(std::move(settings)), simulator_(std::move(plan)) {}

SimulationRun::~SimulationRun() {
  stop();
  if (worker_.joinable()) worker_.join();
}

bool SimulationRun::finished() const {
  return (settings_.last_step && simulator_.steps_done() > *settings_.last_step) ||
         simulator_.events().end_requested();
}

void SimulationRun::step_and_record() {
  const std::int64_t k = simulator_.steps_done();
  simulator_.step();
  if (!taps_.empty()) feed_taps();
  if (k % settings_.decimation != 0 || truncated_) return;
  if (recording_.values.size() + settings_.recorded.size() > settings_.max_recorded_values) {
    truncated_ = true;
    return;
  }
  recording_.time_ns.push_back(simulator_.time_ns());
  const auto signals = simulator_.signals();
  for (std::uint32_t index : settings_.recorded) {
    recording_.values.push_back(signals[simulator_.plan().signals[index].slot]);
  }
}

void SimulationRun::begin_locked() {
  if (state_ != RunState::created) return;
  for (const auto& hook : settings_.hooks)
    hook->run_starting();
}

bool SimulationRun::start() {
  std::unique_lock lock(mutex_);
  if (state_ != RunState::created && state_ != RunState::paused) return false;
  try {
    begin_locked();
  } catch (const std::exception& error) {
    state_ = RunState::failed;
    error_ = error.what();
    ended_.notify_all();
    lock.unlock();
    report_end();
    return true;
  }
  if (worker_.joinable()) {
    if (state_ != RunState::paused) return false;
    state_ = RunState::running;
    wake_.notify_all();
    return true;
  }
  state_ = RunState::running;
  worker_ = std::thread([this] { work(); });
  return true;
}

bool SimulationRun::pause() {
  std::lock_guard lock(mutex_);
  if (state_ != RunState::running) return false;
  state_ = RunState::paused;
  return true;
}

bool SimulationRun::resume() {
  {
    std::lock_guard lock(mutex_);
    if (state_ != RunState::paused) return false;
  }
  return start();
}

bool SimulationRun::ended_locked() const {
  return state_ == RunState::completed || state_ == RunState::stopped || state_ == RunState::failed;
}

void SimulationRun::report_end() {
  {
    std::lock_guard lock(mutex_);
    if (end_reported_ || !ended_locked()) return;
    end_reported_ = true;
  }
  for (const auto& hook : settings_.hooks) {
    try {
      hook->run_ended();
    } catch (const std::exception& error) {
      // The run has ended already; a hook that fails to clean up can only say so.
      std::lock_guard lock(mutex_);
      warning_ += (warning_.empty() ? "" : "; ") + std::string(error.what());
    }
  }
  if (settings_.on_end) settings_.on_end(*this);
  std::lock_guard lock(mutex_);
  end_report_done_ = true;
  ended_.notify_all();
}

bool SimulationRun::stop() {
  bool without_worker = false;
  {
    std::lock_guard lock(mutex_);
    if (ended_locked()) return false;
    state_ = RunState::stopped;
    without_worker = !worker_.joinable();
    wake_.notify_all();
    ended_.notify_all();
  }
  // A worker reports its own end when it leaves its loop.
  if (without_worker) report_end();
  return true;
}

bool SimulationRun::step_once() {
  bool without_worker = false;
  {
    std::lock_guard lock(mutex_);
    if (state_ != RunState::created && state_ != RunState::paused) return false;
    if (finished()) return false;
    try {
      begin_locked();
      // A single step asked for by hand runs its hooks' exchanges under the lock.
      const std::int64_t step = simulator_.steps_done();
      bool proceed = true;
      for (const auto& hook : settings_.hooks)
        proceed = hook->exchange_before(step) && proceed;
      if (proceed) {
        for (const auto& hook : settings_.hooks)
          hook->apply(simulator_);
        step_and_record();
        for (const auto& hook : settings_.hooks)
          hook->capture(simulator_);
        for (const auto& hook : settings_.hooks)
          hook->exchange_after(step);
      }
      state_ = finished() ? RunState::completed : RunState::paused;
    } catch (const std::exception& error) {
      state_ = RunState::failed;
      error_ = error.what();
    }
    without_worker = !worker_.joinable();
    // A paused worker waits for a state other than paused: an ended run lets it leave.
    wake_.notify_all();
    ended_.notify_all();
  }
  if (without_worker) report_end();
  return true;
}

void SimulationRun::set_override(std::uint32_t input, std::optional<double> value) {
  std::lock_guard lock(mutex_);
  simulator_.set_override(input, value);
}

void SimulationRun::set_parameters(std::uint32_t component, std::vector<double> packed) {
  std::lock_guard lock(mutex_);
  simulator_.set_parameters(component, packed);
}

void SimulationRun::work() {
  const std::int64_t step_ns = simulator_.plan().step_ns;
  std::unique_lock lock(mutex_);
  // The kernel lets a normal thread's sleep overshoot by its timer slack, 50 us by default:
  // a twentieth of a 1 kHz step. Paced runs ask for none.
  if (settings_.realtime_factor > 0.0) prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  if (settings_.realtime_priority > 0) {
    sched_param priority{};
    priority.sched_priority = settings_.realtime_priority;
    if (const int refused = pthread_setschedparam(pthread_self(), SCHED_FIFO, &priority)) {
      warning_ = fmt::format("runs at normal priority: real-time priority {} was refused ({})",
                             settings_.realtime_priority, std::strerror(refused));
    }
  }
  // Deadlines count from the step at which pacing (re)started, so a pause does not make the
  // run race to catch up afterwards.
  std::int64_t paced_from_step = simulator_.steps_done();
  std::int64_t paced_from_ns = monotonic_ns();
  auto wall_from = std::chrono::steady_clock::now();
  while (true) {
    if (state_ == RunState::paused) {
      wall_ += std::chrono::steady_clock::now() - wall_from;
      wake_.wait(lock, [&] { return state_ != RunState::paused; });
      wall_from = std::chrono::steady_clock::now();
      paced_from_step = simulator_.steps_done();
      paced_from_ns = monotonic_ns();
    }
    if (state_ != RunState::running) break;
    if (finished()) {
      state_ = RunState::completed;
      break;
    }
    if (settings_.realtime_factor > 0.0) {
      const auto offset = static_cast<double>(simulator_.steps_done() - paced_from_step) *
                          static_cast<double>(step_ns) / settings_.realtime_factor;
      const std::int64_t deadline = paced_from_ns + static_cast<std::int64_t>(offset);
      lock.unlock();
      const timespec wake_at = to_timespec(deadline - settings_.spin_ns);
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake_at, nullptr) == EINTR) {
      }
      while (settings_.spin_ns > 0 && monotonic_ns() < deadline) {
      }
      const double late = core::to_seconds(monotonic_ns() - deadline);
      lock.lock();
      if (state_ != RunState::running) continue;
      if (late * settings_.realtime_factor > core::to_seconds(step_ns)) ++overruns_;
      lateness_.add(late);
    }
    try {
      if (settings_.hooks.empty()) {
        step_and_record();
      } else if (!hooked_step(lock)) {
        continue;
      }
    } catch (const std::exception& error) {
      if (!lock.owns_lock()) lock.lock();
      state_ = RunState::failed;
      error_ = error.what();
      break;
    }
    if (settings_.realtime_factor == 0.0 && simulator_.steps_done() % 1024 == 0) {
      // Let readers of the status and the recording in between long free-running stretches.
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
  }
  wall_ += std::chrono::steady_clock::now() - wall_from;
  ended_.notify_all();
  lock.unlock();
  report_end();
}

bool SimulationRun::hooked_step(std::unique_lock<std::mutex>& lock) {
  const std::int64_t step = simulator_.steps_done();
  lock.unlock();
  bool proceed = true;
  for (const auto& hook : settings_.hooks)
    proceed = hook->exchange_before(step) && proceed;
  lock.lock();
  if (state_ != RunState::running) return false;
  if (!proceed) {
    state_ = RunState::paused;
    return false;
  }
  for (const auto& hook : settings_.hooks)
    hook->apply(simulator_);
  step_and_record();
  for (const auto& hook : settings_.hooks)
    hook->capture(simulator_);
  lock.unlock();
  for (const auto& hook : settings_.hooks)
    hook->exchange_after(step);
  lock.lock();
  return true;
}

void SimulationRun::append_row(Tap& tap, std::int64_t time_ns, std::span<const double> signals) {
  tap.samples.time_ns.push_back(time_ns);
  for (std::uint32_t slot : tap.slots)
    tap.samples.values.push_back(signals[slot]);
}

void SimulationRun::feed_taps() {
  const std::int64_t k = simulator_.steps_done() - 1;
  const auto signals = simulator_.signals();
  for (Tap& tap : taps_) {
    if (k % tap.stride != 0) continue;
    if (tap.samples.time_ns.size() == tap.capacity) {
      // Keep the rows whose step is a multiple of the doubled stride: the buffer stays bounded
      // and evenly spaced however fast the run goes.
      const std::size_t width = tap.slots.size();
      tap.stride *= 2;
      std::size_t kept = 0;
      for (std::size_t row = 0; row < tap.samples.time_ns.size(); ++row) {
        const std::int64_t step = tap.samples.time_ns[row] / simulator_.plan().step_ns;
        if (step % tap.stride != 0) continue;
        tap.samples.time_ns[kept] = tap.samples.time_ns[row];
        std::copy_n(tap.samples.values.begin() + static_cast<std::ptrdiff_t>(row * width), width,
                    tap.samples.values.begin() + static_cast<std::ptrdiff_t>(kept * width));
        ++kept;
      }
      tap.samples.time_ns.resize(kept);
      tap.samples.values.resize(kept * width);
      if (k % tap.stride != 0) continue;
    }
    append_row(tap, simulator_.time_ns(), signals);
  }
}

std::uint64_t SimulationRun::open_tap(std::vector<std::uint32_t> signals, std::size_t capacity) {
  std::lock_guard lock(mutex_);
  Tap tap;
  tap.id = next_tap_++;
  for (std::uint32_t index : signals)
    tap.slots.push_back(simulator_.plan().signals.at(index).slot);
  tap.capacity = std::max<std::size_t>(capacity, 2);
  tap.samples.time_ns.reserve(tap.capacity);
  tap.samples.values.reserve(tap.capacity * tap.slots.size());
  taps_.push_back(std::move(tap));
  return taps_.back().id;
}

LiveSamples SimulationRun::take_tap(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto tap =
      std::find_if(taps_.begin(), taps_.end(), [&](const Tap& t) { return t.id == id; });
  if (tap == taps_.end()) return {};
  const std::int64_t last_step = simulator_.steps_done() - 1;
  if (last_step > tap->last_taken_step &&
      (tap->samples.time_ns.empty() || tap->samples.time_ns.back() != simulator_.time_ns())) {
    append_row(*tap, simulator_.time_ns(), simulator_.signals());
  }
  tap->last_taken_step = last_step;
  LiveSamples taken;
  taken.time_ns.reserve(tap->capacity + 1);
  taken.values.reserve((tap->capacity + 1) * tap->slots.size());
  std::swap(taken.time_ns, tap->samples.time_ns);
  std::swap(taken.values, tap->samples.values);
  tap->stride = 1;
  taken.statistics = statistics_locked();
  return taken;
}

void SimulationRun::close_tap(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(taps_, [&](const Tap& tap) { return tap.id == id; });
}

RunState SimulationRun::wait_until_ended() const {
  std::unique_lock lock(mutex_);
  ended_.wait(lock, [&] { return ended_locked() && end_report_done_; });
  return state_;
}

RunStatistics SimulationRun::statistics() const {
  std::lock_guard lock(mutex_);
  return statistics_locked();
}

RunStatistics SimulationRun::statistics_locked() const {
  RunStatistics statistics;
  statistics.state = state_;
  statistics.steps_done = simulator_.steps_done();
  statistics.time_ns = simulator_.steps_done() == 0 ? 0 : simulator_.time_ns();
  statistics.wall_seconds = std::chrono::duration<double>(wall_).count();
  statistics.overruns = overruns_;
  statistics.jitter_p50 = lateness_.quantile(0.5);
  statistics.jitter_p99 = lateness_.quantile(0.99);
  statistics.jitter_max = lateness_.max();
  statistics.recording_truncated = truncated_;
  statistics.error = error_;
  statistics.end_reason = simulator_.events().end_reason();
  statistics.warning = warning_;
  return statistics;
}

Recording SimulationRun::recording() const {
  std::lock_guard lock(mutex_);
  return recording_;
}

}  // namespace twinloop::sim
