#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "twinloop/api/http_message.hpp"
#include "twinloop/core/model.hpp"
#include "twinloop/hil/bindings.hpp"
#include "twinloop/hil/twin_server.hpp"
#include "twinloop/sim/run.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::api {

struct Services;
struct Call;

constexpr bool has_ended(sim::RunState state) {
  return state == sim::RunState::completed || state == sim::RunState::stopped ||
         state == sim::RunState::failed;
}

// A simulation as the API knows it while it lives in this process: its settings as asked
// for, and the run. Once it has ended and is stored, the store has it (see
// SimulationRegistry).
struct Simulation {
  core::Id id = 0;
  core::Id model_id = 0;
  double step_size = 0.0;
  std::optional<double> end_time;
  double realtime_factor = 0.0;
  double spin = 0.0;
  int realtime_priority = 0;
  std::int64_t decimation = 1;
  std::vector<std::string> recorded;  // signal names, in recording order
  std::string created_at;

  // What a PATCH changes while the run goes on, under `tuning_mutex`.
  mutable std::mutex tuning_mutex;
  std::map<std::string, double> overrides;          // input name -> value
  std::vector<core::Component> components;          // as compiled, with tuned parameters
  nlohmann::json tuned = nlohmann::json::object();  // "component.parameter" -> value

  // Its signals on the twin's OPC UA server, while it lives; nullptr without one.
  std::shared_ptr<hil::TwinPublication> publication;
  std::string opcua_endpoint;  // the server's URL, for clients to dial
  // Its exchange with the PLCs its model's bindings name; nullptr without bindings.
  std::shared_ptr<hil::BindingExchange> bindings;

  // Set once the ended run and its results are in the store.
  std::atomic<bool> stored{false};
  // Last, so that it is destroyed first: a run still going when its simulation goes is
  // stopped, and its end (stored through the members above) must find them alive.
  std::unique_ptr<sim::SimulationRun> run;
};

// The simulations that live in this process, by id, in front of the store, which keeps every
// simulation. A run is written to the store when created and again, with its results, when
// it ends; from then on the store answers for it and the registry lets it go.
class SimulationRegistry {
 public:
  explicit SimulationRegistry(store::Store& store);

  // Stores a new simulation (its id comes from the store) and starts keeping it. Its run's
  // settings must not have an on_end yet: the registry sets one that stores the ending.
  std::shared_ptr<Simulation> add(std::shared_ptr<Simulation> simulation, sim::RunSettings settings,
                                  std::shared_ptr<const sim::Plan> plan);
  // The living simulation of that id; nullptr when it is not (or no longer) in this process.
  std::shared_ptr<Simulation> find(core::Id id);
  // Stops the living simulation of that id and forgets it; false when there was none.
  bool remove(core::Id id);

 private:
  void store_ending(Simulation& simulation, const sim::SimulationRun& run);
  // Takes the stored simulations out of the map; the caller destroys them outside the lock.
  std::vector<std::shared_ptr<Simulation>> release_stored();

  store::Store& store_;
  std::mutex mutex_;
  std::map<core::Id, std::shared_ptr<Simulation>> simulations_;
};

inline constexpr std::string_view simulation_stream_route = "/api/v1/simulations/{id}/stream";

// The simulation as the API shows it (GET /simulations/{id}), with the run's statistics now or
// as given.
nlohmann::json simulation_json(const Simulation& simulation);
nlohmann::json simulation_json(const Simulation& simulation, const sim::RunStatistics& statistics);

// The document the store keeps of a simulation: its JSON without id, model_id, created_at.
nlohmann::json stored_document(const Simulation& simulation, const sim::RunStatistics& statistics);
// A stored simulation as the API shows it.
nlohmann::json simulation_json(const store::SimulationRecord& record);

// The living simulation of that id, for `action` ("start", "change", ...). core::Error:
// not_found when there is no simulation of that id, conflict (invalid-state) when it has
// ended and is only stored.
std::shared_ptr<Simulation> living_simulation(const Services& services, core::Id id,
                                              std::string_view action);

// The stream of a simulation's live signals for WS /simulations/{id}/stream?signals=&rate=
// &history= ; core::Error for an unknown simulation or a bad query.
std::unique_ptr<Stream> open_simulation_stream(const Services& services, const Call& call);

}  // namespace twinloop::api
