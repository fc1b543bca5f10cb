// The logic library (IEC 61131-3 semantics): gates, edge detectors, bistables, timers and
// counters, driven step by step by a test-only bool source.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model_builder.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::sim {
namespace {

using nlohmann::json;
using testing_support::trace;

// test_bool_sequence: Q = pattern[k] in step k ('0' or '1'), the last character repeating.
// Parameters [n, bit 0, ..., bit n-1]; state [k].
core::ComponentTypeInfo bool_sequence_info() {
  core::ParameterSpec pattern;
  pattern.name = "pattern";
  pattern.data_type = core::ParameterType::string;
  pattern.default_value = "0";
  pattern.description = "The output in step k is the k-th character; the last one repeats.";
  pattern.check = [](const json& value) -> std::optional<std::string> {
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty() || text.find_first_not_of("01") != std::string::npos) {
      return "must be a non-empty string of '0' and '1'";
    }
    return std::nullopt;
  };
  return core::ComponentTypeInfo{
      "test_bool_sequence", "test", "A bool sequence for the tests.", {pattern}, [](const json&) {
        return core::Ports{
            {}, {core::PortSpec{"Q", core::SignalType::boolean, "", 0.0, false, "The bit."}}};
      }};
}

BlockBehaviour bool_sequence_behaviour() {
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t) {
        const auto pattern = parameters.at("pattern").get<std::string>();
        BlockSetup setup{{static_cast<double>(pattern.size())}, {0.0}};
        for (char bit : pattern)
          setup.parameters.push_back(bit == '1' ? 1.0 : 0.0);
        return setup;
      },
      [](const BlockCall& call) {
        const double last = call.parameters[0] - 1.0;
        call.outputs[0] =
            call.parameters[1 + static_cast<std::size_t>(std::min(call.state[0], last))];
      },
      [](const BlockCall& call) { call.state[0] += 1.0; }};
}

const TypeRegistry& test_registry() {
  static const TypeRegistry types = [] {
    TypeRegistry built;
    register_builtin_types(built);
    built.add(bool_sequence_info(), bool_sequence_behaviour());
    return built;
  }();
  return types;
}

// testing_support::ModelBuilder, over the registry with the test source.
class LogicModel {
 public:
  LogicModel& add(const std::string& name, const std::string& type, const json& parameters = {}) {
    core::Component component;
    component.id = static_cast<core::Id>(components_.size() + 1);
    component.name = name;
    component.type = type;
    component.parameters =
        core::merge_parameters(*test_registry().find(type), json::object(),
                               parameters.is_null() ? json::object() : parameters);
    components_.push_back(component);
    return *this;
  }
  // A test_bool_sequence named `name` with the given pattern.
  LogicModel& bits(const std::string& name, const std::string& pattern) {
    return add(name, "test_bool_sequence", {{"pattern", pattern}});
  }
  LogicModel& connect(const std::string& from, const std::string& to) {
    core::Connection connection;
    connection.id = static_cast<core::Id>(connections_.size() + 1);
    connection.source = port(from);
    connection.target = port(to);
    connections_.push_back(connection);
    return *this;
  }
  Plan compile(double dt = 0.01) const {
    return sim::compile(components_, connections_, test_registry(),
                        CompileOptions{static_cast<std::int64_t>(std::llround(dt * 1e9))});
  }

 private:
  core::PortRef port(const std::string& signal) const {
    const auto dot = signal.find('.');
    const std::string name = signal.substr(0, dot);
    for (const auto& component : components_) {
      if (component.name == name) return core::PortRef{component.id, signal.substr(dot + 1)};
    }
    throw std::invalid_argument("no component " + name);
  }

  std::vector<core::Component> components_;
  std::vector<core::Connection> connections_;
};

// One block "b" of `type`, each listed input driven by its own bit pattern.
Plan single_block(const std::string& type, const json& parameters,
                  const std::vector<std::pair<std::string, std::string>>& inputs,
                  double dt = 0.01) {
  LogicModel model;
  model.add("b", type, parameters);
  for (const auto& [port, pattern] : inputs) {
    model.bits("src_" + port, pattern).connect("src_" + port + ".Q", "b." + port);
  }
  return model.compile(dt);
}

// A bool trace as a string of '0' and '1' ('?' for anything else).
std::string bits_of(const std::vector<double>& values) {
  std::string text;
  for (double value : values)
    text += value == 0.0 ? '0' : value == 1.0 ? '1' : '?';
  return text;
}

