#pragma once
// The twin as an OPC UA server: every published simulation's ports appear as variables
//   Objects/Simulations/<simulation>/<component>/<port>   ns=1;s=<simulation>.<component>.<port>
// and the simulation started most recently (of those still published) also as
//   Objects/ActiveTwin/<component>/<port>                 ns=1;s=twin.<component>.<port>
// so that a PLC project keeps its node ids from one run to the next. Outputs are readable,
// inputs readable and writable: a client's write overrides the input from the next step on.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "twinloop/opcua/server.hpp"
#include "twinloop/sim/run.hpp"

namespace twinloop::hil {

class TwinServer;

// One simulation's side of the twin server: the hook that applies clients' writes before each
// step and pushes the signals' values after it. Made by TwinServer::prepare, to go into the
// run's RunSettings::hooks.
class TwinPublication final : public sim::StepHook {
 public:
  TwinPublication(TwinServer& server, std::shared_ptr<const sim::Plan> plan);
  ~TwinPublication() override;

  // Makes it the active twin before start returns, so a client may read the ActiveTwin nodes
  // as soon as the API has said the run started.
  void run_starting() override;
  void apply(sim::Simulator& simulator) override;
  void capture(const sim::Simulator& simulator) override;
  void exchange_after(std::int64_t step) override;
  void run_ended() override;

  // An override of an input (an index into Plan::inputs) made over the REST API, which the run
  // has been given already: the input's node shows it from the next step on, and OPC UA clients
  // no longer drive that input until they write it again. nullopt: the override was released.
  void overridden_elsewhere(std::uint32_t input, std::optional<double> value);
  // The inputs ("component.port") that OPC UA clients drive, in the plan's order.
  std::vector<std::string> external_inputs() const;
  // The simulation's name in the address space; empty until published.
  std::string name() const;
  bool active() const;

 private:
  friend class TwinServer;
  // Per Plan::signals, then per Plan::inputs; the layout of values_ too.
  using Variables = std::vector<opcua::VariableHandle>;
  // What clients wrote, shared with the write callbacks, which may outlive the publication.
  struct Writes {
    std::mutex mutex;
    // Per input, not yet applied: nullopt nothing; an empty optional gives it back to its driver.
    std::vector<std::optional<std::optional<double>>> pending;
    std::vector<bool> driven;  // per input: a client has written it since the API last did
    bool any_pending = false;
  };

  opcua::WriteCallback write_callback(std::uint32_t input) const;
  void push();

  TwinServer& server_;
  const std::shared_ptr<const sim::Plan> plan_;
  const std::shared_ptr<Writes> writes_;

  // On the run's thread: the overrides applied from clients' writes, and the values of the
  // step captured last (per output, then per input), taken at most every push period.
  std::vector<std::optional<double>> applied_;
  std::vector<double> captured_;
  bool capture_due_ = false;
  std::chrono::steady_clock::time_point next_push_{};
  std::atomic<bool> started_{false};

  mutable std::mutex variables_mutex_;  // guards what follows; taken before the server's lock
  std::vector<opcua::Variant> values_;  // as last pushed
  std::string name_;
  std::optional<Variables> own_;     // under Simulations/<name>
  std::optional<Variables> active_;  // under ActiveTwin, while this is the active twin
};

struct TwinServerOptions {
  opcua::ServerConfig server;
  // Values go to the server at most this often per simulation (and after its last step): a
  // run as fast as possible would otherwise spend its time publishing values no client samples
  // faster than its sampling interval.
  std::chrono::microseconds push_period{1000};
};

class TwinServer {
 public:
  explicit TwinServer(TwinServerOptions options);
  ~TwinServer();
  TwinServer(const TwinServer&) = delete;
  TwinServer& operator=(const TwinServer&) = delete;

  // Binds and serves; throws opcua::Error when the port is taken.
  void start();
  void stop();
  std::uint16_t port() const;
  std::string endpoint_url() const;
  opcua::Server& opcua_server() { return server_; }

  // The hook of a run of `plan`; it publishes nothing until publish().
  std::shared_ptr<TwinPublication> prepare(std::shared_ptr<const sim::Plan> plan);
  // Adds the simulation's folder Simulations/<name>; throws opcua::Error (BadNodeIdExists)
  // when that name is published already or is one of the server's own folders.
  void publish(TwinPublication& publication, const std::string& name);
  // Takes the simulation's nodes away (also its active twin, which passes to the publication
  // started before it that is still published). Done by the hook when the run ends.
  void withdraw(TwinPublication& publication);

  static constexpr std::uint16_t namespace_index = 1;
  static constexpr const char* active_twin_name = "twin";

 private:
  friend class TwinPublication;
  void activate(TwinPublication& publication);  // the run is starting
  // Makes the component folders and port variables under `folder`, NodeIds `prefix`.<signal>.
  TwinPublication::Variables add_variables(TwinPublication& publication,
                                           const opcua::NodeId& folder, const std::string& prefix);
  void make_active(TwinPublication* publication);  // with mutex_ held

  const TwinServerOptions options_;
  opcua::Server server_;
  opcua::NodeId simulations_folder_;
  opcua::NodeId active_folder_;
  std::mutex mutex_;
  std::vector<TwinPublication*> started_;  // published and started, oldest first
  TwinPublication* active_ = nullptr;
};

}  // namespace twinloop::hil
