#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "twinloop/api/http_message.hpp"
#include "twinloop/core/model.hpp"
#include "twinloop/sim/run.hpp"

namespace twinloop::api {

struct Services;
struct Call;

// A simulation as the API knows it: its settings as asked for, and the run.
struct Simulation {
  core::Id id = 0;
  core::Id model_id = 0;
  double step_size = 0.0;
  std::optional<double> end_time;
  double realtime_factor = 0.0;
  std::int64_t decimation = 1;
  std::vector<std::string> recorded;  // signal names, in recording order
  std::string created_at;
  std::unique_ptr<sim::SimulationRun> run;

  mutable std::mutex overrides_mutex;
  std::map<std::string, double> overrides;  // input name -> value
};

// The simulations of this server process, by id. They live in memory: a restart ends them.
class SimulationRegistry {
 public:
  std::shared_ptr<Simulation> add(std::shared_ptr<Simulation> simulation);  // assigns the id
  std::shared_ptr<Simulation> find(core::Id id) const;
  std::vector<std::shared_ptr<Simulation>> of_model(core::Id model_id) const;
  bool remove(core::Id id);

 private:
  mutable std::mutex mutex_;
  std::map<core::Id, std::shared_ptr<Simulation>> simulations_;
  core::Id next_id_ = 1;
};

inline constexpr std::string_view simulation_stream_route = "/api/v1/simulations/{id}/stream";

// The simulation as the API shows it (GET /simulations/{id}), with the run's statistics now or
// as given.
nlohmann::json simulation_json(const Simulation& simulation);
nlohmann::json simulation_json(const Simulation& simulation, const sim::RunStatistics& statistics);

// The simulation of that id; core::Error not_found when there is none.
std::shared_ptr<Simulation> existing_simulation(const Services& services, core::Id id);

// The stream of a simulation's live signals for WS /simulations/{id}/stream?signals=&rate=
// &history= ; core::Error for an unknown simulation or a bad query.
std::unique_ptr<Stream> open_simulation_stream(const Services& services, const Call& call);

}  // namespace twinloop::api