std::string run_bits(const Plan& plan, const std::string& signal, int steps) {
  return bits_of(trace(plan, signal, steps));
}

const PlannedSignal& signal_named(const Plan& plan, const std::string& name) {
  for (const auto& signal : plan.signals) {
    if (signal.name == name) return signal;
  }
  throw std::invalid_argument("no signal " + name);
}

void expect_times(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t k = 0; k < actual.size(); ++k)
    EXPECT_NEAR(actual[k], expected[k], 1e-12) << "step " << k;
}

// ---- Gates ------------------------------------------------------------------------------

TEST(LogicGates, TruthTablesForTwoThreeAndFiveInputs) {
  for (int n : {2, 3, 5}) {
    const int rows = 1 << n;
    // Input INi carries bit i-1 of the step number, so the steps walk the whole table.
    std::vector<std::pair<std::string, std::string>> inputs;
    for (int i = 0; i < n; ++i) {
      std::string pattern;
      for (int row = 0; row < rows; ++row)
        pattern += ((row >> i) & 1) != 0 ? '1' : '0';
      inputs.emplace_back("IN" + std::to_string(i + 1), pattern);
    }
    std::string all, any, odd;
    for (int row = 0; row < rows; ++row) {
      const int ones = std::popcount(static_cast<unsigned>(row));
      all += ones == n ? '1' : '0';
      any += ones > 0 ? '1' : '0';
      odd += ones % 2 == 1 ? '1' : '0';
    }
    EXPECT_EQ(run_bits(single_block("and", {{"inputs", n}}, inputs), "b.OUT", rows), all) << n;
    EXPECT_EQ(run_bits(single_block("or", {{"inputs", n}}, inputs), "b.OUT", rows), any) << n;
    EXPECT_EQ(run_bits(single_block("xor", {{"inputs", n}}, inputs), "b.OUT", rows), odd) << n;
  }
}

TEST(LogicGates, NotAndOpenInputs) {
  EXPECT_EQ(run_bits(single_block("not", {}, {{"IN", "0110"}}), "b.OUT", 4), "1001");
  EXPECT_EQ(run_bits(single_block("not", {}, {}), "b.OUT", 1), "1");  // open IN is FALSE
  // 32 inputs, only IN1 and IN32 driven: the open ones are FALSE.
  const auto wide = single_block("or", {{"inputs", 32}}, {{"IN1", "0100"}, {"IN32", "0010"}});
  EXPECT_EQ(run_bits(wide, "b.OUT", 4), "0110");
  const auto conjunction = single_block("and", {{"inputs", 32}}, {{"IN1", "1"}, {"IN32", "1"}});
  EXPECT_EQ(run_bits(conjunction, "b.OUT", 1), "0");
}

TEST(LogicGates, PortsFollowTheInputCount) {
  const auto* info = test_registry().find("xor");
  ASSERT_NE(info, nullptr);
  const auto ports = info->ports(json{{"inputs", 4}});
  ASSERT_EQ(ports.inputs.size(), 4u);
  EXPECT_EQ(ports.inputs[0].name, "IN1");
  EXPECT_EQ(ports.inputs[3].name, "IN4");
  ASSERT_EQ(ports.outputs.size(), 1u);
  EXPECT_EQ(ports.outputs[0].name, "OUT");
  EXPECT_EQ(ports.outputs[0].data_type, core::SignalType::boolean);
}

TEST(LogicGates, ChainsEvaluateWithinOneStepInAnyDefinitionOrder) {
  // not(and(a, b)) defined consumer first: the feedthrough ordering puts the sources first.
  const auto plan = LogicModel()
                        .add("n", "not")
                        .add("g", "and")
                        .bits("a", "0101")
                        .bits("c", "0011")
                        .connect("g.OUT", "n.IN")
                        .connect("a.Q", "g.IN1")
                        .connect("c.Q", "g.IN2")
                        .compile();
  EXPECT_EQ(run_bits(plan, "n.OUT", 4), "1110");
}

// ---- Edge detectors ---------------------------------------------------------------------

TEST(LogicTrig, RisingEdgeGivesAOneStepPulse) {
  EXPECT_EQ(run_bits(single_block("r_trig", {}, {{"CLK", "0110011100"}}), "b.Q", 10), "0100010000");
}

