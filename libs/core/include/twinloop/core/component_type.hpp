#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinloop::core {

// The data type of a signal on a port.
enum class SignalType { real, integer, boolean };

// The data type of a parameter value.
// `object`: a JSON object whose members the type checks itself (the FMU type's start values).
enum class ParameterType { real, integer, boolean, string, object };

std::string_view to_string(SignalType type);
std::string_view to_string(ParameterType type);

struct PortSpec {
  std::string name;
  SignalType data_type = SignalType::real;
  std::string unit;            // empty: dimensionless or not stated
  double default_value = 0.0;  // the value of an unconnected input
  bool feedthrough = false;    // inputs only: the output depends on it within the same step
  std::string description;
};

struct ParameterSpec {
  std::string name;
  ParameterType data_type = ParameterType::real;
  nlohmann::json default_value;
  std::string unit;
  std::optional<double> min;  // inclusive, numeric parameters only
  std::optional<double> max;  // inclusive
  std::string description;
  // Further rule beyond type and range; returns the reason when `value` breaks it.
  std::function<std::optional<std::string>(const nlohmann::json& value)> check;
};

struct Ports {
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
};

// What a component type declares: its ports and parameters. The simulation library fills a
// catalogue of these; the API and validation read it.
struct ComponentTypeInfo {
  std::string type;
  std::string category;
  std::string description;
  std::vector<ParameterSpec> parameters;
  // The ports for the given (complete, validated) parameters. Most types have fixed ports;
  // some (sum: one input per sign) derive them from parameters.
  std::function<Ports(const nlohmann::json& parameters)> ports;
  // Rules over the complete parameters beyond each value's own (an FMU id that must exist, start
  // values that must name its variables). Throws core::Error (unprocessable) naming the field by
  // `prefix` + "/parameters/..."; empty for most types.
  std::function<void(const nlohmann::json& parameters, const std::string& prefix)>
      check_parameters{};

  const ParameterSpec* find_parameter(std::string_view name) const;
  nlohmann::json default_parameters() const;
};

// Read access to the component types known to this build.
class TypeCatalogue {
 public:
  virtual ~TypeCatalogue() = default;
  virtual const ComponentTypeInfo* find(std::string_view type) const = 0;
  // Sorted by category, then type.
  virtual std::vector<const ComponentTypeInfo*> list() const = 0;
};

// The catalogue entry of DESIGN.md: ports as for the default parameters.
nlohmann::json to_json(const ComponentTypeInfo& info);
nlohmann::json to_json(const PortSpec& port, bool is_input);

}  // namespace twinloop::core
