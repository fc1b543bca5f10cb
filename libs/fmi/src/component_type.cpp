#include "twinloop/fmi/component_type.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>

#include "twinloop/core/error.hpp"
#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {

using nlohmann::json;

FmuCatalogue::FmuCatalogue(std::shared_ptr<const FmuResolver> resolver)
    : resolver_(std::move(resolver)) {}

std::shared_ptr<const Fmu> FmuCatalogue::open(std::int64_t fmu_id,
                                              const std::string& pointer) const {
  const auto directory = resolver_->directory(fmu_id);
  if (!directory) {
    core::throw_unprocessable(
        fmt::format("there is no FMU with id {} (upload one with POST "
                    "/api/v1/projects/{{id}}/fmus, GET /api/v1/projects/{{id}}/fmus lists them)",
                    fmu_id),
        pointer, "unknown-fmu");
  }
  std::lock_guard lock(mutex_);
  if (const auto found = opened_.find(*directory); found != opened_.end()) return found->second;
  try {
    auto fmu = Fmu::open(*directory);
    opened_.emplace(*directory, fmu);
    return fmu;
  } catch (const core::Error& error) {
    throw core::Error(error.kind(), fmt::format("FMU {}: {}", fmu_id, error.what()),
                      {core::FieldProblem{pointer, error.what(), {}}}, error.type_slug());
  }
}

std::shared_ptr<const Fmu> FmuCatalogue::try_open(std::int64_t fmu_id) const {
  try {
    return open(fmu_id, "");
  } catch (const std::exception&) {
    return nullptr;
  }
}

void FmuCatalogue::forget(const std::filesystem::path& directory) {
  std::lock_guard lock(mutex_);
  opened_.erase(directory);
}

namespace {

constexpr std::string_view interface_auto = "";
constexpr std::string_view interface_cs = "co_simulation";
constexpr std::string_view interface_me = "model_exchange";
constexpr std::string_view solver_dopri = "dormand_prince";
constexpr std::string_view solver_rk4 = "rk4";

std::string pointer_to(const std::string& prefix, std::string_view parameter) {
  return prefix + "/parameters/" + std::string(parameter);
}

std::string value_pointer(const std::string& prefix, const std::string& variable) {
  return prefix + "/parameters/values/" + core::json_pointer_token(variable);
}

std::int64_t fmu_id_of(const json& parameters) {
  const auto found = parameters.find("fmu");
  return found != parameters.end() && found->is_number_integer() ? found->get<std::int64_t>() : 0;
}

Interface chosen_interface(const Fmu& fmu, const json& parameters) {
  const std::string wanted = parameters.value("interface", std::string(interface_auto));
  if (wanted == interface_cs) return Interface::co_simulation;
  if (wanted == interface_me) return Interface::model_exchange;
  return fmu.preferred_interface();
}

// Parameters whose start value a component may set, as the driver accepts them.
bool settable(const Variable& variable) {
  return variable.causality == Causality::parameter &&
         variable.variability != Variability::constant &&
         variable.initial.value_or(Initial::exact) != Initial::calculated;
}

std::string settable_names(const ModelDescription& description) {
  std::string names;
  for (const auto& variable : description.variables) {
    if (settable(variable)) names += (names.empty() ? "" : ", ") + variable.name;
  }
  return names.empty() ? "none" : names;
}

bool is_numeric(VariableType type) {
  return type != VariableType::string && type != VariableType::binary &&
         type != VariableType::clock;
}

bool is_integral(VariableType type) {
  return is_numeric(type) && type != VariableType::float32 && type != VariableType::float64;
}

// A number for a numeric scalar (true/false for Booleans), the checks the JSON alone allows.
double checked_number(const Variable& variable, const json& value, const std::string& pointer) {
  if (value.is_boolean() && variable.type == VariableType::boolean) return value ? 1.0 : 0.0;
  if (!value.is_number()) {
    core::throw_unprocessable(
        fmt::format("the FMU parameter '{}' is {}, so its value must be {}", variable.name,
                    to_string(variable.type),
                    variable.type == VariableType::boolean ? "true, false, 0 or 1" : "a number"),
        pointer);
  }
  const double number = value.get<double>();
  if (is_integral(variable.type) && number != std::floor(number)) {
    core::throw_unprocessable(fmt::format("the FMU parameter '{}' is {}, so its value must be a "
                                          "whole number, got {}",
                                          variable.name, to_string(variable.type), number),
                              pointer);
  }
  if (variable.min && number < *variable.min) {
    core::throw_unprocessable(fmt::format("the FMU parameter '{}' must be at least {}, got {}",
                                          variable.name, *variable.min, number),
                              pointer);
  }
  if (variable.max && number > *variable.max) {
    core::throw_unprocessable(fmt::format("the FMU parameter '{}' must be at most {}, got {}",
                                          variable.name, *variable.max, number),
                              pointer);
  }
  return number;
}

StartValue start_value(const Variable& variable, const json& value, const std::string& pointer) {
  if (!is_numeric(variable.type)) {
    if (!value.is_string()) {
      core::throw_unprocessable(
          fmt::format("the FMU parameter '{}' is {}, so its value must be a string{}",
                      variable.name, to_string(variable.type),
                      variable.type == VariableType::binary ? " of hexadecimal digits" : ""),
          pointer);
    }
    return value.get<std::string>();
  }
  if (variable.dimensions.empty()) return checked_number(variable, value, pointer);
  const std::size_t count = variable.element_count();
  if (!value.is_array() || value.size() != count) {
    core::throw_unprocessable(
        fmt::format("the FMU parameter '{}' is an array of {} elements, so its value must be a "
                    "list of {} numbers",
                    variable.name, count, count),
        pointer);
  }
  std::vector<double> elements;
  elements.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    elements.push_back(checked_number(variable, value[i], pointer + "/" + std::to_string(i)));
  }
  return elements;
}

