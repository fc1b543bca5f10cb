#include "twinloop/fmi/model_description.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <pugixml.hpp>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "twinloop/core/error.hpp"
#include "value_types.hpp"

namespace twinloop::fmi {

bool is_float(VariableType type) {
  return type == VariableType::float32 || type == VariableType::float64;
}

bool is_integer(VariableType type) {
  switch (type) {
    case VariableType::int8:
    case VariableType::uint8:
    case VariableType::int16:
    case VariableType::uint16:
    case VariableType::int32:
    case VariableType::uint32:
    case VariableType::int64:
    case VariableType::uint64:
    case VariableType::enumeration:
      return true;
    default:
      return false;
  }
}

std::pair<double, double> value_range(VariableType type, FmiVersion version) {
  switch (type) {
    case VariableType::int8:
      return {-128.0, 127.0};
    case VariableType::uint8:
      return {0.0, 255.0};
    case VariableType::int16:
      return {-32768.0, 32767.0};
    case VariableType::uint16:
      return {0.0, 65535.0};
    case VariableType::int32:
      return {-2147483648.0, 2147483647.0};
    case VariableType::uint32:
      return {0.0, 4294967295.0};
    case VariableType::int64:
      return {-9223372036854775808.0, 9223372036854775807.0};
    case VariableType::uint64:
      return {0.0, 18446744073709551615.0};
    case VariableType::enumeration:
      return value_range(version == FmiVersion::fmi2 ? VariableType::int32 : VariableType::int64,
                         version);
    case VariableType::float32:
      return {-static_cast<double>(std::numeric_limits<float>::max()),
              static_cast<double>(std::numeric_limits<float>::max())};
    case VariableType::boolean:
      return {0.0, 1.0};
    default:
      return {-INFINITY, INFINITY};
  }
}

std::size_t Variable::element_count() const {
  std::size_t count = 1;
  for (const Dimension& dimension : dimensions)
    count *= dimension.size;
  return count;
}

const Variable* ModelDescription::find(std::string_view name) const {
  for (const Variable& variable : variables) {
    if (variable.name == name) return &variable;
  }
  return nullptr;
}

namespace {

// The standard's spelling of each enumerator, in the enumeration's order.
template <typename Enum, std::size_t count>
std::string_view spelling(Enum value, const std::array<std::string_view, count>& names) {
  const auto index = static_cast<std::size_t>(value);
  return index < count ? names[index] : "?";
}

}  // namespace

std::string_view to_string(Causality causality) {
  static constexpr std::array<std::string_view, 7> names{
      "parameter",   "calculatedParameter", "input", "output", "local",
      "independent", "structuralParameter"};
  return spelling(causality, names);
}

std::string_view to_string(Variability variability) {
  static constexpr std::array<std::string_view, 5> names{"constant", "fixed", "tunable", "discrete",
                                                         "continuous"};
  return spelling(variability, names);
}

std::string_view to_string(Initial initial) {
  static constexpr std::array<std::string_view, 3> names{"exact", "approx", "calculated"};
  return spelling(initial, names);
}

std::string_view to_string(VariableType type) {
  static constexpr std::array<std::string_view, 15> names{
      "Float32", "Float64", "Int8",    "UInt8",  "Int16",  "UInt16",      "Int32", "UInt32",
      "Int64",   "UInt64",  "Boolean", "String", "Binary", "Enumeration", "Clock"};
  return spelling(type, names);
}

std::string_view platform_folder(FmiVersion version) {
  return version == FmiVersion::fmi2 ? "linux64" : "x86_64-linux";
}

namespace {

// The type name of each element of FMI 3's ModelVariables, and FMI 2's typed children.
const std::map<std::string_view, VariableType>& fmi3_type_elements() {
  static const std::map<std::string_view, VariableType> types{
      {"Float32", VariableType::float32}, {"Float64", VariableType::float64},
      {"Int8", VariableType::int8},       {"UInt8", VariableType::uint8},
      {"Int16", VariableType::int16},     {"UInt16", VariableType::uint16},
      {"Int32", VariableType::int32},     {"UInt32", VariableType::uint32},
      {"Int64", VariableType::int64},     {"UInt64", VariableType::uint64},
      {"Boolean", VariableType::boolean}, {"String", VariableType::string},
      {"Binary", VariableType::binary},   {"Enumeration", VariableType::enumeration},
      {"Clock", VariableType::clock}};
  return types;
}

const std::map<std::string_view, VariableType>& fmi2_type_elements() {
  static const std::map<std::string_view, VariableType> types{
      {"Real", VariableType::float64},
      {"Integer", VariableType::int32},
      {"Boolean", VariableType::boolean},
      {"String", VariableType::string},
      {"Enumeration", VariableType::enumeration}};
  return types;
}

bool is_numeric_start(VariableType type) {
  return type != VariableType::string && type != VariableType::binary &&
         type != VariableType::clock;
}

bool is_c_identifier(std::string_view text) {
  if (text.empty()) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(text.front()) && text.front() != '_') return false;
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_'; });
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && std::isspace(static_cast<unsigned char>(text[position]))) {
      ++position;
    }
    const std::size_t begin = position;
    while (position < text.size() && !std::isspace(static_cast<unsigned char>(text[position]))) {
      ++position;
    }
    if (position > begin) tokens.push_back(text.substr(begin, position - begin));
  }
  return tokens;
}

