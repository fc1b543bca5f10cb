// Simulations of a model: create (compile), lifecycle, overrides, results.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>
#include <map>
#include <tuple>

#include "hil_bindings.hpp"
#include "problem.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "simulations.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/json_text.hpp"
#include "twinloop/core/sim_time.hpp"
#include "twinloop/core/validation.hpp"
#include "twinloop/sim/plan.hpp"

namespace twinloop::api {

using nlohmann::json;

namespace {

constexpr double max_steps = 1e15;
constexpr double max_spin = 0.01;

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
  fields.allow_only({"step_size", "end_time", "realtime_factor", "spin", "realtime_priority",
                     "record", "decimation"});
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
  // A run exchanging with a PLC follows the wall clock unless asked otherwise: the PLC does.
  const bool has_bindings = model_has_bindings(services.store, model.id);
  settings.realtime_factor = non_negative(fields, "realtime_factor", has_bindings ? 1.0 : 0.0);
  simulation->realtime_factor = settings.realtime_factor;
  const double spin = non_negative(fields, "spin", 0.0);
  if (spin > max_spin) {
    core::throw_unprocessable(
        fmt::format("'spin' is at most {} s: it is the last part of each step's wait, which "
                    "the worker spends busy on the clock",
                    max_spin),
        "/spin");
  }
  settings.spin_ns = std::llround(spin * 1e9);
  simulation->spin = spin;
  if (const auto priority = fields.nullable_number("realtime_priority"); priority && *priority) {
    if (!(**priority >= 0 && **priority <= 99) || **priority != std::floor(**priority)) {
      core::throw_unprocessable(
          "'realtime_priority' is a SCHED_FIFO priority from 1 to 99, or 0 for normal",
          "/realtime_priority");
    }
    settings.realtime_priority = static_cast<int>(**priority);
  }
  simulation->realtime_priority = settings.realtime_priority;
  if (const auto decimation = fields.nullable_number("decimation"); decimation && *decimation) {
    if (**decimation < 1 || **decimation != std::floor(**decimation) || **decimation > 1e9) {
      core::throw_unprocessable("'decimation' must be a whole number of at least 1", "/decimation");
    }
    settings.decimation = static_cast<std::int64_t>(**decimation);
  }
  simulation->decimation = settings.decimation;