std::vector<std::pair<std::string, StartValue>> start_values(const Fmu& fmu, const json& parameters,
                                                             const std::string& prefix) {
  std::vector<std::pair<std::string, StartValue>> values;
  const auto found = parameters.find("values");
  if (found == parameters.end() || !found->is_object()) return values;
  const ModelDescription& description = fmu.description();
  for (const auto& [name, value] : found->items()) {
    const std::string pointer = value_pointer(prefix, name);
    const Variable* variable = description.find(name);
    if (variable == nullptr || !settable(*variable)) {
      core::throw_unprocessable(
          fmt::format("the FMU '{}' has {} '{}' (parameters a component may set: {})",
                      description.model_name,
                      variable == nullptr ? "no variable" : "no settable parameter", name,
                      settable_names(description)),
          pointer, "unknown-fmu-parameter");
    }
    values.emplace_back(name, start_value(*variable, value, pointer));
  }
  return values;
}

// The parameters a running simulation may change: tunable numeric scalars. Their values are the
// block's packed parameters, so that tuning a running simulation reaches the FMU.
std::vector<const Variable*> tunable_parameters(const ModelDescription& description) {
  std::vector<const Variable*> tunable;
  for (const auto& variable : description.variables) {
    if (settable(variable) && variable.variability == Variability::tunable &&
        variable.dimensions.empty() && is_numeric(variable.type)) {
      tunable.push_back(&variable);
    }
  }
  return tunable;
}

// The values of the tunable parameters: from `values` (checked already) or the start values.
std::vector<double> packed_tunables(const Fmu& fmu, const json& parameters) {
  std::vector<double> packed;
  const auto values = parameters.find("values");
  for (const Variable* variable : tunable_parameters(fmu.description())) {
    double value = variable->start.empty() ? 0.0 : variable->start.front();
    if (values != parameters.end() && values->is_object()) {
      if (const auto given = values->find(variable->name); given != values->end()) {
        value = given->is_boolean() ? (given->get<bool>() ? 1.0 : 0.0) : given->get<double>();
      }
    }
    packed.push_back(value);
  }
  return packed;
}

core::SignalType signal_type(VariableType type) {
  switch (type) {
    case VariableType::float32:
    case VariableType::float64:
      return core::SignalType::real;
    case VariableType::boolean:
      return core::SignalType::boolean;
    default:
      return core::SignalType::integer;
  }
}

core::PortSpec port_spec(const ModelDescription& description, const Port& port, bool feedthrough) {
  core::PortSpec spec;
  spec.name = port.name;
  spec.data_type = signal_type(port.type);
  spec.unit = port.unit;
  spec.default_value = port.start;
  spec.feedthrough = feedthrough;
  spec.description = description.variables[port.variable].description;
  return spec;
}

core::Ports block_ports(const Fmu& fmu, Interface interface) {
  core::Ports ports;
  const PortLayout& layout = fmu.ports();
  const auto feedthrough = interface == Interface::model_exchange
                               ? direct_feedthrough(fmu.description(), layout)
                               : std::vector<bool>(layout.inputs.size(), false);
  for (std::size_t i = 0; i < layout.inputs.size(); ++i) {
    ports.inputs.push_back(port_spec(fmu.description(), layout.inputs[i], feedthrough[i]));
  }
  for (const auto& port : layout.outputs) {
    ports.outputs.push_back(port_spec(fmu.description(), port, false));
  }
  return ports;
}

