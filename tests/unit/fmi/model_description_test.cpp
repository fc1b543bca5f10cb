#include "twinloop/fmi/model_description.hpp"

#include <cmath>
#include <fstream>
#include <iterator>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::fmi {
namespace {

ModelDescription staged(const std::string& name) {
  return read_model_description(std::filesystem::path(TWINLOOP_TEST_FMU_DIR) / name /
                                "modelDescription.xml");
}

const Variable& variable(const ModelDescription& description, std::string_view name) {
  const Variable* found = description.find(name);
  if (found == nullptr) throw std::runtime_error("no variable " + std::string(name));
  return *found;
}

TEST(ModelDescription, ReadsTheAttributesOfAnFmi2CoSimulationFmu) {
  const ModelDescription d = staged("feedthrough");
  EXPECT_EQ(d.version, FmiVersion::fmi2);
  EXPECT_EQ(d.fmi_version, "2.0");
  EXPECT_EQ(d.model_name, "Feedthrough");
  EXPECT_EQ(d.instantiation_token, "{d3c1a7e2-0b4f-4c55-9a61-7e8f9a0b1c2d}");
  EXPECT_EQ(d.author, "twinloop");
  EXPECT_EQ(d.model_version, "1.2");
  EXPECT_EQ(d.generation_date_and_time, "2026-12-01T10:00:00Z");
  ASSERT_TRUE(d.co_simulation.has_value());
  EXPECT_FALSE(d.model_exchange.has_value());
  const CoSimulationInfo& cs = *d.co_simulation;
  EXPECT_EQ(cs.model_identifier, "feedthrough");
  EXPECT_TRUE(cs.can_handle_variable_communication_step_size);
  EXPECT_TRUE(cs.can_interpolate_inputs);
  EXPECT_TRUE(cs.can_not_use_memory_management_functions);
  EXPECT_FALSE(cs.can_get_and_set_fmu_state);
  EXPECT_FALSE(cs.can_be_instantiated_only_once_per_process);
  EXPECT_EQ(cs.max_output_derivative_order, 1);
  EXPECT_EQ(d.default_experiment.start_time, 0.5);
  EXPECT_EQ(d.default_experiment.stop_time, 10.0);
  EXPECT_EQ(d.default_experiment.tolerance, 1e-6);
  EXPECT_EQ(d.default_experiment.step_size, 0.1);
}

TEST(ModelDescription, ReadsEveryFmi2VariableKind) {
  const ModelDescription d = staged("feedthrough");
  ASSERT_EQ(d.variables.size(), 14u);
  const Variable& real_in = variable(d, "real_in");
  EXPECT_EQ(real_in.value_reference, 0u);
  EXPECT_EQ(real_in.type, VariableType::float64);
  EXPECT_EQ(real_in.causality, Causality::input);
  EXPECT_EQ(real_in.variability, Variability::continuous);
  EXPECT_EQ(real_in.description, "a real input");
  EXPECT_EQ(real_in.unit, "kg");
  EXPECT_EQ(real_in.min, -1e6);
  EXPECT_EQ(real_in.max, 1e6);
  EXPECT_EQ(real_in.start, std::vector<double>{0.0});

  const Variable& gain = variable(d, "gain");
  EXPECT_EQ(gain.causality, Causality::parameter);
  EXPECT_EQ(gain.variability, Variability::tunable);
  EXPECT_EQ(gain.start, std::vector<double>{1.0});

  const Variable& offset = variable(d, "offset");
  EXPECT_EQ(offset.type, VariableType::int32);
  EXPECT_EQ(offset.variability, Variability::fixed);

  const Variable& enum_in = variable(d, "enum_in");
  EXPECT_EQ(enum_in.type, VariableType::enumeration);
  EXPECT_EQ(enum_in.declared_type, "Mode");
  EXPECT_EQ(enum_in.start, std::vector<double>{1.0});

  const Variable& invert = variable(d, "invert");
  EXPECT_EQ(invert.type, VariableType::boolean);
  EXPECT_EQ(invert.start, std::vector<double>{0.0});

  const Variable& label = variable(d, "label");
  EXPECT_EQ(label.type, VariableType::string);
  EXPECT_EQ(label.start_strings, std::vector<std::string>{"none"});
  EXPECT_FALSE(label.initial.has_value());

  // Value references are unique per type in FMI 2: four variables share 0.
  EXPECT_EQ(variable(d, "int_in").value_reference, 0u);
  EXPECT_EQ(variable(d, "bool_in").value_reference, 0u);
}

TEST(ModelDescription, ReadsTheFmi2ModelStructure) {
  const ModelDescription d = staged("feedthrough");
  ASSERT_EQ(d.model_structure.outputs.size(), 6u);
  const Unknown& real_out = d.model_structure.outputs[0];
  EXPECT_EQ(d.variables[real_out.variable].name, "real_out");
  ASSERT_TRUE(real_out.dependencies.has_value());
  EXPECT_EQ(*real_out.dependencies, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(real_out.dependencies_kind, (std::vector<std::string>{"dependent", "fixed"}));
  const Unknown& label_length = d.model_structure.outputs[3];
  ASSERT_TRUE(label_length.dependencies.has_value());
  EXPECT_TRUE(label_length.dependencies->empty());
}

TEST(ModelDescription, ReadsAnFmi2ModelExchangeFmu) {
  const ModelDescription d = staged("bouncing_ball");
  ASSERT_TRUE(d.model_exchange.has_value());
  EXPECT_FALSE(d.co_simulation.has_value());
  EXPECT_EQ(d.model_exchange->model_identifier, "bouncing_ball");
  EXPECT_FALSE(d.model_exchange->completed_integrator_step_not_needed);
  EXPECT_EQ(d.number_of_event_indicators, 1u);
  EXPECT_EQ(d.number_of_continuous_states, 2u);
  EXPECT_EQ(d.variable_naming_convention, "structured");
  const Variable& h = variable(d, "h");
  EXPECT_EQ(h.declared_type, "Height");
  EXPECT_EQ(h.unit, "m");  // from the type definition
  EXPECT_EQ(h.min, -0.001);
  EXPECT_EQ(h.initial, Initial::exact);
  EXPECT_TRUE(variable(d, "v").reinit);
  EXPECT_EQ(variable(d, "der(h)").derivative_of, 0u);
  EXPECT_EQ(variable(d, "der(v)").derivative_of, 2u);
  ASSERT_EQ(d.model_structure.derivatives.size(), 2u);
  EXPECT_EQ(d.model_structure.initial_unknowns.size(), 2u);
  EXPECT_EQ(d.variables[d.model_structure.derivatives[1].variable].name, "der(v)");
  EXPECT_TRUE(staged("van_der_pol").model_exchange->completed_integrator_step_not_needed);
}

TEST(ModelDescription, ReadsEveryFmi3VariableType) {
  const ModelDescription d = staged("feedthrough3");
  EXPECT_EQ(d.version, FmiVersion::fmi3);
  EXPECT_EQ(d.instantiation_token, "{e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8}");
  const std::vector<std::pair<std::string, VariableType>> expected{
      {"f32_in", VariableType::float32},  {"f64_in", VariableType::float64},
      {"i8_in", VariableType::int8},      {"u8_in", VariableType::uint8},
      {"i16_in", VariableType::int16},    {"u16_in", VariableType::uint16},
      {"i32_in", VariableType::int32},    {"u32_in", VariableType::uint32},
      {"i64_in", VariableType::int64},    {"u64_in", VariableType::uint64},
      {"bool_in", VariableType::boolean}, {"enum_in", VariableType::enumeration},
      {"label", VariableType::string},    {"blob", VariableType::binary}};
  for (const auto& [name, type] : expected) {
    EXPECT_EQ(variable(d, name).type, type) << name;
  }
  EXPECT_EQ(variable(d, "time").causality, Causality::independent);
  EXPECT_EQ(variable(d, "i32_in").variability, Variability::discrete);  // FMI 3's default
  EXPECT_EQ(variable(d, "f32_in").variability, Variability::continuous);
  EXPECT_EQ(variable(d, "u64_in").start, std::vector<double>{18446744073709551615.0});
  EXPECT_EQ(variable(d, "f64_in").unit, "m/s");
  EXPECT_EQ(variable(d, "f64_in").max, 100.0);
  EXPECT_EQ(variable(d, "f64_out").unit, "km/h");
  EXPECT_EQ(variable(d, "blob").start_strings, std::vector<std::string>{"00ff"});
  EXPECT_EQ(variable(d, "label").start_strings, std::vector<std::string>{"none"});
  EXPECT_EQ(variable(d, "rows").causality, Causality::structural_parameter);
}

TEST(ModelDescription, ReadsFmi3ArraysAndTheirDimensions) {
  const ModelDescription d = staged("feedthrough3");
  const Variable& scale = variable(d, "scale");
  ASSERT_EQ(scale.dimensions.size(), 1u);
  EXPECT_EQ(scale.dimensions[0].start, 3u);
  EXPECT_EQ(scale.element_count(), 3u);
  EXPECT_EQ(scale.start, (std::vector<double>{1, 1, 1}));
  const Variable& matrix = variable(d, "matrix_out");
  ASSERT_EQ(matrix.dimensions.size(), 2u);
  EXPECT_EQ(matrix.dimensions[0].value_reference, 40u);  // the structural parameter "rows"
  EXPECT_EQ(matrix.dimensions[0].size, 2u);
  EXPECT_EQ(matrix.dimensions[1].size, 2u);
  EXPECT_EQ(matrix.element_count(), 4u);
}

TEST(ModelDescription, ReadsFmi3CapabilitiesAndStructure) {
  const ModelDescription d = staged("feedthrough3");
  const CoSimulationInfo& cs = *d.co_simulation;
  EXPECT_EQ(cs.fixed_internal_step_size, 0.001);
  EXPECT_FALSE(cs.has_event_mode);
  EXPECT_FALSE(cs.might_return_early_from_do_step);
  EXPECT_EQ(d.model_structure.outputs.size(), 17u);
  EXPECT_EQ(*d.model_structure.outputs[0].dependencies, std::vector<std::size_t>{1});

  const ModelDescription ball = staged("bouncing_ball3");
  EXPECT_TRUE(ball.model_exchange->needs_completed_integrator_step);
  EXPECT_EQ(ball.number_of_continuous_states, 2u);
  EXPECT_EQ(ball.number_of_event_indicators, 1u);
  EXPECT_EQ(ball.model_structure.event_indicators.size(), 1u);
  EXPECT_EQ(variable(ball, "der(v)").derivative_of, 3u);  // by value reference in FMI 3
}

std::string fmi2_with_variables(const std::string& variables,
                                const std::string& structure = "<ModelStructure/>") {
  return R"(<?xml version="1.0"?>
<fmiModelDescription fmiVersion="2.0" modelName="M" guid="{1}">
  <CoSimulation modelIdentifier="m"/>
  <ModelVariables>)" +
         variables + "</ModelVariables>" + structure + "</fmiModelDescription>";
}

TEST(ModelDescription, MalformedXmlIsRefusedWithItsLine) {
  EXPECT_ERROR_CONTAINING(parse_model_description("<?xml version=\"1.0\"?>\n<a>\n<b>\n</a>"),
                          "modelDescription.xml line 4: the XML is malformed");
  EXPECT_ERROR_CONTAINING(parse_model_description(""), "the XML is malformed");
}

TEST(ModelDescription, RefusesWhatIsNotAModelDescription) {
  EXPECT_ERROR_CONTAINING(parse_model_description("<html/>"),
                          "the root element is <html>, expected <fmiModelDescription>");
  EXPECT_ERROR_CONTAINING(
      parse_model_description("<fmiModelDescription fmiVersion=\"1.0\" modelName=\"M\"/>"),
      "fmiVersion \"1.0\" is not supported");
  EXPECT_ERROR_CONTAINING(parse_model_description("<fmiModelDescription modelName=\"M\"/>"),
                          "<fmiModelDescription> has no attribute 'fmiVersion'");
  EXPECT_ERROR_CONTAINING(
      parse_model_description("<fmiModelDescription fmiVersion=\"2.0\" modelName=\"M\"/>"),
      "has no attribute 'guid'");
  EXPECT_ERROR_CONTAINING(parse_model_description("<fmiModelDescription fmiVersion=\"3.0\" "
                                                  "modelName=\"M\" guid=\"x\"/>"),
                          "has no attribute 'instantiationToken'");
}

TEST(ModelDescription, RefusesAnFmuWithoutAnInterfaceTwinloopDrives) {
  EXPECT_ERROR_CONTAINING(
      parse_model_description("<fmiModelDescription fmiVersion=\"2.0\" modelName=\"M\" "
                              "guid=\"g\"><ModelVariables/><ModelStructure/>"
                              "</fmiModelDescription>"),
      "declares neither <CoSimulation> nor <ModelExchange>");
  EXPECT_ERROR_CONTAINING(
      parse_model_description("<fmiModelDescription fmiVersion=\"2.0\" modelName=\"M\" "
                              "guid=\"g\"><CoSimulation modelIdentifier=\"../../evil\"/>"
                              "</fmiModelDescription>"),
      "modelIdentifier \"../../evil\" is not a C identifier");
}

TEST(ModelDescription, RefusesInvalidVariables) {
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="x" causality="output"><Real/></ScalarVariable>)")),
      "<ScalarVariable name=\"x\"> has no attribute 'valueReference'");
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi2_with_variables(
                              R"(<ScalarVariable name="x" valueReference="0"
                                  causality="sideways"><Real/></ScalarVariable>)")),
                          "causality \"sideways\" is not one of parameter, calculatedParameter");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="x" valueReference="0"><Real start="fast"/></ScalarVariable>)")),
      "variable \"x\" has start \"fast\", expected a number");
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi2_with_variables(
                              R"(<ScalarVariable name="x" valueReference="0"/>)")),
                          "has no Real, Integer, Boolean, String or Enumeration element");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="x" valueReference="0"><Real/></ScalarVariable>
             <ScalarVariable name="x" valueReference="1"><Real/></ScalarVariable>)")),
      "a second variable is named \"x\"");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="x" valueReference="0"><Real declaredType="Nope"/>
             </ScalarVariable>)")),
      "refers to declaredType \"Nope\", which <TypeDefinitions> does not define");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="n" valueReference="0" variability="continuous">
             <Integer/></ScalarVariable>)")),
      "only Real/Float variables can be continuous");
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi2_with_variables(
                              R"(<ScalarVariable name="x" valueReference="0"><Real min="2" max="1"/>
             </ScalarVariable>)")),
                          "has min 2 above max 1");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="x" valueReference="0"><Real start="5" max="1"/>
             </ScalarVariable>)")),
      "has start 5 outside");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="n" valueReference="0"><Integer start="4294967296"/>
             </ScalarVariable>)")),
      "expected a value in the range of Int32");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          R"(<ScalarVariable name="der" valueReference="0"><Real derivative="7"/>
             </ScalarVariable>)")),
      "is the derivative of index 7, which is no Real/Float variable");
}