std::optional<double> parse_double(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text == "INF") return std::numeric_limits<double>::infinity();
  if (text == "-INF") return -std::numeric_limits<double>::infinity();
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  Integer value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

// An array larger than this is refused: its ports could not be laid out in memory anyway.
constexpr std::uint64_t kMaxElements = 1'000'000;

struct TypeDefinition {
  VariableType type = VariableType::float64;
  std::string unit;
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> nominal;
};

class Parser {
 public:
  explicit Parser(std::string_view xml) : xml_(xml) {}

  ModelDescription parse() {
    const pugi::xml_parse_result result =
        document_.load_buffer(xml_.data(), xml_.size(), pugi::parse_default, pugi::encoding_auto);
    if (!result) {
      fail_at(static_cast<std::size_t>(result.offset),
              fmt::format("the XML is malformed: {}", result.description()));
    }
    const pugi::xml_node root = document_.document_element();
    if (std::string_view(root.name()) != "fmiModelDescription") {
      fail(root,
           fmt::format("the root element is <{}>, expected <fmiModelDescription>", root.name()));
    }
    description_.fmi_version = required(root, "fmiVersion");
    if (description_.fmi_version == "2.0" || description_.fmi_version.starts_with("2.0.")) {
      description_.version = FmiVersion::fmi2;
    } else if (description_.fmi_version.starts_with("3.")) {
      description_.version = FmiVersion::fmi3;
    } else {
      fail(root, fmt::format("fmiVersion \"{}\" is not supported (twinloop imports FMI 2.0 and "
                             "FMI 3.0 FMUs)",
                             description_.fmi_version));
    }
    fmi3_ = description_.version == FmiVersion::fmi3;
    description_.model_name = required(root, "modelName");
    description_.instantiation_token = required(root, fmi3_ ? "instantiationToken" : "guid");
    description_.description = root.attribute("description").value();
    description_.author = root.attribute("author").value();
    description_.model_version = root.attribute("version").value();
    description_.generation_tool = root.attribute("generationTool").value();
    description_.generation_date_and_time = root.attribute("generationDateAndTime").value();
    if (const auto convention = root.attribute("variableNamingConvention")) {
      description_.variable_naming_convention = convention.value();
      if (description_.variable_naming_convention != "flat" &&
          description_.variable_naming_convention != "structured") {
        fail(root, fmt::format("variableNamingConvention \"{}\" is neither \"flat\" nor "
                               "\"structured\"",
                               description_.variable_naming_convention));
      }
    }
    if (!fmi3_) {
      description_.number_of_event_indicators =
          optional_unsigned(root, "numberOfEventIndicators").value_or(0);
    }

    parse_interfaces(root);
    for (const pugi::xml_node& category : root.child("LogCategories").children("Category")) {
      description_.log_categories.push_back(required(category, "name"));
    }
    parse_type_definitions(root.child("TypeDefinitions"));
    parse_default_experiment(root.child("DefaultExperiment"));
    const pugi::xml_node variables = root.child("ModelVariables");
    if (!variables) fail(root, "<ModelVariables> is missing");
    parse_variables(variables);
    resolve_dimensions();
    parse_model_structure(root.child("ModelStructure"));
    return std::move(description_);
  }

 private:
  [[noreturn]] void fail_at(std::size_t offset, const std::string& problem) const {
    const std::size_t end = std::min(offset, xml_.size());
    const auto line = 1 + std::count(xml_.begin(), xml_.begin() + static_cast<long>(end), '\n');
    core::throw_unprocessable(fmt::format("modelDescription.xml line {}: {}", line, problem), {},
                              "invalid-fmu");
  }

