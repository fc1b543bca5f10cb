#include "twinloop/core/component_type.hpp"

namespace twinloop::core {

using nlohmann::json;

std::string_view to_string(SignalType type) {
  switch (type) {
    case SignalType::real:
      return "real";
    case SignalType::integer:
      return "int";
    case SignalType::boolean:
      return "bool";
  }
  return "real";
}

std::string_view to_string(ParameterType type) {
  switch (type) {
    case ParameterType::real:
      return "real";
    case ParameterType::integer:
      return "int";
    case ParameterType::boolean:
      return "bool";
    case ParameterType::string:
      return "string";
    case ParameterType::object:
      return "object";
  }
  return "real";
}

const ParameterSpec* ComponentTypeInfo::find_parameter(std::string_view name) const {
  for (const auto& parameter : parameters) {
    if (parameter.name == name) return &parameter;
  }
  return nullptr;
}

json ComponentTypeInfo::default_parameters() const {
  json out = json::object();
  for (const auto& parameter : parameters)
    out[parameter.name] = parameter.default_value;
  return out;
}

json to_json(const PortSpec& port, bool is_input) {
  json out{{"name", port.name}, {"data_type", to_string(port.data_type)}};
  if (!port.unit.empty()) out["unit"] = port.unit;
  if (!port.description.empty()) out["description"] = port.description;
  if (is_input) {
    if (port.data_type == SignalType::boolean) {
      out["default"] = port.default_value != 0.0;
    } else if (port.data_type == SignalType::integer) {
      out["default"] = static_cast<long long>(port.default_value);
    } else {
      out["default"] = port.default_value;
    }
    out["feedthrough"] = port.feedthrough;
  }
  return out;
}

json to_json(const ComponentTypeInfo& info) {
  const Ports ports = info.ports(info.default_parameters());
  json inputs = json::array();
  for (const auto& port : ports.inputs)
    inputs.push_back(to_json(port, true));
  json outputs = json::array();
  for (const auto& port : ports.outputs)
    outputs.push_back(to_json(port, false));
  json parameters = json::array();
  for (const auto& parameter : info.parameters) {
    json entry{{"name", parameter.name},
               {"data_type", to_string(parameter.data_type)},
               {"default", parameter.default_value},
               {"description", parameter.description}};
    if (!parameter.unit.empty()) entry["unit"] = parameter.unit;
    if (parameter.min) entry["min"] = *parameter.min;
    if (parameter.max) entry["max"] = *parameter.max;
    parameters.push_back(std::move(entry));
  }
  return json{{"type", info.type},
              {"category", info.category},
              {"description", info.description},
              {"inputs", std::move(inputs)},
              {"outputs", std::move(outputs)},
              {"parameters", std::move(parameters)}};
}

}  // namespace twinloop::core