TEST(LogicTrig, RisingEdgeCountsClkAlreadyTrueInTheFirstStep) {
  // IEC: M starts FALSE, so CLK TRUE at the first evaluation is a rising edge.
  EXPECT_EQ(run_bits(single_block("r_trig", {}, {{"CLK", "1100"}}), "b.Q", 4), "1000");
}

TEST(LogicTrig, FallingEdgeGivesAOneStepPulse) {
  // IEC: Q := NOT CLK AND NOT M; M := NOT CLK, M FALSE at the start, so CLK FALSE in the
  // first step is reported as a falling edge.
  EXPECT_EQ(run_bits(single_block("f_trig", {}, {{"CLK", "0011001"}}), "b.Q", 7), "1000100");
  EXPECT_EQ(run_bits(single_block("f_trig", {}, {{"CLK", "1100"}}), "b.Q", 4), "0010");
}

// ---- Bistables --------------------------------------------------------------------------

TEST(LogicBistable, SrIsSetDominant) {
  const auto plan = single_block("sr", {}, {{"S1", "0100110000"}, {"R", "0001011010"}});
  EXPECT_EQ(run_bits(plan, "b.Q1", 10), "0110110000");
  // Set and reset together in the first step: set wins, in that same step.
  EXPECT_EQ(run_bits(single_block("sr", {}, {{"S1", "10"}, {"R", "1"}}), "b.Q1", 2), "10");
}

TEST(LogicBistable, RsIsResetDominant) {
  const auto plan = single_block("rs", {}, {{"S", "0100110000"}, {"R1", "0001011010"}});
  EXPECT_EQ(run_bits(plan, "b.Q1", 10), "0110100000");
}

TEST(LogicBistable, FeedbackThroughABistableIsAnAlgebraicLoop) {
  // Every input feeds through (IEC evaluates Q1 from S1 and R in the same call).
  const auto model = LogicModel()
                         .add("latch", "sr")
                         .add("inv", "not")
                         .connect("latch.Q1", "inv.IN")
                         .connect("inv.OUT", "latch.R");
  try {
    model.compile();
    FAIL() << "compiled";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.type_slug(), "algebraic-loop");
  }
}

// ---- Timers -----------------------------------------------------------------------------

std::vector<double> steps_of_ms(std::initializer_list<int> milliseconds) {
  std::vector<double> seconds;
  for (int ms : milliseconds)
    seconds.push_back(ms / 1000.0);
  return seconds;
}

TEST(LogicTimer, TonSwitchesAtTheExactStep) {
  // IN rises at step 10; PT = 0.05 s at dt = 0.01 s: Q from step 15 (t - t0 = 0.05 >= PT).
  // Then IN falls for 2 steps and is TRUE for 3 steps, shorter than PT: Q stays FALSE.
  const std::string in = std::string(10, '0') + std::string(10, '1') + "00" + "111" + "0000";
  const auto plan = single_block("ton", {{"pt", 0.05}}, {{"IN", in}});
  EXPECT_EQ(run_bits(plan, "b.Q", 29),
            std::string(15, '0') + std::string(5, '1') + std::string(9, '0'));
  std::vector<double> et(29, 0.0);
  for (int k = 10; k < 20; ++k)
    et[k] = std::min(k - 10, 5) * 0.01;
  et[23] = 0.01;
  et[24] = 0.02;
  expect_times(trace(plan, "b.ET", 29), et);
}

TEST(LogicTimer, TonWithPtBetweenSteps) {
  // PT = 0.025 s at dt = 0.01 s, IN rising at step 2: t - t0 reaches 0.03 >= PT at step 5.
  const auto plan = single_block("ton", {{"pt", 0.025}}, {{"IN", "0011111111"}});
  EXPECT_EQ(run_bits(plan, "b.Q", 10), "0000011111");
  expect_times(trace(plan, "b.ET", 7), steps_of_ms({0, 0, 0, 10, 20, 25, 25}));
}

