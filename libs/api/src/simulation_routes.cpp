// Simulations of a model: create (compile), lifecycle, overrides, results.
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "problem.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "simulations.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/json_text.hpp"
#include "twinloop/sim/plan.hpp"

namespace twinloop::api {

using nlohmann::json;

std::shared_ptr<Simulation> SimulationRegistry::add(std::shared_ptr<Simulation> simulation) {
  std::lock_guard lock(mutex_);
  simulation->id = next_id_++;
  simulations_.emplace(simulation->id, simulation);
  return simulation;
}

std::shared_ptr<Simulation> SimulationRegistry::find(core::Id id) const {
  std::lock_guard lock(mutex_);
  const auto found = simulations_.find(id);
  return found == simulations_.end() ? nullptr : found->second;
}

std::vector<std::shared_ptr<Simulation>> SimulationRegistry::of_model(core::Id model_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Simulation>> found;
  for (const auto& [id, simulation] : simulations_) {
    if (simulation->model_id == model_id) found.push_back(simulation);
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
  // Stopping joins the worker: outside the registry's lock.
  removed->run->stop();
  return true;
}

json simulation_json(const Simulation& simulation) {
  return simulation_json(simulation, simulation.run->statistics());
}

json simulation_json(const Simulation& simulation, const sim::RunStatistics& statistics) {
  json out{{"id", simulation.id},
           {"model_id", simulation.model_id},
           {"state", sim::to_string(statistics.state)},
           {"time", static_cast<double>(statistics.time_ns) * 1e-9},
           {"steps", statistics.steps_done},
           {"step_size", simulation.step_size},
           {"end_time", nullptr},
           {"realtime_factor", simulation.realtime_factor},
           {"record", simulation.recorded},
           {"decimation", simulation.decimation},
           {"wall_time", statistics.wall_seconds},
           {"realtime",
            {{"overruns", statistics.overruns},
             {"jitter_p50", statistics.jitter_p50},
             {"jitter_p99", statistics.jitter_p99},
             {"jitter_max", statistics.jitter_max}}},
           {"recording_truncated", statistics.recording_truncated},
           {"created_at", simulation.created_at}};
  if (simulation.end_time) out["end_time"] = *simulation.end_time;
  if (!statistics.error.empty()) out["error"] = statistics.error;
  std::lock_guard lock(simulation.overrides_mutex);
  out["overrides"] = simulation.overrides;
  return out;
}

std::shared_ptr<Simulation> existing_simulation(const Services& services, core::Id id) {
  auto simulation = services.simulations.find(id);
  if (!simulation) core::throw_not_found(fmt::format("simulation {} does not exist", id));
  return simulation;
}

namespace {

constexpr double max_steps = 1e15;

double non_negative(const FieldReader& fields, std::string_view name, double fallback) {
  const auto value = fields.nullable_number(name);
  if (!value || !*value) return fallback;
  if (!(**value >= 0.0) || !std::isfinite(**value)) {
    core::throw_unprocessable(fmt::format("'{}' must be a number of at least 0", name),
                              fields.pointer(name));
  }
  return **value;
}

std::shared_ptr<Simulation> create_simulation(const Services& services, const core::Model& model,
                                              const json& body) {
  const FieldReader fields(body);
  fields.allow_only({"step_size", "end_time", "realtime_factor", "record", "decimation"});
  auto simulation = std::make_shared<Simulation>();
  simulation->model_id = model.id;

  const auto step_size = fields.nullable_number("step_size").value_or(model.step_size);
  if (!step_size) {
    core::throw_unprocessable("'step_size' is required: the model has no default step size",
                              "/step_size");
  }
  if (!(*step_size > 0.0) || *step_size > 3600.0) {
    core::throw_unprocessable("the step size must be greater than 0 and at most 3600 s",
                              "/step_size");
  }
  const auto step_ns = std::llround(*step_size * 1e9);
  if (step_ns < 1) core::throw_unprocessable("the step size must be at least 1 ns", "/step_size");
  simulation->step_size = *step_size;

  sim::RunSettings settings;
  if (const auto end_time = fields.nullable_number("end_time"); end_time && *end_time) {
    const double steps = std::round(**end_time / *step_size);
    if (!(**end_time >= 0.0) || steps > max_steps) {
      core::throw_unprocessable("'end_time' must be at least 0 and at most 1e15 steps",
                                "/end_time");
    }
    simulation->end_time = **end_time;
    settings.last_step = static_cast<std::int64_t>(steps);
  }
  settings.realtime_factor = non_negative(fields, "realtime_factor", 0.0);
  simulation->realtime_factor = settings.realtime_factor;
  if (const auto decimation = fields.nullable_number("decimation"); decimation && *decimation) {
    if (**decimation < 1 || **decimation != std::floor(**decimation) || **decimation > 1e9) {
      core::throw_unprocessable("'decimation' must be a whole number of at least 1", "/decimation");
    }
    settings.decimation = static_cast<std::int64_t>(**decimation);
  }
  simulation->decimation = settings.decimation;

  auto plan = std::make_shared<const sim::Plan>(sim::compile(
      services.store.all_components(model.id), services.store.all_connections(model.id),
      services.catalogue, sim::CompileOptions{step_ns}));

  if (const json* record = fields.array("record")) {
    for (std::size_t i = 0; i < record->size(); ++i) {
      const std::string pointer = fmt::format("/record/{}", i);
      if (!(*record)[i].is_string()) core::throw_bad_request("signal names are strings", pointer);
      const auto& name = (*record)[i].get_ref<const std::string&>();
      std::uint32_t index = 0;
      while (index < plan->signals.size() && plan->signals[index].name != name)
        ++index;
      if (index == plan->signals.size()) {
        core::throw_unprocessable(
            fmt::format("the model has no output signal '{}' (signals are named "
                        "component.port, outputs only)",
                        name),
            pointer);
      }
      settings.recorded.push_back(index);
      simulation->recorded.push_back(name);
    }
  } else {
    for (std::uint32_t index = 0; index < plan->signals.size(); ++index) {
      settings.recorded.push_back(index);
      simulation->recorded.push_back(plan->signals[index].name);
    }
  }
  simulation->created_at = utc_now();
  simulation->run = std::make_unique<sim::SimulationRun>(std::move(plan), std::move(settings));
  return services.simulations.add(std::move(simulation));
}

void apply_overrides(Simulation& simulation, const json& overrides) {
  const auto& plan = simulation.run->plan();
  for (const auto& [name, value] : overrides.items()) {
    const std::string pointer = "/overrides/" + core::json_pointer_token(name);
    std::uint32_t input = 0;
    while (input < plan.inputs.size() && plan.inputs[input].name != name)
      ++input;
    if (input == plan.inputs.size()) {
      core::throw_unprocessable(
          fmt::format("the model has no input '{}' (overrides name inputs as component.port)",
                      name),
          pointer);
    }
    std::optional<double> number;
    const auto type = plan.inputs[input].data_type;
    if (value.is_null()) {
      number.reset();
    } else if (type == core::SignalType::boolean && value.is_boolean()) {
      number = value.get<bool>() ? 1.0 : 0.0;
    } else if (type == core::SignalType::integer && value.is_number() &&
               value.get<double>() == std::floor(value.get<double>())) {
      number = value.get<double>();
    } else if (type == core::SignalType::real && value.is_number()) {
      number = value.get<double>();
    } else {
      core::throw_unprocessable(fmt::format("input '{}' takes {} values (or null to release it)",
                                            name, core::to_string(type)),
                                pointer);
    }
    simulation.run->set_override(input, number);
    std::lock_guard lock(simulation.overrides_mutex);
    if (number) {
      simulation.overrides[name] = *number;
    } else {
      simulation.overrides.erase(name);
    }
  }
}

// The columns of the results: all recorded signals, or the ones named in ?signals=a,b.
std::vector<std::size_t> result_columns(const Simulation& simulation, const Call& call) {
  std::vector<std::size_t> columns;
  const auto wanted = call.query_parameter("signals");
  if (!wanted || wanted->empty()) {
    for (std::size_t i = 0; i < simulation.recorded.size(); ++i)
      columns.push_back(i);
    return columns;
  }
  std::string_view rest = *wanted;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    std::size_t column = 0;
    while (column < simulation.recorded.size() && simulation.recorded[column] != name)
      ++column;
    if (column == simulation.recorded.size()) {
      const std::string detail =
          fmt::format("signal '{}' is not recorded by this simulation", name);
      throw core::Error(core::ErrorKind::bad_request, detail,
                        {core::FieldProblem{{}, detail, "signals"}});
    }
    columns.push_back(column);
  }
  return columns;
}

Response results(const Simulation& simulation, const Call& call) {
  const auto format = call.query_parameter("format").value_or("json");
  if (format != "json" && format != "csv") {
    const std::string detail = fmt::format("format must be json or csv, not '{}'", format);
    throw core::Error(core::ErrorKind::bad_request, detail,
                      {core::FieldProblem{{}, detail, "format"}});
  }
  const auto columns = result_columns(simulation, call);
  const auto recording = simulation.run->recording();
  const std::size_t width = simulation.recorded.size();
  if (format == "csv") {
    std::string body = sim::recording_csv(recording, simulation.recorded, columns);
    Response response = json_text_response(200, std::move(body));
    response.content_type = "text/csv; charset=utf-8";
    response.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"simulation-{}.csv\"", simulation.id));
    return response;
  }
  std::string body;
  core::JsonText text(body);
  text.raw("{").key("time", true).raw("[");
  for (std::size_t row = 0; row < recording.time_ns.size(); ++row) {
    if (row > 0) text.raw(",");
    text.number(static_cast<double>(recording.time_ns[row]) * 1e-9);
  }
  text.raw("]").key("signals").raw("{");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    text.key(simulation.recorded[columns[i]], i == 0).raw("[");
    for (std::size_t row = 0; row < recording.time_ns.size(); ++row) {
      if (row > 0) text.raw(",");
      text.number(recording.values[row * width + columns[i]]);
    }
    text.raw("]");
  }
  text.raw("}}");
  return json_text_response(200, std::move(body));
}

