#pragma once
// The twin as an OPC UA client of a PLC: a run's bindings exchange its signals with nodes of
// one or more OPC UA servers ("endpoints"), one batched Read before each exchanged step and
// one batched Write after it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "twinloop/opcua/server.hpp"
#include "twinloop/opcua/types.hpp"
#include "twinloop/sim/run.hpp"

namespace twinloop::hil {

// What a run does while an endpoint is not connected (down at start, or lost mid-run). In
// every case the endpoint is dialled again with backoff.
enum class FaultPolicy {
  hold,   // go on: read inputs keep their last values, writes are skipped
  pause,  // pause the run; it resumes by itself once the endpoint is back
  fail,   // fail the run with the endpoint's error
};
std::optional<FaultPolicy> fault_policy_named(std::string_view name);
std::string_view to_string(FaultPolicy policy);

enum class Direction {
  read,   // PLC -> twin: the node's value drives an input of the model
  write,  // twin -> PLC: an output of the model is written to the node
};
std::optional<Direction> direction_named(std::string_view name);
std::string_view to_string(Direction direction);

// The built-in types a binding converts to and from: Boolean and the numbers.
std::optional<opcua::BuiltinType> bindable_type_named(std::string_view name);

struct EndpointConfig {
  std::int64_t id = 0;
  std::string name;
  std::string url;                             // opc.tcp://host:port[/path]
  std::optional<opcua::UserCredentials> user;  // anonymous when empty
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{1000};
  std::int64_t exchange_every = 1;  // steps: exchange on the steps k with k % exchange_every == 0
  FaultPolicy fault_policy = FaultPolicy::hold;
  std::chrono::milliseconds reconnect_min_delay{100};
  std::chrono::milliseconds reconnect_max_delay{5000};
};

struct BindingConfig {
  std::int64_t id = 0;
  std::int64_t endpoint_id = 0;
  std::string signal;  // "component.port": an input for read, an output for write
  opcua::NodeId node;
  Direction direction = Direction::read;
  // The value crosses as value * scale + offset (read: node -> input; write: output -> node).
  double scale = 1.0;
  double offset = 0.0;
  // The node's type as the binding expects it; nullopt: whatever bindable type the node has.
  // Needed for nodes whose DataType is not a built-in one (an enumeration, say).
  std::optional<opcua::BuiltinType> data_type;
};

struct EndpointStatus {
  std::int64_t endpoint_id = 0;
  std::string name;
  std::string url;
  enum class State { connecting, connected, reconnecting, stopped } state = State::connecting;
  std::size_t bindings = 0;
  std::uint64_t cycles = 0;      // exchanges done (a Read and a Write, or what the bindings ask)
  std::uint64_t errors = 0;      // failed connection attempts and exchanges, bad node results
  std::uint64_t overruns = 0;    // exchanges that took longer than a step's wall-clock time
  std::uint64_t reconnects = 0;  // connections made after the first
  double last_exchange_seconds = 0.0;
  // Over the run (sim::LatencyHistogram's precision: at most 5 % high).
  double p50_exchange_seconds = 0.0;
  double p99_exchange_seconds = 0.0;
  double max_exchange_seconds = 0.0;
  std::string last_error;  // empty while nothing failed
};
std::string_view to_string(EndpointStatus::State state);

// The bindings of one run: a StepHook for its RunSettings::hooks. Each endpoint has a
// connection thread of its own that dials, checks every binding's node (it exists, has a
// bindable DataType, the access the direction needs) and dials again with backoff after a
// failure; the run's thread does the exchanges.
class BindingExchange final : public sim::StepHook {
 public:
  // Throws core::Error (unprocessable) for a binding whose signal the plan lacks in its
  // direction, or whose endpoint is not among `endpoints`. `step_wall_seconds` is a step's
  // wall-clock time (the step size over the real-time factor; 0 when not paced): an exchange
  // taking longer overruns it.
  BindingExchange(std::shared_ptr<const sim::Plan> plan, std::vector<EndpointConfig> endpoints,
                  std::vector<BindingConfig> bindings, double step_wall_seconds);
  ~BindingExchange() override;
  BindingExchange(const BindingExchange&) = delete;
  BindingExchange& operator=(const BindingExchange&) = delete;

  // The run this hook is in, for the pause policy to resume it; set before the run starts.
  void attach(sim::SimulationRun& run);

  void run_starting() override;
  bool exchange_before(std::int64_t step) override;
  void apply(sim::Simulator& simulator) override;
  void capture(const sim::Simulator& simulator) override;
  void exchange_after(std::int64_t step) override;
  void run_ended() override;

  std::vector<EndpointStatus> status() const;

 private:
  class Link;
  std::vector<std::unique_ptr<Link>> links_;
  sim::SimulationRun* run_ = nullptr;
};

}  // namespace twinloop::hil
