#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinloop::fmi {

enum class FmiVersion { fmi2, fmi3 };

enum class Causality {
  parameter,
  calculated_parameter,
  input,
  output,
  local,
  independent,
  structural_parameter,  // FMI 3
};

enum class Variability { constant, fixed, tunable, discrete, continuous };

enum class Initial { exact, approx, calculated };

// FMI 2's Real, Integer, Boolean, String and Enumeration map to float64, int32, boolean,
// string and enumeration; the other types exist in FMI 3 only.
enum class VariableType {
  float32,
  float64,
  int8,
  uint8,
  int16,
  uint16,
  int32,
  uint32,
  int64,
  uint64,
  boolean,
  string,
  binary,
  enumeration,
  clock,
};

// One dimension of an FMI 3 array variable: a fixed size, or the value reference of the
// structural parameter that holds it.
struct Dimension {
  std::optional<std::uint64_t> start;
  std::optional<std::uint32_t> value_reference;
  std::uint64_t size = 0;  // resolved: `start`, or the structural parameter's start value
};

struct Variable {
  std::string name;
  std::uint32_t value_reference = 0;
  std::string description;
  Causality causality = Causality::local;
  Variability variability = Variability::continuous;
  std::optional<Initial> initial;  // as written; absent means the standard's default
  VariableType type = VariableType::float64;
  std::string declared_type;  // the TypeDefinitions entry, if any
  std::string unit;           // own or from the declared type
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> nominal;
  // Start values, one per element (scalars have one). Numbers for the numeric, Boolean (0/1)
  // and Enumeration types: 64-bit integers beyond 2^53 lose precision here, the FMU keeps its
  // own exact start value unless overridden. String starts are in `start_strings`, Binary
  // starts as their hexadecimal text there too.
  std::vector<double> start;
  std::vector<std::string> start_strings;
  std::optional<std::size_t> derivative_of;  // index into ModelDescription::variables
  bool reinit = false;
  bool can_handle_multiple_set_per_time_instant = true;
  std::vector<Dimension> dimensions;  // FMI 3 arrays; empty for scalars

  bool has_start() const { return !start.empty() || !start_strings.empty(); }
  // Number of scalar elements: the product of the dimensions' sizes (1 for scalars).
  std::size_t element_count() const;
};

struct CoSimulationInfo {
  std::string model_identifier;
  bool needs_execution_tool = false;
  bool can_handle_variable_communication_step_size = false;
  bool can_interpolate_inputs = false;  // FMI 2
  int max_output_derivative_order = 0;
  bool can_run_asynchronuously = false;  // FMI 2 (the standard's spelling)
  bool can_be_instantiated_only_once_per_process = false;
  bool can_not_use_memory_management_functions = false;  // FMI 2
  bool can_get_and_set_fmu_state = false;
  bool can_serialize_fmu_state = false;
  bool provides_directional_derivatives = false;
  bool provides_adjoint_derivatives = false;                // FMI 3
  bool provides_per_element_dependencies = false;           // FMI 3
  std::optional<double> fixed_internal_step_size;           // FMI 3
  int recommended_intermediate_input_smoothness = 0;        // FMI 3
  bool provides_intermediate_update = false;                // FMI 3
  bool might_return_early_from_do_step = false;             // FMI 3
  bool can_return_early_after_intermediate_update = false;  // FMI 3
  bool has_event_mode = false;                              // FMI 3
  bool provides_evaluate_discrete_states = false;           // FMI 3
};

struct ModelExchangeInfo {
  std::string model_identifier;
  bool needs_execution_tool = false;
  bool completed_integrator_step_not_needed = false;  // FMI 2
  bool needs_completed_integrator_step = true;        // FMI 3 (the negation of the above)
  bool can_be_instantiated_only_once_per_process = false;
  bool can_not_use_memory_management_functions = false;  // FMI 2
  bool can_get_and_set_fmu_state = false;
  bool can_serialize_fmu_state = false;
  bool provides_directional_derivatives = false;
  bool provides_adjoint_derivatives = false;       // FMI 3
  bool provides_per_element_dependencies = false;  // FMI 3
  bool provides_evaluate_discrete_states = false;  // FMI 3
};

struct DefaultExperiment {
  std::optional<double> start_time;
  std::optional<double> stop_time;
  std::optional<double> tolerance;
  std::optional<double> step_size;
};

// An entry of ModelStructure: the variable (index into ModelDescription::variables) and, when
// the FMU lists them, the variables it depends on.
struct Unknown {
  std::size_t variable = 0;
  std::optional<std::vector<std::size_t>> dependencies;  // absent: depends on everything
  std::vector<std::string> dependencies_kind;
};

struct ModelStructure {
  std::vector<Unknown> outputs;
  std::vector<Unknown> derivatives;  // FMI 3: ContinuousStateDerivative
  std::vector<Unknown> initial_unknowns;
  std::vector<Unknown> event_indicators;  // FMI 3 only; FMI 2 gives just a number
};

struct ModelDescription {
  FmiVersion version = FmiVersion::fmi2;
  std::string fmi_version;  // as written, e.g. "2.0" or "3.0.1"
  std::string model_name;
  std::string instantiation_token;  // FMI 2: guid
  std::string description;
  std::string author;
  std::string model_version;
  std::string generation_tool;
  std::string generation_date_and_time;
  std::string variable_naming_convention = "flat";
  std::optional<CoSimulationInfo> co_simulation;
  std::optional<ModelExchangeInfo> model_exchange;
  bool has_scheduled_execution = false;     // FMI 3; recognised, not driven
  std::vector<std::string> log_categories;  // <LogCategories>, for DriverOptions::log_categories
  DefaultExperiment default_experiment;
  std::vector<Variable> variables;
  ModelStructure model_structure;
  // FMI 2: numberOfEventIndicators; FMI 3: the element count of the EventIndicator entries.
  std::size_t number_of_event_indicators = 0;
  // The element count of the derivatives: the number of continuous states.
  std::size_t number_of_continuous_states = 0;

  // The variable of that name, or nullptr.
  const Variable* find(std::string_view name) const;
};

// Parses modelDescription.xml text. Throws core::Error (unprocessable) naming the line and the
// element or attribute at fault for malformed XML, a missing or invalid attribute, an
// unsupported FMI version, or inconsistent references.
ModelDescription parse_model_description(std::string_view xml);
// Reads and parses the file; a missing file is refused the same way.
ModelDescription read_model_description(const std::filesystem::path& file);

std::string_view to_string(Causality causality);
std::string_view to_string(Variability variability);
std::string_view to_string(Initial initial);
std::string_view to_string(VariableType type);
// The folder under binaries/ that holds this platform's library: "linux64" for FMI 2,
// "x86_64-linux" for FMI 3.
std::string_view platform_folder(FmiVersion version);

}  // namespace twinloop::fmi