void check_fmu_parameters(const FmuCatalogue& catalogue, const json& parameters,
                          const std::string& prefix) {
  const std::int64_t id = fmu_id_of(parameters);
  if (id <= 0) {
    core::throw_unprocessable(
        "a component of type 'fmu' needs parameter 'fmu': the id of an uploaded FMU (POST "
        "/api/v1/projects/{id}/fmus answers it)",
        pointer_to(prefix, "fmu"), "unknown-fmu");
  }
  const auto fmu = catalogue.open(id, pointer_to(prefix, "fmu"));
  const std::string wanted = parameters.value("interface", std::string(interface_auto));
  const Interface interface = chosen_interface(*fmu, parameters);
  if (!wanted.empty() && !fmu->supports(interface)) {
    core::throw_unprocessable(fmt::format("the FMU '{}' does not implement {}",
                                          fmu->description().model_name, to_string(interface)),
                              pointer_to(prefix, "interface"));
  }
  start_values(*fmu, parameters, prefix);
}

// One FMU instance for one run of a plan.
struct FmuBlock final : sim::BlockInstance {
  std::unique_ptr<Driver> driver;
  std::string name;
  std::vector<double> inputs;
  std::vector<std::string> tunable_names;   // in the order of the packed parameters
  std::vector<double> tunable_values;       // as the FMU has them
  bool pass_inputs_before_outputs = false;  // model exchange: outputs follow the inputs at t
  bool initialized = false;
  bool terminated = false;

  void gather_inputs(const sim::BlockCall& call) {
    for (std::size_t i = 0; i < inputs.size(); ++i)
      inputs[i] = call.input(i);
  }
};

void fmu_output(const sim::BlockCall& call) {
  auto& block = *static_cast<FmuBlock*>(call.instance);
  if (!block.initialized) {
    // Co-simulation inputs need not have been computed yet in step 0 (no feedthrough orders
    // them first): such an FMU starts from its inputs' start values.
    if (block.pass_inputs_before_outputs) block.gather_inputs(call);
    block.driver->initialize(block.pass_inputs_before_outputs ? block.inputs.data() : nullptr);
    block.initialized = true;
  } else if (block.pass_inputs_before_outputs && !block.terminated) {
    block.gather_inputs(call);
    block.driver->set_inputs(block.inputs.data());
  }
  block.driver->get_outputs(call.outputs);
}

void fmu_update(const sim::BlockCall& call) {
  auto& block = *static_cast<FmuBlock*>(call.instance);
  if (block.terminated) return;
  // A running simulation tuned a parameter: it reaches the FMU before this step.
  for (std::size_t i = 0; i < block.tunable_values.size(); ++i) {
    if (call.parameters[i] == block.tunable_values[i]) continue;
    block.driver->set_parameter(block.tunable_names[i], StartValue(call.parameters[i]));
    block.tunable_values[i] = call.parameters[i];
  }
  block.gather_inputs(call);
  block.driver->set_inputs(block.inputs.data());
  const StepResult result = block.driver->step(call.time, call.dt);
  if (result.terminated) {
    block.terminated = true;
    call.events->request_end(
        fmt::format("FMU instance '{}' asked to terminate at t = {} s", block.name, result.time));
  }
}