  [[noreturn]] void fail(const pugi::xml_node& node, const std::string& problem) const {
    fail_at(static_cast<std::size_t>(node.offset_debug()), problem);
  }

  std::string element_label(const pugi::xml_node& node) const {
    if (const auto name = node.attribute("name")) {
      return fmt::format("<{} name=\"{}\">", node.name(), name.value());
    }
    return fmt::format("<{}>", node.name());
  }

  std::string required(const pugi::xml_node& node, const char* attribute) const {
    const pugi::xml_attribute value = node.attribute(attribute);
    if (!value) fail(node, fmt::format("{} has no attribute '{}'", element_label(node), attribute));
    return value.value();
  }

  bool boolean(const pugi::xml_node& node, const char* attribute, bool fallback) const {
    const pugi::xml_attribute value = node.attribute(attribute);
    if (!value) return fallback;
    const std::string_view text = value.value();
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    fail(node, fmt::format("{}: attribute '{}' is \"{}\", expected true or false",
                           element_label(node), attribute, text));
  }

  std::optional<double> number(const pugi::xml_node& node, const char* attribute) const {
    const pugi::xml_attribute value = node.attribute(attribute);
    if (!value) return std::nullopt;
    const auto parsed = parse_double(value.value());
    if (!parsed) {
      fail(node, fmt::format("{}: attribute '{}' is \"{}\", expected a number", element_label(node),
                             attribute, value.value()));
    }
    return parsed;
  }

  std::optional<std::uint64_t> optional_unsigned(const pugi::xml_node& node,
                                                 const char* attribute) const {
    const pugi::xml_attribute value = node.attribute(attribute);
    if (!value) return std::nullopt;
    const auto parsed = parse_integer<std::uint64_t>(value.value());
    if (!parsed) {
      fail(node, fmt::format("{}: attribute '{}' is \"{}\", expected a non-negative integer",
                             element_label(node), attribute, value.value()));
    }
    return parsed;
  }

  std::uint32_t value_reference(const pugi::xml_node& node, const char* attribute) const {
    const std::string text = required(node, attribute);
    const auto parsed = parse_integer<std::uint32_t>(text);
    if (!parsed) {
      fail(node, fmt::format("{}: attribute '{}' is \"{}\", expected an unsigned 32-bit integer",
                             element_label(node), attribute, text));
    }
    return *parsed;
  }

  std::string model_identifier(const pugi::xml_node& node) const {
    std::string identifier = required(node, "modelIdentifier");
    if (!is_c_identifier(identifier)) {
      fail(node, fmt::format("<{}> modelIdentifier \"{}\" is not a C identifier", node.name(),
                             identifier));
    }
    return identifier;
  }