TEST(LogicTimer, TofAndTpWithPtBetweenSteps) {
  // PT = 0.025 s at dt = 0.01 s. TOF: IN falls at step 3, Q holds while t - t0 < PT, that is
  // in steps 3, 4 and 5 (0.02 < 0.025), and is FALSE from step 6 (0.03).
  const auto off_delay = single_block("tof", {{"pt", 0.025}}, {{"IN", "1110000000"}});
  EXPECT_EQ(run_bits(off_delay, "b.Q", 10), "1111110000");
  expect_times(trace(off_delay, "b.ET", 8), steps_of_ms({0, 0, 0, 0, 10, 20, 25, 25}));
  // TP: an edge at step 1 gives a pulse in steps 1, 2 and 3.
  const auto pulse = single_block("tp", {{"pt", 0.025}}, {{"IN", "0111111111"}});
  EXPECT_EQ(run_bits(pulse, "b.Q", 10), "0111000000");
  expect_times(trace(pulse, "b.ET", 6), steps_of_ms({0, 0, 10, 20, 25, 25}));
}

TEST(LogicTimer, TonStartsInTheFirstStepAndPtZeroFollowsIn) {
  EXPECT_EQ(run_bits(single_block("ton", {{"pt", 0.02}}, {{"IN", "1"}}), "b.Q", 5), "00111");
  const auto immediate = single_block("ton", {{"pt", 0.0}}, {{"IN", "01101"}});
  EXPECT_EQ(run_bits(immediate, "b.Q", 5), "01101");
  expect_times(trace(immediate, "b.ET", 5), std::vector<double>(5, 0.0));
}

TEST(LogicTimer, TofHoldsQForPtAfterInFalls) {
  // Q is FALSE until IN was ever TRUE; IN falls at step 4; PT = 0.03 s: Q TRUE in steps 4..6.
  const auto plan = single_block("tof", {{"pt", 0.03}}, {{"IN", "0011000000000"}});
  EXPECT_EQ(run_bits(plan, "b.Q", 13), "0011111000000");
  expect_times(trace(plan, "b.ET", 13),
               steps_of_ms({0, 0, 0, 0, 0, 10, 20, 30, 30, 30, 30, 30, 30}));
}

TEST(LogicTimer, TofRestartsWhenInReturnsDuringTheDelay) {
  // IN falls at step 2, returns at 3 (ET back to 0), falls again at 4: Q TRUE until step 6.
  const auto plan = single_block("tof", {{"pt", 0.03}}, {{"IN", "110100000"}});
  EXPECT_EQ(run_bits(plan, "b.Q", 9), "111111100");
  expect_times(trace(plan, "b.ET", 9), steps_of_ms({0, 0, 0, 0, 0, 10, 20, 30, 30}));
  // PT = 0: Q follows IN.
  EXPECT_EQ(run_bits(single_block("tof", {{"pt", 0.0}}, {{"IN", "01101"}}), "b.Q", 5), "01101");
}

TEST(LogicTimer, TpPulsesForPtAndHoldsEtWhileInStaysTrue) {
  // Rising edge at step 1, PT = 0.03 s: Q in steps 1..3; ET holds PT while IN stays TRUE
  // (steps 4..6) and drops to 0 when IN falls (step 7).
  const auto plan = single_block("tp", {{"pt", 0.03}}, {{"IN", "0111111000"}});
  EXPECT_EQ(run_bits(plan, "b.Q", 10), "0111000000");
  expect_times(trace(plan, "b.ET", 10), steps_of_ms({0, 0, 10, 20, 30, 30, 30, 0, 0, 0}));
}

TEST(LogicTimer, TpIsNotRetriggerable) {
  // PT = 0.04 s. The edge at step 1 starts a pulse over steps 1..4; the edge at step 3 is
  // ignored, and so is the one at step 5, the step in which the pulse ends (ET holds PT
  // while IN is TRUE). The edge at step 9 starts a new pulse.
  const auto plan = single_block("tp", {{"pt", 0.04}}, {{"IN", "0101010001100"}});
  EXPECT_EQ(run_bits(plan, "b.Q", 13), "0111100001111");
  expect_times(trace(plan, "b.ET", 13),
               steps_of_ms({0, 0, 10, 20, 30, 40, 0, 0, 0, 0, 10, 20, 30}));
}

TEST(LogicTimer, TpEdgeCases) {
  // IN TRUE in the first step is a rising edge.
  EXPECT_EQ(run_bits(single_block("tp", {{"pt", 0.01}}, {{"IN", "1"}}), "b.Q", 4), "1000");
  // A pulse outlasting a short IN: ET returns to 0 in the step the pulse ends.
  const auto short_in = single_block("tp", {{"pt", 0.02}}, {{"IN", "010"}});
  EXPECT_EQ(run_bits(short_in, "b.Q", 5), "01100");
  expect_times(trace(short_in, "b.ET", 5), steps_of_ms({0, 0, 10, 0, 0}));
  // PT = 0: a pulse of no length.
  EXPECT_EQ(run_bits(single_block("tp", {{"pt", 0.0}}, {{"IN", "0110"}}), "b.Q", 4), "0000");
}