  simulation->components = services.store.all_components(model.id);
  auto plan = std::make_shared<const sim::Plan>(
      sim::compile(simulation->components, services.store.all_connections(model.id),
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
  if (has_bindings) {
    simulation->bindings =
        binding_exchange(services, model, plan, *step_size, settings.realtime_factor);
    if (simulation->bindings) settings.hooks.push_back(simulation->bindings);
  }
  if (services.twin_server) {
    simulation->publication = services.twin_server->prepare(plan);
    simulation->opcua_endpoint = services.twin_server->endpoint_url();
    settings.hooks.push_back(simulation->publication);
  }
  auto added =
      services.simulations.add(std::move(simulation), std::move(settings), std::move(plan));
  if (added->publication) {
    try {
      services.twin_server->publish(*added->publication, std::to_string(added->id));
    } catch (const std::exception& error) {
      // The simulation runs all the same; its status shows it is not published.
      spdlog::warn("simulation {} is not published over OPC UA: {}", added->id, error.what());
    }
  }
  return added;
}

using OverrideChanges = std::vector<std::pair<std::uint32_t, std::optional<double>>>;

// Every override is checked before any takes effect, so a bad one changes nothing.
OverrideChanges checked_overrides(const Simulation& simulation, const json& overrides) {
  const auto& plan = simulation.run->plan();
  OverrideChanges changes;
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
    changes.emplace_back(input, number);
  }
  return changes;
}

void apply_overrides(Simulation& simulation, const OverrideChanges& changes) {
  const auto& plan = simulation.run->plan();
  std::lock_guard lock(simulation.tuning_mutex);
  for (const auto& [input, number] : changes) {
    simulation.run->set_override(input, number);
    if (simulation.publication) simulation.publication->overridden_elsewhere(input, number);
    const auto& name = plan.inputs[input].name;
    if (number) {
      simulation.overrides[name] = *number;
    } else {
      simulation.overrides.erase(name);
    }
  }
}

// A problem of one parameter, named as PATCH /simulations/{id} names it.
[[noreturn]] void parameter_problem(const core::Error& error, const std::string& pointer) {
  throw core::Error(error.kind(), error.what(), {core::FieldProblem{pointer, error.what(), {}}},
                    error.type_slug());
}

// {"component.parameter": value, ...}; null returns a parameter to its default. All are
// checked (type, range, and that the block can take them without recompiling) before any
// takes effect.
void apply_parameters(const Services& services, Simulation& simulation, const json& changes) {
  std::lock_guard lock(simulation.tuning_mutex);
  std::map<std::uint32_t, std::pair<json, std::string>> patches;  // component -> patch, pointer
  for (const auto& [name, value] : changes.items()) {
    const std::string pointer = "/parameters/" + core::json_pointer_token(name);
    const auto dot = name.find('.');
    if (dot == std::string::npos) {
      core::throw_unprocessable(
          fmt::format("'{}' is not named component.parameter (for example lag.t)", name), pointer);
    }
    const std::string component_name = name.substr(0, dot);
    std::uint32_t index = 0;
    while (index < simulation.components.size() &&
           simulation.components[index].name != component_name)
      ++index;
    if (index == simulation.components.size()) {
      core::throw_unprocessable(fmt::format("the model has no component '{}'", component_name),
                                pointer);
    }
    auto& patch = patches[index];
    patch.first[name.substr(dot + 1)] = value;
    if (patch.second.empty()) patch.second = pointer;
  }
  std::vector<std::tuple<std::uint32_t, json, std::vector<double>>> tuned;
  for (const auto& [index, patch] : patches) {
    const auto& component = simulation.components[index];
    const auto* type = services.catalogue.find(component.type);
    json merged;
    try {
      merged = core::merge_parameters(*type, component.parameters, patch.first);
    } catch (const core::Error& error) {
      std::string pointer = patch.second;
      if (!error.fields().empty()) {
        const std::string& inner = error.fields().front().pointer;  // "/parameters/<name>"
        const auto slash = inner.rfind('/');
        pointer = "/parameters/" + core::json_pointer_token(component.name) + "." +
                  inner.substr(slash + 1);
      }
      parameter_problem(error, pointer);
    }
    try {
      auto packed = sim::pack_parameters(simulation.run->plan(), index, services.catalogue,
                                         component, merged);
      tuned.emplace_back(index, std::move(merged), std::move(packed));
    } catch (const core::Error& error) {
      parameter_problem(error, patch.second);
    }
  }
  for (auto& [index, merged, packed] : tuned) {
    auto& component = simulation.components[index];
    const auto& type = *services.catalogue.find(component.type);
    for (const auto& [name, value] : patches[index].first.items()) {
      const std::string key = component.name + "." + name;
      if (value.is_null() || merged.at(name) == type.find_parameter(name)->default_value) {
        simulation.tuned.erase(key);
      }
      if (!value.is_null()) simulation.tuned[key] = merged.at(name);
    }
    component.parameters = std::move(merged);
    simulation.run->set_parameters(index, std::move(packed));
  }
}

// The columns of the results: all recorded signals, or the ones named in ?signals=a,b.
std::vector<std::size_t> result_columns(const std::vector<std::string>& recorded,
                                        const Call& call) {
  std::vector<std::size_t> columns;
  const auto wanted = call.query_parameter("signals");
  if (!wanted || wanted->empty()) {
    for (std::size_t i = 0; i < recorded.size(); ++i)
      columns.push_back(i);
    return columns;
  }
  std::string_view rest = *wanted;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    std::size_t column = 0;
    while (column < recorded.size() && recorded[column] != name)
      ++column;
    if (column == recorded.size()) {
      const std::string detail =
          fmt::format("signal '{}' is not recorded by this simulation", name);
      throw core::Error(core::ErrorKind::bad_request, detail,
                        {core::FieldProblem{{}, detail, "signals"}});
    }
    columns.push_back(column);
  }
  return columns;
}

// The recording of a living simulation, or what the store kept of an ended one.
store::SimulationResults results_of(const Services& services, core::Id id) {
  if (const auto simulation = services.simulations.find(id)) {
    auto recording = simulation->run->recording();
    return store::SimulationResults{simulation->recorded, std::move(recording.time_ns),
                                    std::move(recording.values)};
  }
  if (auto stored = services.store.simulation_results(id)) return *std::move(stored);
  const auto record = services.store.find_simulation(id);
  if (!record) core::throw_not_found(fmt::format("simulation {} does not exist", id));
  // Ended without its results (the server stopped while it ran): the signals, no samples.
  store::SimulationResults none;
  none.signals = json::parse(record->document).at("record").get<std::vector<std::string>>();
  return none;
}

Response results(const Services& services, const Call& call) {
  const auto format = call.query_parameter("format").value_or("json");
  if (format != "json" && format != "csv") {
    const std::string detail = fmt::format("format must be json or csv, not '{}'", format);
    throw core::Error(core::ErrorKind::bad_request, detail,
                      {core::FieldProblem{{}, detail, "format"}});
  }
  const auto recording = results_of(services, call.id());
  const auto columns = result_columns(recording.signals, call);
  const std::size_t width = recording.signals.size();
  if (format == "csv") {
    std::string body = sim::recording_csv(sim::Recording{recording.time_ns, recording.values},
                                          recording.signals, columns);
    Response response = json_text_response(200, std::move(body));
    response.content_type = "text/csv; charset=utf-8";
    response.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"simulation-{}.csv\"", call.id()));
    return response;
  }
  std::string body;
  core::JsonText text(body);
  text.raw("{").key("time", true).raw("[");
  for (std::size_t row = 0; row < recording.time_ns.size(); ++row) {
    if (row > 0) text.raw(",");
    text.number(core::to_seconds(recording.time_ns[row]));
  }
  text.raw("]").key("signals").raw("{");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    text.key(recording.signals[columns[i]], i == 0).raw("[");
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
               const auto simulation = living_simulation(services, call.id(), action);
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
    const auto stored = services.store.list_simulations(call.id(), page);
    json items = json::array();
    for (const auto& record : stored.items) {
      const auto living = services.simulations.find(record.id);
      items.push_back(living ? simulation_json(*living) : simulation_json(record));
    }
    return json_response(200, json{{"items", std::move(items)},
                                   {"total", stored.total},
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
    if (const auto living = services.simulations.find(call.id())) {
      return json_response(200, simulation_json(*living));
    }
    const auto record = services.store.find_simulation(call.id());
    if (!record) core::throw_not_found(fmt::format("simulation {} does not exist", call.id()));
    return json_response(200, simulation_json(*record));
  });
  router.add("PATCH", "/api/v1/simulations/{id}", [services](const Call& call) {
    const auto simulation = living_simulation(services, call.id(), "change");
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"overrides", "parameters"});
    const json* overrides = fields.object("overrides");
    const json* parameters = fields.object("parameters");
    const auto override_changes =
        overrides ? checked_overrides(*simulation, *overrides) : OverrideChanges{};
    if (parameters) apply_parameters(services, *simulation, *parameters);
    apply_overrides(*simulation, override_changes);
    return json_response(200, simulation_json(*simulation));
  });
  router.add("DELETE", "/api/v1/simulations/{id}", [services](const Call& call) {
    const bool was_living = services.simulations.remove(call.id());
    if (!services.store.delete_simulation(call.id()) && !was_living) {
      core::throw_not_found(fmt::format("simulation {} does not exist", call.id()));
    }
    return no_content();
  });
  router.add("GET", "/api/v1/simulations/{id}/results",
             [services](const Call& call) { return results(services, call); });
  add_transition(router, services, "start", &sim::SimulationRun::start);
  add_transition(router, services, "pause", &sim::SimulationRun::pause);
  add_transition(router, services, "resume", &sim::SimulationRun::resume);
  add_transition(router, services, "stop", &sim::SimulationRun::stop);
  add_transition(router, services, "step", &sim::SimulationRun::step_once);
  router.add("GET", std::string(simulation_stream_route), [services](const Call& call) {
    if (!services.simulations.find(call.id()) && !services.store.find_simulation(call.id())) {
      core::throw_not_found(fmt::format("simulation {} does not exist", call.id()));
    }
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