TEST(ModelDescription, RefusesInconsistentModelStructure) {
  const std::string output =
      R"(<ScalarVariable name="y" valueReference="0" causality="output"><Real/></ScalarVariable>
         <ScalarVariable name="x" valueReference="1"><Real/></ScalarVariable>)";
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          output, "<ModelStructure><Outputs><Unknown index=\"3\"/></Outputs></ModelStructure>")),
      "<Unknown> index \"3\" is not between 1 and 2");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          output, "<ModelStructure><Outputs><Unknown index=\"2\"/></Outputs></ModelStructure>")),
      "lists \"x\" as an output, but its causality is local");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          output, R"(<ModelStructure><Outputs><Unknown index="1" dependencies="2 9"/></Outputs>
                     </ModelStructure>)")),
      "depends on index \"9\"");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi2_with_variables(
          output, R"(<ModelStructure><Outputs><Unknown index="1" dependencies="2"
                     dependenciesKind="fixed tunable"/></Outputs></ModelStructure>)")),
      "dependenciesKind must list one kind per entry of dependencies");
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi2_with_variables(output, "")),
                          "<ModelStructure> is missing");
}

std::string fmi3_with_variables(const std::string& variables) {
  return R"(<fmiModelDescription fmiVersion="3.0" modelName="M" instantiationToken="t">
  <CoSimulation modelIdentifier="m"/><ModelVariables>)" +
         variables + "</ModelVariables></fmiModelDescription>";
}