TEST(LogicTimer, TimersRunFromTimeNotFromStepCounts) {
  // dt = 0.001 s, PT = 0.0105 s: IN rising at step 3 gives Q from step 14 (11 ms >= 10.5 ms).
  const auto plan = single_block("ton", {{"pt", 0.0105}}, {{"IN", "0001"}}, /*dt=*/0.001);
  EXPECT_EQ(run_bits(plan, "b.Q", 16), std::string(14, '0') + "11");
}

// ---- Counters ---------------------------------------------------------------------------

TEST(LogicCounter, CtuCountsRisingEdgesAndResets) {
  // Rising edges of CU at steps 1, 3, 5, 7, 9, 11, 13; R in steps 8 and 9 (wins over the edge
  // at step 9). PV = 3.
  const auto plan =
      single_block("ctu", {{"pv", 3}}, {{"CU", "01010101010101"}, {"R", "00000000110000"}});
  EXPECT_EQ(trace(plan, "b.CV", 14),
            (std::vector<double>{0, 1, 1, 2, 2, 3, 3, 4, 0, 0, 0, 1, 1, 2}));
  EXPECT_EQ(run_bits(plan, "b.Q", 14), "00000111000000");
  EXPECT_EQ(signal_named(plan, "b.CV").data_type, core::SignalType::integer);
  EXPECT_EQ(signal_named(plan, "b.Q").data_type, core::SignalType::boolean);
}

TEST(LogicCounter, CtuCountsCuTrueInTheFirstStepOnce) {
  const auto plan = single_block("ctu", {{"pv", 1}}, {{"CU", "1110"}});
  EXPECT_EQ(trace(plan, "b.CV", 4), (std::vector<double>{1, 1, 1, 1}));
  EXPECT_EQ(run_bits(plan, "b.Q", 4), "1111");
}

TEST(LogicCounter, CtdCountsDownAndLoads) {
  // LD at step 0 loads PV = 2; CD rises at steps 1, 3, 5, 7, 9; LD again at step 8.
  const auto plan = single_block("ctd", {{"pv", 2}}, {{"CD", "0101010101"}, {"LD", "1000000010"}});
  EXPECT_EQ(trace(plan, "b.CV", 10), (std::vector<double>{2, 1, 1, 0, 0, -1, -1, -2, 2, 1}));
  EXPECT_EQ(run_bits(plan, "b.Q", 10), "0001111100");
  // Without a load CV starts at 0, so Q (CV <= 0) is TRUE from the start.
  EXPECT_EQ(run_bits(single_block("ctd", {{"pv", 5}}, {}), "b.Q", 2), "11");
}

TEST(LogicCounter, CtudCountsBothWaysWithResetAndLoad) {
  // Step: 0  1  2  3  4  5  6  7  8  9 10 11 12 13
  // CU    0  1  0  1  0  1  0  1  0  0  0  1  0  0
  // CD    0  0  0  0  1  1  0  1  0  1  0  0  1  0
  // R                                      1
  // LD                                  1  1
  // Step 5: CU rises, CD is held (no edge): +1. Step 7: both rise: no change. Step 11: R wins
  // over LD and the CU edge.
  const auto plan = single_block("ctud", {{"pv", 2}},
                                 {{"CU", "01010101000100"},
                                  {"CD", "00001101010010"},
                                  {"R", "00000000000100"},
                                  {"LD", "00000000001100"}});
  EXPECT_EQ(trace(plan, "b.CV", 14),
            (std::vector<double>{0, 1, 1, 2, 1, 2, 2, 2, 2, 1, 2, 0, -1, -1}));
  EXPECT_EQ(run_bits(plan, "b.QU", 14), "00010111101000");
  EXPECT_EQ(run_bits(plan, "b.QD", 14), "10000000000111");
  EXPECT_EQ(signal_named(plan, "b.CV").data_type, core::SignalType::integer);
}

