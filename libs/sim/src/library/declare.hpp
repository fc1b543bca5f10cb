#pragma once
// What the family files of the component library share: the names they declare types with,
// parameter builders, and the conversions their kernels use on packed values.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "twinloop/core/component_type.hpp"

namespace twinloop::sim::library {

using core::ComponentTypeInfo;
using core::ParameterSpec;
using core::ParameterType;
using core::Ports;
using core::PortSpec;
using core::SignalType;
using nlohmann::json;

inline ParameterSpec parameter(std::string name, ParameterType type, json default_value,
                               std::string unit, std::string description,
                               std::optional<double> min = std::nullopt,
                               std::optional<double> max = std::nullopt) {
  ParameterSpec spec;
  spec.name = std::move(name);
  spec.data_type = type;
  spec.default_value = std::move(default_value);
  spec.unit = std::move(unit);
  spec.min = min;
  spec.max = max;
  spec.description = std::move(description);
  return spec;
}

inline ParameterSpec real_parameter(std::string name, double default_value, std::string unit,
                                    std::string description,
                                    std::optional<double> min = std::nullopt,
                                    std::optional<double> max = std::nullopt) {
  return parameter(std::move(name), ParameterType::real, default_value, std::move(unit),
                   std::move(description), min, max);
}

inline ParameterSpec bool_parameter(std::string name, bool default_value, std::string description) {
  return parameter(std::move(name), ParameterType::boolean, default_value, "",
                   std::move(description));
}

// The check of a real parameter that must be greater than 0 (a range's min is inclusive).
inline std::optional<std::string> positive(const json& value) {
  if (value.get<double>() > 0.0) return std::nullopt;
  return "must be greater than 0";
}

// A real parameter greater than 0.
inline ParameterSpec positive_parameter(std::string name, double default_value, std::string unit,
                                        std::string description) {
  ParameterSpec spec =
      real_parameter(std::move(name), default_value, std::move(unit), std::move(description), 0.0);
  spec.check = positive;
  return spec;
}

// A string parameter that takes one of two words; the first is the default.
inline ParameterSpec choice_parameter(std::string name, std::string first, std::string second,
                                      std::string description) {
  ParameterSpec spec =
      parameter(std::move(name), ParameterType::string, first, "", std::move(description));
  spec.check = [first, second](const json& value) -> std::optional<std::string> {
    const auto& text = value.get_ref<const std::string&>();
    if (text == first || text == second) return std::nullopt;
    return "must be \"" + first + "\" or \"" + second + "\", got \"" + text + "\"";
  };
  return spec;
}

// A numeric parameter of validated parameters, as a double (packed parameters are doubles).
inline double number(const json& parameters, const char* name) {
  return parameters.at(name).get<double>();
}

// Bool signals are doubles: TRUE is any value but 0, and a bool output is 0 or 1.
inline bool is_true(double signal) {
  return signal != 0.0;
}

inline double signal_of(bool value) {
  return value ? 1.0 : 0.0;
}

}  // namespace twinloop::sim::library