spdlog::level::level_enum log_level(Status status) {
  switch (status) {
    case Status::ok:
    case Status::pending:
      return spdlog::level::info;
    case Status::warning:
    case Status::discard:
      return spdlog::level::warn;
    case Status::error:
    case Status::fatal:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

void log_fmu_message(const LogMessage& message) {
  spdlog::log(log_level(message.status), "FMU instance '{}' [{}{}{}]: {}", message.instance,
              to_string(message.status), message.category.empty() ? "" : ", ", message.category,
              message.message);
}

std::unique_ptr<sim::BlockInstance> make_block(const FmuCatalogue& catalogue,
                                               const json& parameters,
                                               const std::string& component_name) {
  const auto fmu = catalogue.open(fmu_id_of(parameters), "/parameters/fmu");
  DriverOptions options;
  options.instance_name = component_name;
  options.interface = chosen_interface(*fmu, parameters);
  options.log = log_fmu_message;
  options.parameters = start_values(*fmu, parameters, "");
  if (const double tolerance = parameters.value("tolerance", 0.0); tolerance > 0) {
    options.tolerance = tolerance;
  }
  options.solver = parameters.value("solver", std::string(solver_dopri)) == solver_rk4
                       ? Solver::rk4
                       : Solver::dormand_prince;
  options.max_step = parameters.value("max_step", 0.0);
  auto block = std::make_unique<FmuBlock>();
  try {
    block->driver = make_driver(fmu, options);
  } catch (const FmuError&) {
    throw;
  } catch (const core::Error& error) {
    // The driver names a refused parameter /parameters/<name>; here it lives under values.
    std::vector<core::FieldProblem> fields = error.fields();
    for (auto& field : fields) {
      if (field.pointer.starts_with("/parameters/")) {
        field.pointer.insert(std::string_view("/parameters").size(), "/values");
      }
    }
    throw core::Error(error.kind(), error.what(), std::move(fields), error.type_slug());
  }
  block->name = component_name;
  for (const Variable* variable : tunable_parameters(fmu->description()))
    block->tunable_names.push_back(variable->name);
  block->tunable_values = packed_tunables(*fmu, parameters);
  block->inputs.assign(fmu->ports().inputs.size(), 0.0);
  block->pass_inputs_before_outputs = *options.interface == Interface::model_exchange;
  return block;
}

core::ParameterSpec parameter(std::string name, core::ParameterType type, json default_value,
                              std::string description) {
  core::ParameterSpec spec;
  spec.name = std::move(name);
  spec.data_type = type;
  spec.default_value = std::move(default_value);
  spec.description = std::move(description);
  return spec;
}

std::function<std::optional<std::string>(const json&)> one_of(
    std::vector<std::string_view> choices) {
  return [choices](const json& value) -> std::optional<std::string> {
    const auto text = value.get<std::string>();
    std::string listed;
    for (const auto choice : choices) {
      if (text == choice) return std::nullopt;
      listed += fmt::format("{}'{}'", listed.empty() ? "" : ", ", choice);
    }
    return fmt::format("must be one of {}, got '{}'", listed, text);
  };
}

}  // namespace

void register_fmu_type(sim::TypeRegistry& registry, std::shared_ptr<FmuCatalogue> catalogue) {
  core::ComponentTypeInfo info;
  info.type = std::string(fmu_type);
  info.category = "fmu";
  info.description =
      "A Functional Mock-up Unit (FMI 2.0 or 3.0, co-simulation or model exchange) uploaded to "
      "the project; its ports are the FMU's input and output variables";
  auto fmu_id = parameter("fmu", core::ParameterType::integer, 0,
                          "The id of the uploaded FMU (POST /api/v1/projects/{id}/fmus)");
  fmu_id.min = 0;
  info.parameters.push_back(std::move(fmu_id));
  info.parameters.push_back(parameter(
      "values", core::ParameterType::object, json::object(),
      "Start values of the FMU's parameters by variable name, overriding those of its "
      "modelDescription.xml: a number (true/false for Booleans), a list for an FMI 3 array, a "
      "string for String (hexadecimal digits for Binary)"));
  auto interface = parameter("interface", core::ParameterType::string, "",
                             "'co_simulation', 'model_exchange', or '' for co-simulation when the "
                             "FMU offers it and model exchange otherwise");
  interface.check = one_of({interface_auto, interface_cs, interface_me});
  info.parameters.push_back(std::move(interface));
  auto solver = parameter("solver", core::ParameterType::string, std::string(solver_dopri),
                          "Model exchange: the integrator, 'dormand_prince' (adaptive) or 'rk4' "
                          "(fixed step)");
  solver.check = one_of({solver_dopri, solver_rk4});
  info.parameters.push_back(std::move(solver));
  auto tolerance = parameter("tolerance", core::ParameterType::real, 0.0,
                             "Relative tolerance passed to the FMU and, under model exchange, of "
                             "the adaptive integrator; 0 for the FMU's default (else 1e-6)");
  tolerance.min = 0.0;
  info.parameters.push_back(std::move(tolerance));
  auto max_step = parameter("max_step", core::ParameterType::real, 0.0,
                            "Model exchange: the RK4 step, or the largest Dormand-Prince step; 0 "
                            "for the block's step");
  max_step.min = 0.0;
  max_step.unit = "s";
  info.parameters.push_back(std::move(max_step));

  info.ports = [catalogue](const json& parameters) {
    const auto fmu = catalogue->try_open(fmu_id_of(parameters));
    if (fmu == nullptr) return core::Ports{};
    return block_ports(*fmu, chosen_interface(*fmu, parameters));
  };
  info.check_parameters = [catalogue](const json& parameters, const std::string& prefix) {
    check_fmu_parameters(*catalogue, parameters, prefix);
  };

  sim::BlockBehaviour behaviour(
      [catalogue](const json& parameters, double, std::size_t) {
        check_fmu_parameters(*catalogue, parameters, "");
        sim::BlockSetup setup;
        setup.parameters =
            packed_tunables(*catalogue->open(fmu_id_of(parameters), "/parameters/fmu"), parameters);
        return setup;
      },
      fmu_output, fmu_update,
      [catalogue](const json& parameters, double, const std::string& component_name) {
        return make_block(*catalogue, parameters, component_name);
      });
  registry.add(std::move(info), std::move(behaviour));
}

}  // namespace twinloop::fmi