  void parse_interfaces(const pugi::xml_node& root) {
    if (const pugi::xml_node node = root.child("CoSimulation")) {
      CoSimulationInfo info;
      info.model_identifier = model_identifier(node);
      info.needs_execution_tool = boolean(node, "needsExecutionTool", false);
      info.can_handle_variable_communication_step_size =
          boolean(node, "canHandleVariableCommunicationStepSize", false);
      info.max_output_derivative_order =
          static_cast<int>(optional_unsigned(node, "maxOutputDerivativeOrder").value_or(0));
      info.can_be_instantiated_only_once_per_process =
          boolean(node, "canBeInstantiatedOnlyOncePerProcess", false);
      if (fmi3_) {
        info.can_get_and_set_fmu_state = boolean(node, "canGetAndSetFMUState", false);
        info.can_serialize_fmu_state = boolean(node, "canSerializeFMUState", false);
        info.provides_directional_derivatives =
            boolean(node, "providesDirectionalDerivatives", false);
        info.provides_adjoint_derivatives = boolean(node, "providesAdjointDerivatives", false);
        info.provides_per_element_dependencies =
            boolean(node, "providesPerElementDependencies", false);
        info.fixed_internal_step_size = number(node, "fixedInternalStepSize");
        info.recommended_intermediate_input_smoothness = static_cast<int>(
            optional_unsigned(node, "recommendedIntermediateInputSmoothness").value_or(0));
        info.provides_intermediate_update = boolean(node, "providesIntermediateUpdate", false);
        info.might_return_early_from_do_step = boolean(node, "mightReturnEarlyFromDoStep", false);
        info.can_return_early_after_intermediate_update =
            boolean(node, "canReturnEarlyAfterIntermediateUpdate", false);
        info.has_event_mode = boolean(node, "hasEventMode", false);
        info.provides_evaluate_discrete_states =
            boolean(node, "providesEvaluateDiscreteStates", false);
      } else {
        info.can_interpolate_inputs = boolean(node, "canInterpolateInputs", false);
        info.can_run_asynchronuously = boolean(node, "canRunAsynchronuously", false);
        info.can_not_use_memory_management_functions =
            boolean(node, "canNotUseMemoryManagementFunctions", false);
        info.can_get_and_set_fmu_state = boolean(node, "canGetAndSetFMUstate", false);
        info.can_serialize_fmu_state = boolean(node, "canSerializeFMUstate", false);
        info.provides_directional_derivatives =
            boolean(node, "providesDirectionalDerivative", false);
      }
      description_.co_simulation = std::move(info);
    }
    if (const pugi::xml_node node = root.child("ModelExchange")) {
      ModelExchangeInfo info;
      info.model_identifier = model_identifier(node);
      info.needs_execution_tool = boolean(node, "needsExecutionTool", false);
      info.can_be_instantiated_only_once_per_process =
          boolean(node, "canBeInstantiatedOnlyOncePerProcess", false);
      if (fmi3_) {
        info.needs_completed_integrator_step = boolean(node, "needsCompletedIntegratorStep", true);
        info.completed_integrator_step_not_needed = !info.needs_completed_integrator_step;
        info.can_get_and_set_fmu_state = boolean(node, "canGetAndSetFMUState", false);
        info.can_serialize_fmu_state = boolean(node, "canSerializeFMUState", false);
        info.provides_directional_derivatives =
            boolean(node, "providesDirectionalDerivatives", false);
        info.provides_adjoint_derivatives = boolean(node, "providesAdjointDerivatives", false);
        info.provides_per_element_dependencies =
            boolean(node, "providesPerElementDependencies", false);
        info.provides_evaluate_discrete_states =
            boolean(node, "providesEvaluateDiscreteStates", false);
      } else {
        info.completed_integrator_step_not_needed =
            boolean(node, "completedIntegratorStepNotNeeded", false);
        info.needs_completed_integrator_step = !info.completed_integrator_step_not_needed;
        info.can_not_use_memory_management_functions =
            boolean(node, "canNotUseMemoryManagementFunctions", false);
        info.can_get_and_set_fmu_state = boolean(node, "canGetAndSetFMUstate", false);
        info.can_serialize_fmu_state = boolean(node, "canSerializeFMUstate", false);
        info.provides_directional_derivatives =
            boolean(node, "providesDirectionalDerivative", false);
      }
      description_.model_exchange = std::move(info);
    }
    description_.has_scheduled_execution = fmi3_ && root.child("ScheduledExecution");
    if (!description_.co_simulation && !description_.model_exchange) {
      fail(root,
           "the FMU declares neither <CoSimulation> nor <ModelExchange> (twinloop drives "
           "those two interfaces)");
    }
  }

  void parse_type_definitions(const pugi::xml_node& definitions) {
    if (!definitions) return;
    for (const pugi::xml_node& node : definitions.children()) {
      TypeDefinition definition;
      pugi::xml_node attributes = node;
      if (fmi3_) {
        std::string_view element = node.name();
        if (!element.ends_with("Type")) continue;
        element.remove_suffix(4);
        const auto found = fmi3_type_elements().find(element);
        if (found == fmi3_type_elements().end()) {
          fail(node, fmt::format("<{}> is not an FMI 3 type definition", node.name()));
        }
        definition.type = found->second;
      } else {
        if (std::string_view(node.name()) != "SimpleType") continue;
        attributes = node.first_child();
        const auto found = fmi2_type_elements().find(attributes.name());
        if (found == fmi2_type_elements().end()) {
          fail(node, fmt::format("{} has no Real, Integer, Boolean, String or Enumeration child",
                                 element_label(node)));
        }
        definition.type = found->second;
      }
      definition.unit = attributes.attribute("unit").value();
      definition.min = number(attributes, "min");
      definition.max = number(attributes, "max");
      definition.nominal = number(attributes, "nominal");
      types_[required(node, "name")] = std::move(definition);
    }
  }

  void parse_default_experiment(const pugi::xml_node& node) {
    if (!node) return;
    DefaultExperiment& experiment = description_.default_experiment;
    experiment.start_time = number(node, "startTime");
    experiment.stop_time = number(node, "stopTime");
    experiment.tolerance = number(node, "tolerance");
    experiment.step_size = number(node, "stepSize");
    if (experiment.step_size && !(*experiment.step_size > 0)) {
      fail(node, "<DefaultExperiment> stepSize must be positive");
    }
    if (experiment.tolerance && !(*experiment.tolerance > 0)) {
      fail(node, "<DefaultExperiment> tolerance must be positive");
    }
  }

