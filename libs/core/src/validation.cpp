#include "twinloop/core/validation.hpp"

#include <fmt/format.h>

#include <cmath>

#include "twinloop/core/error.hpp"

namespace twinloop::core {

using nlohmann::json;

namespace {

std::string_view json_type_name(const json& value) {
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

std::string format_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{}", value);
}

// The value converted to the parameter's type, or the reason it cannot be.
json checked_value(const ParameterSpec& spec, const json& value, const std::string& pointer) {
  const auto expected = to_string(spec.data_type);
  auto wrong_type = [&] {
    throw_unprocessable(fmt::format("parameter '{}' must be {} ({}), got {}", spec.name,
                                    spec.data_type == ParameterType::integer   ? "an integer"
                                    : spec.data_type == ParameterType::real    ? "a number"
                                    : spec.data_type == ParameterType::boolean ? "a boolean"
                                    : spec.data_type == ParameterType::string  ? "a string"
                                                                               : "an object",
                                    expected, json_type_name(value)),
                        pointer);
  };
  json result;
  switch (spec.data_type) {
    case ParameterType::real:
      if (!value.is_number()) wrong_type();
      result = value.get<double>();
      break;
    case ParameterType::integer:
      if (value.is_number_integer()) {
        result = value.get<std::int64_t>();
      } else if (value.is_number_float() &&
                 value.get<double>() == std::floor(value.get<double>()) &&
                 std::fabs(value.get<double>()) < 9.0e15) {
        result = static_cast<std::int64_t>(value.get<double>());
      } else {
        wrong_type();
      }
      break;
    case ParameterType::boolean:
      if (!value.is_boolean()) wrong_type();
      result = value;
      break;
    case ParameterType::string:
      if (!value.is_string()) wrong_type();
      result = value;
      break;
    case ParameterType::object:
      if (!value.is_object()) wrong_type();
      result = value;
      break;
  }
  if (result.is_number()) {
    const double number = result.get<double>();
    if (spec.min && number < *spec.min) {
      throw_unprocessable(
          fmt::format("parameter '{}' must be at least {}{}, got {}", spec.name,
                      format_number(*spec.min), spec.unit.empty() ? "" : " " + spec.unit,
                      format_number(number)),
          pointer);
    }
    if (spec.max && number > *spec.max) {
      throw_unprocessable(
          fmt::format("parameter '{}' must be at most {}{}, got {}", spec.name,
                      format_number(*spec.max), spec.unit.empty() ? "" : " " + spec.unit,
                      format_number(number)),
          pointer);
    }
  }
  if (spec.check) {
    if (auto reason = spec.check(result)) {
      throw_unprocessable(fmt::format("parameter '{}': {}", spec.name, *reason), pointer);
    }
  }
  return result;
}

}  // namespace

void check_display_name(std::string_view name, const std::string& pointer) {
  if (name.empty()) throw_unprocessable("the name must not be empty", pointer);
  if (name.size() > 200) throw_unprocessable("the name must be at most 200 characters", pointer);
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      throw_unprocessable("the name must not contain control characters", pointer);
    }
  }
}

void check_component_name(std::string_view name, const std::string& pointer) {
  auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::string rule =
      "a component name starts with a letter or '_' and continues with letters, digits, '_' or "
      "'-' (at most 64 characters)";
  if (name.empty() || name.size() > 64 || !(is_letter(name[0]) || name[0] == '_')) {
    throw_unprocessable(fmt::format("invalid component name '{}': {}", name, rule), pointer);
  }
  for (char c : name) {
    if (!(is_letter(c) || is_digit(c) || c == '_' || c == '-')) {
      throw_unprocessable(fmt::format("invalid component name '{}': {}", name, rule), pointer);
    }
  }
}

json merge_parameters(const ComponentTypeInfo& type, const json& current, const json& patch,
                      const std::string& prefix) {
  json merged = type.default_parameters();
  if (current.is_object()) {
    for (const auto& [name, value] : current.items()) {
      if (merged.contains(name)) merged[name] = value;
    }
  }
  for (const auto& [name, value] : patch.items()) {
    const std::string pointer = prefix + "/parameters/" + json_pointer_token(name);
    const ParameterSpec* spec = type.find_parameter(name);
    if (spec == nullptr) {
      std::string known;
      for (const auto& parameter : type.parameters) {
        known += known.empty() ? parameter.name : ", " + parameter.name;
      }
      throw_unprocessable(fmt::format("component type '{}' has no parameter '{}' (it has: {})",
                                      type.type, name, known.empty() ? "none" : known),
                          pointer);
    }
    merged[name] = value.is_null() ? spec->default_value : checked_value(*spec, value, pointer);
  }
  if (type.check_parameters) type.check_parameters(merged, prefix);
  return merged;
}

const PortSpec* find_port(const std::vector<PortSpec>& ports, std::string_view name) {
  for (const auto& port : ports) {
    if (port.name == name) return &port;
  }
  return nullptr;
}

namespace {
std::string port_names(const std::vector<PortSpec>& ports) {
  std::string names;
  for (const auto& port : ports)
    names += names.empty() ? port.name : ", " + port.name;
  return names.empty() ? "none" : names;
}
}  // namespace

namespace {

// One end of a connection: the port of `component` named `port_name` among `wanted` (the
// outputs for a source, the inputs for a target); a port of the other direction or none at
// all is an unprocessable error at `pointer`.
const PortSpec& connection_end(const Component& component, const Ports& ports, bool is_source,
                               const std::string& port_name, const std::string& pointer) {
  const auto& wanted = is_source ? ports.outputs : ports.inputs;
  const auto& other = is_source ? ports.inputs : ports.outputs;
  const char* wanted_kind = is_source ? "outputs" : "inputs";
  if (const PortSpec* port = find_port(wanted, port_name)) return *port;
  if (find_port(other, port_name) != nullptr) {
    throw_unprocessable(
        fmt::format("a connection must {} at {}, but '{}.{}' is {} ({} of '{}': {})",
                    is_source ? "start" : "end", is_source ? "an output" : "an input",
                    component.name, port_name, is_source ? "an input" : "an output", wanted_kind,
                    component.name, port_names(wanted)),
        pointer);
  }
  throw_unprocessable(fmt::format("component '{}' ({}) has no port '{}' ({}: {})", component.name,
                                  component.type, port_name, wanted_kind, port_names(wanted)),
                      pointer);
}

}  // namespace

void check_connection_ports(const Component& source, const ComponentTypeInfo& source_type,
                            const Component& target, const ComponentTypeInfo& target_type,
                            const Connection& connection, const std::string& prefix) {
  const Ports source_ports = source_type.ports(source.parameters);
  const Ports target_ports = target_type.ports(target.parameters);
  const std::string target_pointer = prefix + "/target/port";
  const PortSpec& from =
      connection_end(source, source_ports, true, connection.source.port, prefix + "/source/port");
  const PortSpec& to =
      connection_end(target, target_ports, false, connection.target.port, target_pointer);
  if (from.data_type != to.data_type) {
    throw_unprocessable(
        fmt::format("'{}.{}' carries {} but '{}.{}' takes {}", source.name, from.name,
                    to_string(from.data_type), target.name, to.name, to_string(to.data_type)),
        target_pointer, "port-type-mismatch");
  }
}

}  // namespace twinloop::core
