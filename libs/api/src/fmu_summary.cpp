#include "fmu_summary.hpp"

namespace twinloop::api {

using nlohmann::json;

namespace {

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json co_simulation_json(const fmi::CoSimulationInfo& info) {
  return {
      {"model_identifier", info.model_identifier},
      {"needs_execution_tool", info.needs_execution_tool},
      {"can_handle_variable_communication_step_size",
       info.can_handle_variable_communication_step_size},
      {"can_interpolate_inputs", info.can_interpolate_inputs},
      {"max_output_derivative_order", info.max_output_derivative_order},
      {"can_be_instantiated_only_once_per_process", info.can_be_instantiated_only_once_per_process},
      {"can_get_and_set_fmu_state", info.can_get_and_set_fmu_state},
      {"can_serialize_fmu_state", info.can_serialize_fmu_state},
      {"provides_directional_derivatives", info.provides_directional_derivatives},
      {"fixed_internal_step_size", optional_number(info.fixed_internal_step_size)},
      {"has_event_mode", info.has_event_mode},
      {"might_return_early_from_do_step", info.might_return_early_from_do_step},
  };
}

json model_exchange_json(const fmi::ModelExchangeInfo& info) {
  return {
      {"model_identifier", info.model_identifier},
      {"needs_execution_tool", info.needs_execution_tool},
      {"needs_completed_integrator_step", info.needs_completed_integrator_step},
      {"can_be_instantiated_only_once_per_process", info.can_be_instantiated_only_once_per_process},
      {"can_get_and_set_fmu_state", info.can_get_and_set_fmu_state},
      {"can_serialize_fmu_state", info.can_serialize_fmu_state},
      {"provides_directional_derivatives", info.provides_directional_derivatives},
  };
}

json start_json(const fmi::Variable& variable) {
  const bool is_text =
      variable.type == fmi::VariableType::string || variable.type == fmi::VariableType::binary;
  if (is_text) {
    if (variable.start_strings.empty()) return nullptr;
    if (variable.dimensions.empty()) return variable.start_strings.front();
    return variable.start_strings;
  }
  if (variable.start.empty()) return nullptr;
  auto number = [&](double value) -> json {
    if (variable.type == fmi::VariableType::boolean) return value != 0.0;
    return value;
  };
  if (variable.dimensions.empty()) return number(variable.start.front());
  json elements = json::array();
  for (double value : variable.start)
    elements.push_back(number(value));
  return elements;
}

json variable_json(const fmi::Variable& variable) {
  json entry = {
      {"name", variable.name},
      {"value_reference", variable.value_reference},
      {"causality", fmi::to_string(variable.causality)},
      {"variability", fmi::to_string(variable.variability)},
      {"type", fmi::to_string(variable.type)},
      {"start", start_json(variable)},
      {"unit", variable.unit},
      {"min", optional_number(variable.min)},
      {"max", optional_number(variable.max)},
      {"description", variable.description},
  };
  if (variable.initial) entry["initial"] = fmi::to_string(*variable.initial);
  if (!variable.dimensions.empty()) {
    json sizes = json::array();
    for (const auto& dimension : variable.dimensions)
      sizes.push_back(dimension.size);
    entry["dimensions"] = sizes;
  }
  return entry;
}

}  // namespace

json fmu_summary(const fmi::ModelDescription& description) {
  json variables = json::array();
  for (const auto& variable : description.variables)
    variables.push_back(variable_json(variable));
  const auto& experiment = description.default_experiment;
  return {
      {"fmi_version", description.fmi_version},
      {"model_name", description.model_name},
      {"instantiation_token", description.instantiation_token},
      {"description", description.description},
      {"author", description.author},
      {"model_version", description.model_version},
      {"generation_tool", description.generation_tool},
      {"generation_date_and_time", description.generation_date_and_time},
      {"co_simulation",
       description.co_simulation ? co_simulation_json(*description.co_simulation) : json(nullptr)},
      {"model_exchange", description.model_exchange
                             ? model_exchange_json(*description.model_exchange)
                             : json(nullptr)},
      {"default_experiment",
       {{"start_time", optional_number(experiment.start_time)},
        {"stop_time", optional_number(experiment.stop_time)},
        {"tolerance", optional_number(experiment.tolerance)},
        {"step_size", optional_number(experiment.step_size)}}},
      {"number_of_continuous_states", description.number_of_continuous_states},
      {"number_of_event_indicators", description.number_of_event_indicators},
      {"variables", variables},
  };
}

}  // namespace twinloop::api