TEST(ModelDescription, RefusesInvalidFmi3Variables) {
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi3_with_variables(
          R"(<Float64 name="a" valueReference="1"/><Int8 name="b" valueReference="1"/>)")),
      "variables \"a\" and \"b\" share valueReference 1");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi3_with_variables(R"(<Int8 name="b" valueReference="1"
                                                      start="300"/>)")),
      "expected a value in the range of Int8");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi3_with_variables(
          R"(<Float64 name="v" valueReference="1" start="1 2"><Dimension start="3"/></Float64>)")),
      "has 2 start values for 3 elements");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi3_with_variables(
          R"(<Float64 name="v" valueReference="1"><Dimension valueReference="9"/></Float64>)")),
      "refers to valueReference 9, which is no structural parameter");
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi3_with_variables(
                              R"(<Float64 name="v" valueReference="1"><Dimension/></Float64>)")),
                          "needs exactly one of start and valueReference");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi3_with_variables(
          R"(<Binary name="b" valueReference="1"><Start value="abc"/></Binary>)")),
      "not an even number of hexadecimal digits");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi3_with_variables(R"(<Real name="r" valueReference="1"/>)")),
      "<ModelVariables> holds <Real>, which is not an FMI 3 variable type");
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi3_with_variables(
                              R"(<Boolean name="flag" valueReference="1" start="maybe"/>)")),
                          "expected true or false");
}