TEST(LogicCounter, CountsStopAtTheDintLimits) {
  const double max = 2147483647.0;
  const double min = -2147483648.0;
  const auto up = single_block("ctud", {{"pv", 2147483647}}, {{"LD", "10"}, {"CU", "0101"}});
  EXPECT_EQ(trace(up, "b.CV", 4), (std::vector<double>{max, max, max, max}));
  const auto down = single_block("ctd", {{"pv", -2147483648LL}}, {{"LD", "10"}, {"CD", "0101"}});
  EXPECT_EQ(trace(down, "b.CV", 4), (std::vector<double>{min, min, min, min}));
}

TEST(LogicCounter, EdgeDetectorFeedsACounterInTheSameStep) {
  // f_trig -> ctu, defined consumer first: each falling edge counts in the step it happens.
  const auto plan = LogicModel()
                        .add("count", "ctu", {{"pv", 2}})
                        .add("edge", "f_trig")
                        .bits("clk", "1101001")
                        .connect("edge.Q", "count.CU")
                        .connect("clk.Q", "edge.CLK")
                        .compile();
  EXPECT_EQ(trace(plan, "count.CV", 7), (std::vector<double>{0, 0, 1, 1, 2, 2, 2}));
}

// ---- Declarations -----------------------------------------------------------------------

TEST(LogicCatalogue, ParametersOutOfRangeAreRefused) {
  const auto refuses = [](const std::string& type, const json& patch) {
    EXPECT_THROW(core::merge_parameters(*test_registry().find(type), json::object(), patch),
                 core::Error)
        << type << " " << patch.dump();
  };
  for (const char* gate : {"and", "or", "xor"}) {
    refuses(gate, {{"inputs", 1}});
    refuses(gate, {{"inputs", 33}});
    refuses(gate, {{"inputs", 2.5}});
    refuses(gate, {{"inputs", "3"}});
    EXPECT_NO_THROW(
        core::merge_parameters(*test_registry().find(gate), json::object(), {{"inputs", 32}}));
  }
  for (const char* timer : {"ton", "tof", "tp"}) {
    refuses(timer, {{"pt", -0.001}});
    refuses(timer, {{"pt", 2e9}});
    refuses(timer, {{"pt", true}});
    EXPECT_NO_THROW(
        core::merge_parameters(*test_registry().find(timer), json::object(), {{"pt", 0.0}}));
  }
  for (const char* counter : {"ctu", "ctd", "ctud"}) {
    refuses(counter, {{"pv", 2147483648LL}});
    refuses(counter, {{"pv", -2147483649LL}});
    refuses(counter, {{"pv", 1.5}});
  }
  refuses("not", {{"inputs", 2}});  // no parameters at all
}

TEST(LogicCatalogue, EveryTypeIsDocumentedWithIecPorts) {
  const std::vector<std::string> types{"and", "or",  "xor", "not", "r_trig", "f_trig", "sr",
                                       "rs",  "ton", "tof", "tp",  "ctu",    "ctd",    "ctud"};
  for (const auto& type : types) {
    const auto* info = test_registry().find(type);
    ASSERT_NE(info, nullptr) << type;
    EXPECT_EQ(info->category, "logic") << type;
    EXPECT_FALSE(info->description.empty()) << type;
    for (const auto& parameter : info->parameters)
      EXPECT_FALSE(parameter.description.empty()) << type << "." << parameter.name;
    const auto ports = info->ports(info->default_parameters());
    for (const auto& input : ports.inputs) {
      EXPECT_EQ(input.data_type, core::SignalType::boolean) << type << "." << input.name;
      EXPECT_TRUE(input.feedthrough) << type << "." << input.name;
      EXPECT_FALSE(input.description.empty()) << type << "." << input.name;
    }
    for (const auto& output : ports.outputs)
      EXPECT_FALSE(output.description.empty()) << type << "." << output.name;
  }
  const auto timer_ports = test_registry().find("ton")->ports(json::object());
  ASSERT_EQ(timer_ports.outputs.size(), 2u);
  EXPECT_EQ(timer_ports.outputs[1].name, "ET");
  EXPECT_EQ(timer_ports.outputs[1].unit, "s");
  EXPECT_EQ(timer_ports.outputs[1].data_type, core::SignalType::real);
  EXPECT_EQ(test_registry().find("tp")->find_parameter("pt")->unit, "s");
}

}  // namespace
}  // namespace twinloop::sim
