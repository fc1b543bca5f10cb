// The simulations of a server: the living ones in memory, every one in the store.
#include "simulations.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "hil_bindings.hpp"
#include "routes.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/sim_time.hpp"

namespace twinloop::api {

using nlohmann::json;

SimulationRegistry::SimulationRegistry(store::Store& store) : store_(store) {
  const auto stopped = store_.stop_unfinished_simulations(
      "the server stopped while the simulation ran, so its results were not kept");
  if (stopped > 0) {
    spdlog::warn("{} simulation(s) had not ended when the server last stopped; marked stopped",
                 stopped);
  }
}

std::shared_ptr<Simulation> SimulationRegistry::add(std::shared_ptr<Simulation> simulation,
                                                    sim::RunSettings settings,
                                                    std::shared_ptr<const sim::Plan> plan) {
  Simulation* const raw = simulation.get();
  settings.on_end = [this, raw](const sim::SimulationRun& run) { store_ending(*raw, run); };
  simulation->run = std::make_unique<sim::SimulationRun>(std::move(plan), std::move(settings));
  if (simulation->bindings) simulation->bindings->attach(*simulation->run);
  const auto statistics = simulation->run->statistics();
  const auto record =
      store_.create_simulation(simulation->model_id, sim::to_string(statistics.state),
                               stored_document(*simulation, statistics).dump());
  simulation->id = record.id;
  simulation->created_at = record.created_at;
  const auto released = [&] {
    std::lock_guard lock(mutex_);
    simulations_.emplace(simulation->id, simulation);
    return release_stored();
  }();
  return simulation;
}

std::shared_ptr<Simulation> SimulationRegistry::find(core::Id id) {
  std::shared_ptr<Simulation> found;
  std::vector<std::shared_ptr<Simulation>> released;
  {
    std::lock_guard lock(mutex_);
    released = release_stored();
    if (const auto entry = simulations_.find(id); entry != simulations_.end()) {
      found = entry->second;
    }
  }
  return found;
}

bool SimulationRegistry::remove(core::Id id) {
  std::shared_ptr<Simulation> removed;
  {
    std::lock_guard lock(mutex_);
    const auto found = simulations_.find(id);
    if (found == simulations_.end()) return false;
    removed = std::move(found->second);
    simulations_.erase(found);
  }
  // Stopping may store the ending: outside the registry's lock.
  removed->run->stop();
  return true;
}

std::vector<std::shared_ptr<Simulation>> SimulationRegistry::release_stored() {
  std::vector<std::shared_ptr<Simulation>> released;
  for (auto entry = simulations_.begin(); entry != simulations_.end();) {
    if (entry->second->stored.load()) {
      released.push_back(std::move(entry->second));
      entry = simulations_.erase(entry);
    } else {
      ++entry;
    }
  }
  return released;
}

void SimulationRegistry::store_ending(Simulation& simulation, const sim::SimulationRun& run) {
  try {
    const auto statistics = run.statistics();
    auto recording = run.recording();
    store::SimulationResults results{simulation.recorded, std::move(recording.time_ns),
                                     std::move(recording.values)};
    if (!store_.finish_simulation(simulation.id, sim::to_string(statistics.state),
                                  stored_document(simulation, statistics).dump(), results)) {
      spdlog::info("simulation {} ended after it was deleted; nothing stored", simulation.id);
    }
    simulation.stored = true;
  } catch (const std::exception& error) {
    // It stays in memory, so its results can still be read until the server stops.
    spdlog::error("storing the end of simulation {} failed: {}", simulation.id, error.what());
  }
}

json simulation_json(const Simulation& simulation) {
  return simulation_json(simulation, simulation.run->statistics());
}

json stored_document(const Simulation& simulation, const sim::RunStatistics& statistics) {
  json out{{"state", sim::to_string(statistics.state)},
           {"time", core::to_seconds(statistics.time_ns)},
           {"steps", statistics.steps_done},
           {"step_size", simulation.step_size},
           {"end_time", nullptr},
           {"realtime_factor", simulation.realtime_factor},
           {"spin", simulation.spin},
           {"realtime_priority", simulation.realtime_priority},
           {"record", simulation.recorded},
           {"decimation", simulation.decimation},
           {"wall_time", statistics.wall_seconds},
           {"realtime",
            {{"overruns", statistics.overruns},
             {"jitter_p50", statistics.jitter_p50},
             {"jitter_p99", statistics.jitter_p99},
             {"jitter_max", statistics.jitter_max}}},
           {"recording_truncated", statistics.recording_truncated}};
  if (simulation.end_time) out["end_time"] = *simulation.end_time;
  if (!statistics.error.empty()) out["error"] = statistics.error;
  if (!statistics.end_reason.empty()) out["end_reason"] = statistics.end_reason;
  if (!statistics.warning.empty()) out["warning"] = statistics.warning;
  if (simulation.bindings) out["endpoints"] = endpoint_status_json(simulation.bindings->status());
  std::lock_guard lock(simulation.tuning_mutex);
  out["overrides"] = simulation.overrides;
  out["parameters"] = simulation.tuned;
  return out;
}

json simulation_json(const Simulation& simulation, const sim::RunStatistics& statistics) {
  json out = stored_document(simulation, statistics);
  out["id"] = simulation.id;
  out["model_id"] = simulation.model_id;
  out["created_at"] = simulation.created_at;
  out["ended_at"] = nullptr;
  // Only while its nodes are there: an ended simulation reads as the store keeps it, also in
  // the moment between its end and its nodes' removal.
  if (const std::string name = simulation.publication ? simulation.publication->name() : "";
      !name.empty() && !has_ended(statistics.state)) {
    out["opcua"] = {
        {"endpoint_url", simulation.opcua_endpoint},
        {"node_id_prefix", fmt::format("ns={};s={}.", hil::TwinServer::namespace_index, name)},
        {"active_twin", simulation.publication->active()},
        {"external_inputs", simulation.publication->external_inputs()}};
  }
  return out;
}

json simulation_json(const store::SimulationRecord& record) {
  json out = json::parse(record.document);
  out["id"] = record.id;
  out["model_id"] = record.model_id;
  out["state"] = record.state;
  out["created_at"] = record.created_at;
  out["ended_at"] = record.ended_at ? json(*record.ended_at) : json(nullptr);
  return out;
}

std::shared_ptr<Simulation> living_simulation(const Services& services, core::Id id,
                                              std::string_view action) {
  if (auto simulation = services.simulations.find(id)) return simulation;
  const auto record = services.store.find_simulation(id);
  if (!record) core::throw_not_found(fmt::format("simulation {} does not exist", id));
  throw core::Error(core::ErrorKind::conflict,
                    fmt::format("cannot {} a simulation that is {}", action, record->state), {},
                    "invalid-state");
}

}  // namespace twinloop::api