TEST(ModelDescription, ReadsSpecialNumbersAndDefaults) {
  const ModelDescription d = parse_model_description(fmi3_with_variables(
      R"(<Float64 name="a" valueReference="1" start="INF"/>
         <Float64 name="b" valueReference="2" start="-INF" max="+1e300"/>
         <Float64 name="c" valueReference="3" start="NaN"/>)"));
  EXPECT_TRUE(std::isinf(d.variables[0].start[0]));
  EXPECT_EQ(d.variables[1].max, 1e300);
  EXPECT_LT(d.variables[1].start[0], 0);
  EXPECT_TRUE(std::isnan(d.variables[2].start[0]));
  EXPECT_EQ(d.variables[0].causality, Causality::local);
  EXPECT_EQ(d.variables[0].variability, Variability::continuous);
}

TEST(ModelDescription, MissingFileIsRefused) {
  EXPECT_ERROR_CONTAINING(read_model_description("/nonexistent/modelDescription.xml"),
                          "the FMU has no modelDescription.xml at the root of its archive");
}

}  // namespace
}  // namespace twinloop::fmi

namespace twinloop::fmi {
namespace {

// Every prefix of real descriptions, and every byte flipped in turn, is either parsed or
// refused with a core::Error: nothing else escapes, nothing crashes (the sanitizer build runs
// this too).
TEST(ModelDescription, SurvivesTruncatedAndCorruptedInput) {
  for (const std::string name : {"feedthrough", "feedthrough3", "bouncing_ball"}) {
    std::ifstream stream(std::filesystem::path(TWINLOOP_TEST_FMU_DIR) / name /
                         "modelDescription.xml");
    const std::string xml((std::istreambuf_iterator<char>(stream)),
                          std::istreambuf_iterator<char>());
    ASSERT_FALSE(xml.empty());
    std::size_t refused = 0;
    for (std::size_t length = 0; length < xml.size(); length += 7) {
      try {
        parse_model_description(std::string_view(xml).substr(0, length));
      } catch (const core::Error&) {
        ++refused;
      }
    }
    EXPECT_GT(refused, 0u);
    for (std::size_t position = 0; position < xml.size(); position += 3) {
      std::string corrupted = xml;
      corrupted[position] = static_cast<char>(corrupted[position] ^ 0x15);
      try {
        parse_model_description(corrupted);
      } catch (const core::Error&) {
      }
    }
  }
}

}  // namespace
}  // namespace twinloop::fmi

namespace twinloop::fmi {
namespace {

TEST(ModelDescription, RefusesHugeArrays) {
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi3_with_variables(
                              R"(<Float64 name="v" valueReference="1"><Dimension start="100000"/>
             <Dimension start="100000"/></Float64>)")),
                          "array variable \"v\" has more than 1000000 elements");
  EXPECT_ERROR_CONTAINING(
      parse_model_description(fmi3_with_variables(
          R"(<Float64 name="v" valueReference="1"><Dimension start="18446744073709551615"/>
             <Dimension start="2"/></Float64>)")),
      "more than twinloop supports");
  EXPECT_ERROR_CONTAINING(parse_model_description(fmi3_with_variables(
                              R"(<Int32 name="n" valueReference="1" causality="structuralParameter"
                    variability="fixed" start="-1"/>
             <Float64 name="v" valueReference="2"><Dimension valueReference="1"/></Float64>)")),
                          "takes its size -1 from \"n\", which is not between 0 and 1000000");
}

}  // namespace
}  // namespace twinloop::fmi