using Transition = bool (sim::SimulationRun::*)();

void add_transition(Router& router, Services services, std::string_view action,
                    Transition transition) {
  router.add("POST", fmt::format("/api/v1/simulations/{{id}}/{}", action),
             [services, action, transition](const Call& call) {
               const auto simulation = existing_simulation(services, call.id());
               if (!((*simulation->run).*transition)()) {
                 throw core::Error(core::ErrorKind::conflict,
                                   fmt::format("cannot {} a simulation that is {}", action,
                                               sim::to_string(simulation->run->statistics().state)),
                                   {}, "invalid-state");
               }
               return json_response(200, simulation_json(*simulation));
             });
}

}  // namespace

void add_simulation_routes(Router& router, Services services) {
  router.add("GET", "/api/v1/models/{id}/simulations", [services](const Call& call) {
    if (!services.store.find_model(call.id())) {
      core::throw_not_found(fmt::format("model {} does not exist", call.id()));
    }
    const auto page = page_request(call);
    const auto all = services.simulations.of_model(call.id());
    json items = json::array();
    const auto total = static_cast<std::int64_t>(all.size());
    for (auto i = std::min(page.offset, total); i < std::min(page.offset + page.limit, total);
         ++i) {
      items.push_back(simulation_json(*all[static_cast<std::size_t>(i)]));
    }
    return json_response(200, json{{"items", std::move(items)},
                                   {"total", total},
                                   {"limit", page.limit},
                                   {"offset", page.offset}});
  });
  router.add("POST", "/api/v1/models/{id}/simulations", [services](const Call& call) {
    const auto model = services.store.find_model(call.id());
    if (!model) core::throw_not_found(fmt::format("model {} does not exist", call.id()));
    const json body = parse_json_object(call.request);
    const auto simulation = create_simulation(services, *model, body);
    Response response = json_response(201, simulation_json(*simulation));
    response.headers.emplace_back("Location",
                                  fmt::format("{}/simulations/{}", api_prefix, simulation->id));
    return response;
  });
  router.add("GET", "/api/v1/simulations/{id}", [services](const Call& call) {
    return json_response(200, simulation_json(*existing_simulation(services, call.id())));
  });
  router.add("PATCH", "/api/v1/simulations/{id}", [services](const Call& call) {
    const auto simulation = existing_simulation(services, call.id());
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"overrides"});
    if (const json* overrides = fields.object("overrides")) {
      apply_overrides(*simulation, *overrides);
    }
    return json_response(200, simulation_json(*simulation));
  });
  router.add("DELETE", "/api/v1/simulations/{id}", [services](const Call& call) {
    if (!services.simulations.remove(call.id())) {
      core::throw_not_found(fmt::format("simulation {} does not exist", call.id()));
    }
    return no_content();
  });
  router.add("GET", "/api/v1/simulations/{id}/results", [services](const Call& call) {
    return results(*existing_simulation(services, call.id()), call);
  });
  add_transition(router, services, "start", &sim::SimulationRun::start);
  add_transition(router, services, "pause", &sim::SimulationRun::pause);
  add_transition(router, services, "resume", &sim::SimulationRun::resume);
  add_transition(router, services, "stop", &sim::SimulationRun::stop);
  add_transition(router, services, "step", &sim::SimulationRun::step_once);
  router.add("GET", std::string(simulation_stream_route), [services](const Call& call) {
    existing_simulation(services, call.id());
    Response response =
        status_problem(426,
                       "this is a WebSocket endpoint: connect with a WebSocket client "
                       "(Upgrade: websocket) to receive the simulation's live signals",
                       call.path);
    response.headers.emplace_back("Upgrade", "websocket");
    return response;
  });
}

}  // namespace twinloop::api