  template <typename Enum>
  Enum enumerated(const pugi::xml_node& node, const char* attribute, Enum fallback,
                  std::initializer_list<Enum> allowed) const {
    const pugi::xml_attribute value = node.attribute(attribute);
    if (!value) return fallback;
    const std::string_view text = value.value();
    std::string expected;
    for (Enum candidate : allowed) {
      if (to_string(candidate) == text) return candidate;
      if (!expected.empty()) expected += ", ";
      expected += to_string(candidate);
    }
    fail(node, fmt::format("{}: {} \"{}\" is not one of {}", element_label(node), attribute, text,
                           expected));
  }

  void parse_variables(const pugi::xml_node& variables) {
    std::unordered_set<std::string> names;
    for (const pugi::xml_node& node : variables.children()) {
      if (node.type() != pugi::node_element) continue;
      Variable variable = fmi3_ ? fmi3_variable(node) : fmi2_variable(node);
      if (!names.insert(variable.name).second) {
        fail(node, fmt::format("a second variable is named \"{}\"", variable.name));
      }
      nodes_.push_back(node);
      description_.variables.push_back(std::move(variable));
    }
    check_value_references();
  }

  // FMI 3 value references are unique; FMI 2 ones are unique per base type only, and
  // variables of one type may share one as aliases.
  void check_value_references() {
    if (!fmi3_) return;
    std::unordered_map<std::uint32_t, std::size_t> owners;
    for (std::size_t index = 0; index < description_.variables.size(); ++index) {
      const Variable& variable = description_.variables[index];
      const auto [found, inserted] = owners.emplace(variable.value_reference, index);
      if (inserted) continue;
      fail(nodes_[index], fmt::format("variables \"{}\" and \"{}\" share valueReference {}",
                                      description_.variables[found->second].name, variable.name,
                                      variable.value_reference));
    }
  }

  void common_attributes(const pugi::xml_node& node, Variable& variable) const {
    variable.name = required(node, "name");
    if (variable.name.empty()) fail(node, "a variable has an empty name");
    variable.value_reference = value_reference(node, "valueReference");
    variable.description = node.attribute("description").value();
    using C = Causality;
    using V = Variability;
    using I = Initial;
    if (fmi3_) {
      variable.causality = enumerated(node, "causality", C::local,
                                      {C::parameter, C::calculated_parameter, C::input, C::output,
                                       C::local, C::independent, C::structural_parameter});
    } else {
      variable.causality = enumerated(
          node, "causality", C::local,
          {C::parameter, C::calculated_parameter, C::input, C::output, C::local, C::independent});
    }
    const V default_variability = is_float(variable.type) ? V::continuous : V::discrete;
    variable.variability =
        enumerated(node, "variability", default_variability,
                   {V::constant, V::fixed, V::tunable, V::discrete, V::continuous});
    if (variable.variability == V::continuous && !is_float(variable.type)) {
      fail(node,
           fmt::format("{}: only Real/Float variables can be continuous", element_label(node)));
    }
    if (node.attribute("initial")) {
      variable.initial =
          enumerated(node, "initial", I::exact, {I::exact, I::approx, I::calculated});
    }
    variable.can_handle_multiple_set_per_time_instant =
        boolean(node, "canHandleMultipleSetPerTimeInstant", true);
  }

  void typed_attributes(const pugi::xml_node& typed, Variable& variable) const {
    if (const auto declared = typed.attribute("declaredType")) {
      variable.declared_type = declared.value();
      const auto found = types_.find(variable.declared_type);
      if (found == types_.end()) {
        fail(typed, fmt::format("variable \"{}\" refers to declaredType \"{}\", which "
                                "<TypeDefinitions> does not define",
                                variable.name, variable.declared_type));
      }
      variable.unit = found->second.unit;
      variable.min = found->second.min;
      variable.max = found->second.max;
      variable.nominal = found->second.nominal;
    } else if (variable.type == VariableType::enumeration) {
      fail(typed, fmt::format("Enumeration variable \"{}\" has no declaredType", variable.name));
    }
    if (const auto unit = typed.attribute("unit")) variable.unit = unit.value();
    if (const auto min = number(typed, "min")) variable.min = min;
    if (const auto max = number(typed, "max")) variable.max = max;
    if (const auto nominal = number(typed, "nominal")) variable.nominal = nominal;
    variable.reinit = boolean(typed, "reinit", false);
    if (variable.min && variable.max && *variable.min > *variable.max) {
      fail(typed, fmt::format("variable \"{}\" has min {} above max {}", variable.name,
                              *variable.min, *variable.max));
    }
    parse_start(typed, variable);
  }

  void parse_start(const pugi::xml_node& typed, Variable& variable) const {
    const bool textual =
        variable.type == VariableType::string || variable.type == VariableType::binary;
    if (textual) {
      if (const auto start = typed.attribute("start")) {
        variable.start_strings.emplace_back(start.value());
      }
      for (const pugi::xml_node& start : typed.children("Start")) {
        variable.start_strings.emplace_back(required(start, "value"));
      }
      if (variable.type == VariableType::binary) {
        for (const std::string& hex : variable.start_strings)
          check_hex(typed, variable, hex);
      }
      return;
    }
    const pugi::xml_attribute start = typed.attribute("start");
    if (!start || !is_numeric_start(variable.type)) return;
    const std::vector<std::string_view> tokens =
        fmi3_ ? split_whitespace(start.value()) : std::vector<std::string_view>{start.value()};
    for (std::string_view token : tokens) {
      variable.start.push_back(start_number(typed, variable, token));
    }
  }

  void check_hex(const pugi::xml_node& node, const Variable& variable,
                 const std::string& hex) const {
    const bool digits = std::all_of(hex.begin(), hex.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (!digits || hex.size() % 2 != 0) {
      fail(node, fmt::format("Binary variable \"{}\" has start \"{}\", which is not an even "
                             "number of hexadecimal digits",
                             variable.name, hex));
    }
  }

  double start_number(const pugi::xml_node& node, const Variable& variable,
                      std::string_view token) const {
    const auto bad = [&](std::string_view expected) {
      fail(node, fmt::format("variable \"{}\" has start \"{}\", expected {}", variable.name, token,
                             expected));
    };
    if (variable.type == VariableType::boolean) {
      if (token == "true" || token == "1") return 1.0;
      if (token == "false" || token == "0") return 0.0;
      bad("true or false");
    }
    if (is_float(variable.type)) {
      const auto value = parse_double(token);
      if (!value) bad("a number");
      return *value;
    }
    if (variable.type == VariableType::uint64) {
      const auto value = parse_integer<std::uint64_t>(token);
      if (!value) bad("an unsigned 64-bit integer");
      return static_cast<double>(*value);
    }
    const auto value = parse_integer<std::int64_t>(token);
    if (!value) bad("an integer");
    const auto [low, high] = value_range(variable.type, description_.version);
    const auto number = static_cast<double>(*value);
    if (number < low || number > high) {
      bad(fmt::format("a value in the range of {}", to_string(variable.type)));
    }
    return number;
  }

  Variable fmi2_variable(const pugi::xml_node& node) const {
    if (std::string_view(node.name()) != "ScalarVariable") {
      fail(node,
           fmt::format("<ModelVariables> holds <{}>, expected <ScalarVariable>", node.name()));
    }
    Variable variable;
    pugi::xml_node typed;
    for (const pugi::xml_node& child : node.children()) {
      const auto found = fmi2_type_elements().find(child.name());
      if (found == fmi2_type_elements().end()) continue;
      if (typed) fail(node, fmt::format("{} has two type elements", element_label(node)));
      typed = child;
      variable.type = found->second;
    }
    if (!typed) {
      fail(node, fmt::format("{} has no Real, Integer, Boolean, String or Enumeration element",
                             element_label(node)));
    }
    common_attributes(node, variable);
    typed_attributes(typed, variable);
    if (const auto derivative = optional_unsigned(typed, "derivative")) {
      pending_derivatives_.push_back({description_.variables.size(), *derivative, typed});
    }
    return variable;
  }

  Variable fmi3_variable(const pugi::xml_node& node) const {
    const auto found = fmi3_type_elements().find(node.name());
    if (found == fmi3_type_elements().end()) {
      fail(node, fmt::format("<ModelVariables> holds <{}>, which is not an FMI 3 variable type",
                             node.name()));
    }
    Variable variable;
    variable.type = found->second;
    common_attributes(node, variable);
    typed_attributes(node, variable);
    for (const pugi::xml_node& child : node.children("Dimension")) {
      Dimension dimension;
      dimension.start = optional_unsigned(child, "start");
      if (child.attribute("valueReference")) {
        dimension.value_reference = value_reference(child, "valueReference");
      }
      if (dimension.start.has_value() == dimension.value_reference.has_value()) {
        fail(child, fmt::format("a <Dimension> of \"{}\" needs exactly one of start and "
                                "valueReference",
                                variable.name));
      }
      variable.dimensions.push_back(dimension);
    }
    if (const auto derivative = node.attribute("derivative")) {
      pending_derivatives_.push_back(
          {description_.variables.size(), value_reference(node, "derivative"), node});
    }
    return variable;
  }

  std::optional<std::size_t> index_of_reference(std::uint32_t reference) const {
    for (std::size_t index = 0; index < description_.variables.size(); ++index) {
      if (description_.variables[index].value_reference == reference) return index;
    }
    return std::nullopt;
  }

  void resolve_dimensions() {
    for (std::size_t index = 0; index < description_.variables.size(); ++index) {
      Variable& variable = description_.variables[index];
      for (Dimension& dimension : variable.dimensions) {
        if (dimension.start) {
          dimension.size = *dimension.start;
          continue;
        }
        const auto parameter = index_of_reference(*dimension.value_reference);
        const Variable* size_variable = parameter ? &description_.variables[*parameter] : nullptr;
        if (size_variable == nullptr || size_variable->start.size() != 1 ||
            (size_variable->causality != Causality::structural_parameter &&
             size_variable->variability != Variability::constant)) {
          fail(nodes_[index],
               fmt::format("a <Dimension> of \"{}\" refers to valueReference {}, which is no "
                           "structural parameter or constant with a start value",
                           variable.name, *dimension.value_reference));
        }
        const double size = size_variable->start.front();
        if (!(size >= 0 && size <= static_cast<double>(kMaxElements))) {
          fail(nodes_[index], fmt::format("a <Dimension> of \"{}\" takes its size {} from \"{}\", "
                                          "which is not between 0 and {}",
                                          variable.name, size, size_variable->name, kMaxElements));
        }
        dimension.size = static_cast<std::uint64_t>(size);
      }
      std::uint64_t count = 1;
      for (const Dimension& dimension : variable.dimensions) {
        count = dimension.size > kMaxElements ? kMaxElements + 1 : count * dimension.size;
        if (count > kMaxElements) {
          fail(nodes_[index], fmt::format("array variable \"{}\" has more than {} elements, "
                                          "more than twinloop supports",
                                          variable.name, kMaxElements));
        }
      }
      if (!variable.start.empty() && variable.start.size() != count) {
        fail(nodes_[index], fmt::format("variable \"{}\" has {} start values for {} elements",
                                        variable.name, variable.start.size(), count));
      }
      if (variable.start.size() == 1) {
        const double value = variable.start.front();
        if ((variable.min && value < *variable.min) || (variable.max && value > *variable.max)) {
          fail(nodes_[index],
               fmt::format("variable \"{}\" has start {} outside [{}, {}]", variable.name, value,
                           variable.min.value_or(-INFINITY), variable.max.value_or(INFINITY)));
        }
      }
    }
    for (const PendingDerivative& pending : pending_derivatives_) {
      std::optional<std::size_t> state;
      if (fmi3_) {
        state = index_of_reference(static_cast<std::uint32_t>(pending.reference));
      } else if (pending.reference >= 1 && pending.reference <= description_.variables.size()) {
        state = static_cast<std::size_t>(pending.reference - 1);
      }
      const Variable& derivative = description_.variables[pending.variable];
      if (!state || !is_float(description_.variables[*state].type)) {
        fail(pending.node,
             fmt::format("variable \"{}\" is the derivative of {} {}, which is no "
                         "Real/Float variable",
                         derivative.name, fmi3_ ? "valueReference" : "index", pending.reference));
      }
      description_.variables[pending.variable].derivative_of = state;
    }
  }

  // The variable an entry of ModelStructure names: FMI 2 by 1-based index, FMI 3 by value
  // reference.
  std::size_t unknown_variable(const pugi::xml_node& node) const {
    if (fmi3_) {
      const std::uint32_t reference = value_reference(node, "valueReference");
      const auto index = index_of_reference(reference);
      if (!index) {
        fail(node, fmt::format("<{}> refers to valueReference {}, which no variable has",
                               node.name(), reference));
      }
      return *index;
    }
    const std::string text = required(node, "index");
    const auto index = parse_integer<std::size_t>(text);
    if (!index || *index < 1 || *index > description_.variables.size()) {
      fail(node, fmt::format("<Unknown> index \"{}\" is not between 1 and {}", text,
                             description_.variables.size()));
    }
    return *index - 1;
  }

  Unknown parse_unknown(const pugi::xml_node& node) const {
    Unknown unknown;
    unknown.variable = unknown_variable(node);
    if (const auto dependencies = node.attribute("dependencies")) {
      std::vector<std::size_t> list;
      for (std::string_view token : split_whitespace(dependencies.value())) {
        if (fmi3_) {
          const auto reference = parse_integer<std::uint32_t>(token);
          const auto index = reference ? index_of_reference(*reference) : std::nullopt;
          if (!index) {
            fail(node, fmt::format("<{}> depends on valueReference \"{}\", which no variable has",
                                   node.name(), token));
          }
          list.push_back(*index);
        } else {
          const auto index = parse_integer<std::size_t>(token);
          if (!index || *index < 1 || *index > description_.variables.size()) {
            fail(node, fmt::format("<Unknown> depends on index \"{}\", which is not between 1 "
                                   "and {}",
                                   token, description_.variables.size()));
          }
          list.push_back(*index - 1);
        }
      }
      unknown.dependencies = std::move(list);
    }
    if (const auto kinds = node.attribute("dependenciesKind")) {
      for (std::string_view token : split_whitespace(kinds.value())) {
        unknown.dependencies_kind.emplace_back(token);
      }
      if (!unknown.dependencies ||
          unknown.dependencies_kind.size() != unknown.dependencies->size()) {
        fail(node, "dependenciesKind must list one kind per entry of dependencies");
      }
    }
    return unknown;
  }

  void parse_model_structure(const pugi::xml_node& structure) {
    ModelStructure& result = description_.model_structure;
    if (!structure) {
      if (!fmi3_) fail(document_.document_element(), "<ModelStructure> is missing");
      return;
    }
    const auto collect = [&](const pugi::xml_node& parent, const char* element,
                             std::vector<Unknown>& into) {
      for (const pugi::xml_node& node : parent.children(element)) {
        into.push_back(parse_unknown(node));
      }
    };
    if (fmi3_) {
      collect(structure, "Output", result.outputs);
      collect(structure, "ContinuousStateDerivative", result.derivatives);
      collect(structure, "InitialUnknown", result.initial_unknowns);
      collect(structure, "EventIndicator", result.event_indicators);
    } else {
      collect(structure.child("Outputs"), "Unknown", result.outputs);
      collect(structure.child("Derivatives"), "Unknown", result.derivatives);
      collect(structure.child("InitialUnknowns"), "Unknown", result.initial_unknowns);
    }
    for (const Unknown& output : result.outputs) {
      const Variable& variable = description_.variables[output.variable];
      if (variable.causality != Causality::output) {
        fail(structure, fmt::format("<ModelStructure> lists \"{}\" as an output, but its "
                                    "causality is {}",
                                    variable.name, to_string(variable.causality)));
      }
    }
    for (const Unknown& derivative : result.derivatives) {
      const Variable& variable = description_.variables[derivative.variable];
      if (!variable.derivative_of) {
        fail(structure, fmt::format("<ModelStructure> lists \"{}\" as a state derivative, but it "
                                    "has no derivative attribute",
                                    variable.name));
      }
      description_.number_of_continuous_states += variable.element_count();
    }
    if (fmi3_) {
      for (const Unknown& indicator : result.event_indicators) {
        description_.number_of_event_indicators +=
            description_.variables[indicator.variable].element_count();
      }
    }
  }

  struct PendingDerivative {
    std::size_t variable;
    std::uint64_t reference;
    pugi::xml_node node;
  };

  std::string_view xml_;
  pugi::xml_document document_;
  ModelDescription description_;
  bool fmi3_ = false;
  std::map<std::string, TypeDefinition, std::less<>> types_;
  std::vector<pugi::xml_node> nodes_;  // the element of each variable, for messages
  mutable std::vector<PendingDerivative> pending_derivatives_;
};

}  // namespace

ModelDescription parse_model_description(std::string_view xml) {
  return Parser(xml).parse();
}

ModelDescription read_model_description(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    core::throw_unprocessable("the FMU has no modelDescription.xml at the root of its archive", {},
                              "invalid-fmu");
  }
  std::ostringstream text;
  text << stream.rdbuf();
  return parse_model_description(text.str());
}

}  // namespace twinloop::fmi
