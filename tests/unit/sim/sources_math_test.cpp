// The source and math blocks of the component library: declarations, exact numbers, edges at
// exact steps, division by zero, seeded noise, hysteresis and refused parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>

#include "model_builder.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::sim {
namespace {

using nlohmann::json;
using testing_support::ModelBuilder;
using testing_support::refused;
using testing_support::registry;
using testing_support::trace;

// The value of a block's output `y` over `steps` steps, with its inputs driven by constants.
std::vector<double> response(const std::string& type, const json& parameters,
                             const std::vector<double>& inputs, int steps = 1) {
  ModelBuilder model;
  model.add("block", type, parameters);
  const auto* info = registry().find(type);
  const auto ports = info->ports(core::merge_parameters(*info, json::object(), parameters));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = "c" + std::to_string(i + 1);
    model.add(name, "constant", {{"value", inputs[i]}});
    model.connect(name + ".y", "block." + ports.inputs.at(i).name);
  }
  return trace(model.compile(), "block.y", steps);
}

double single(const std::string& type, const json& parameters, const std::vector<double>& inputs) {
  return response(type, parameters, inputs).at(0);
}

std::vector<std::string> names(const std::vector<core::PortSpec>& ports) {
  std::vector<std::string> result;
  for (const auto& port : ports)
    result.push_back(port.name);
  return result;
}

// ---- declarations -----------------------------------------------------------------------

TEST(LibraryDeclarations, SourcesAndMathHaveTheirParametersAndPorts) {
  struct Expected {
    const char* type;
    const char* category;
    std::vector<std::string> parameters;
    std::vector<std::string> inputs;
  };
  const std::vector<Expected> expected{
      {"ramp", "sources", {"slope", "start_time", "initial"}, {}},
      {"sine", "sources", {"amplitude", "frequency", "phase", "offset"}, {}},
      {"pulse", "sources", {"amplitude", "period", "duty", "delay"}, {}},
      {"clock", "sources", {}, {}},
      {"random", "sources", {"seed", "distribution", "minimum", "maximum", "mean", "stddev"}, {}},
      {"product", "math", {"ops", "on_zero"}, {"u1", "u2"}},
      {"divide", "math", {"on_zero"}, {"u1", "u2"}},
      {"abs", "math", {}, {"u"}},
      {"min", "math", {"inputs"}, {"u1", "u2"}},
      {"max", "math", {"inputs"}, {"u1", "u2"}},
      {"saturation", "math", {"lower", "upper"}, {"u"}},
      {"deadband", "math", {"start", "end"}, {"u"}},
      {"compare", "math", {"operator", "hysteresis"}, {"u1", "u2"}},
      {"switch", "math", {}, {"u1", "u2", "u3"}},
  };
  for (const auto& type : expected) {
    const auto* info = registry().find(type.type);
    ASSERT_NE(info, nullptr) << type.type;
    EXPECT_EQ(info->category, type.category) << type.type;
    EXPECT_FALSE(info->description.empty()) << type.type;
    std::vector<std::string> parameters;
    for (const auto& parameter : info->parameters) {
      if (parameter.name != sample_time_parameter) parameters.push_back(parameter.name);
      EXPECT_FALSE(parameter.description.empty()) << type.type << "." << parameter.name;
    }
    EXPECT_EQ(parameters, type.parameters) << type.type;
    const auto ports = info->ports(info->default_parameters());
    EXPECT_EQ(names(ports.inputs), type.inputs) << type.type;
    ASSERT_EQ(names(ports.outputs), std::vector<std::string>{"y"}) << type.type;
    for (const auto& port : ports.inputs) {
      // Every math block is algebraic: all its inputs feed through.
      EXPECT_TRUE(port.feedthrough) << type.type << "." << port.name;
      EXPECT_FALSE(port.description.empty()) << type.type << "." << port.name;
    }
    EXPECT_FALSE(ports.outputs[0].description.empty()) << type.type;
  }
}

TEST(LibraryDeclarations, UnitsAndBooleanPorts) {
  auto unit = [](const char* type, const char* parameter) {
    return registry().find(type)->find_parameter(parameter)->unit;
  };
  EXPECT_EQ(unit("ramp", "slope"), "1/s");
  EXPECT_EQ(unit("ramp", "start_time"), "s");
  EXPECT_EQ(unit("sine", "frequency"), "Hz");
  EXPECT_EQ(unit("sine", "phase"), "rad");
  EXPECT_EQ(unit("pulse", "period"), "s");
  EXPECT_EQ(unit("pulse", "delay"), "s");
  const auto* clock = registry().find("clock");
  EXPECT_EQ(clock->ports(clock->default_parameters()).outputs[0].unit, "s");

  const auto* compare = registry().find("compare");
  const auto compare_ports = compare->ports(compare->default_parameters());
  EXPECT_EQ(compare_ports.inputs[0].data_type, core::SignalType::real);
  EXPECT_EQ(compare_ports.outputs[0].data_type, core::SignalType::boolean);
  const auto* selector = registry().find("switch");
  const auto switch_ports = selector->ports(selector->default_parameters());
  EXPECT_EQ(switch_ports.inputs[0].data_type, core::SignalType::real);
  EXPECT_EQ(switch_ports.inputs[1].data_type, core::SignalType::boolean);
  EXPECT_EQ(switch_ports.inputs[2].data_type, core::SignalType::real);
  EXPECT_EQ(switch_ports.outputs[0].data_type, core::SignalType::real);
}

TEST(LibraryDeclarations, BadParametersAreRefused) {
  EXPECT_TRUE(refused("ramp", {{"start_time", -1.0}}));
  EXPECT_TRUE(refused("sine", {{"frequency", -0.5}}));
  EXPECT_TRUE(refused("pulse", {{"period", 0.0}}));
  EXPECT_TRUE(refused("pulse", {{"period", -1.0}}));
  EXPECT_TRUE(refused("pulse", {{"period", 4e-10}}));  // rounds to 0 ns
  EXPECT_FALSE(refused("pulse", {{"period", 1e-9}}));
  EXPECT_TRUE(refused("pulse", {{"period", 2e6}}));
  EXPECT_TRUE(refused("pulse", {{"duty", 1.5}}));
  EXPECT_TRUE(refused("pulse", {{"duty", -0.1}}));
  EXPECT_TRUE(refused("pulse", {{"delay", -0.1}}));
  EXPECT_TRUE(refused("pulse", {{"amplitude", "high"}}));
  EXPECT_TRUE(refused("random", {{"seed", -1}}));
  EXPECT_TRUE(refused("random", {{"seed", 1.5}}));
  EXPECT_TRUE(refused("random", {{"distribution", "poisson"}}));
  EXPECT_TRUE(refused("random", {{"stddev", -1.0}}));
  EXPECT_TRUE(refused("product", {{"ops", ""}}));
  EXPECT_TRUE(refused("product", {{"ops", "*+"}}));
  EXPECT_TRUE(refused("product", {{"ops", std::string(33, '*')}}));
  EXPECT_TRUE(refused("min", {{"inputs", 1}}));
  EXPECT_TRUE(refused("max", {{"inputs", 33}}));
  EXPECT_TRUE(refused("max", {{"inputs", 2.5}}));
  EXPECT_TRUE(refused("compare", {{"operator", "=>"}}));
  EXPECT_TRUE(refused("compare", {{"operator", ""}}));
  EXPECT_TRUE(refused("compare", {{"hysteresis", -0.1}}));
  EXPECT_TRUE(refused("switch", {{"anything", 1}}));
}

// ---- sources ----------------------------------------------------------------------------

TEST(Sources, RampHoldsInitialThenRisesFromStartTime) {
  const auto y =
      trace(ModelBuilder()
                .add("r", "ramp", {{"slope", 2.0}, {"start_time", 0.5}, {"initial", 1.0}})
                .compile(0.25),
            "r.y", 8);
  EXPECT_EQ(y, (std::vector<double>{1, 1, 1, 1.5, 2, 2.5, 3, 3.5}));
}

TEST(Sources, RampIsExactOnDecimalSteps) {
  // Elapsed time is whole nanoseconds / 1e9: the double nearest to the exact value.
  const auto y =
      trace(ModelBuilder().add("r", "ramp", {{"slope", -3.0}, {"start_time", 0.03}}).compile(0.01),
            "r.y", 200);
  for (int k = 0; k < 200; ++k) {
    const double elapsed = k < 3 ? 0.0 : static_cast<double>(k - 3) / 100.0;
    EXPECT_DOUBLE_EQ(y[k], -3.0 * elapsed) << k;
  }
}

TEST(Sources, SineMatchesTheFormula) {
  const double dt = 0.01;
  const auto y =
      trace(ModelBuilder()
                .add("s", "sine",
                     {{"amplitude", 2.0}, {"frequency", 0.5}, {"phase", 0.3}, {"offset", 1.0}})
                .compile(dt),
            "s.y", 500);
  for (int k = 0; k < 500; ++k) {
    EXPECT_NEAR(y[k], 1.0 + 2.0 * std::sin(2.0 * std::numbers::pi * 0.5 * k * dt + 0.3), 1e-12)
        << k;
  }
  // Default: sin(2 pi t); a quarter period at 0.25 s is the peak.
  const auto unit = trace(ModelBuilder().add("s", "sine").compile(0.25), "s.y", 5);
  EXPECT_DOUBLE_EQ(unit[0], 0.0);
  EXPECT_DOUBLE_EQ(unit[1], 1.0);
  EXPECT_NEAR(unit[2], 0.0, 1e-15);
  EXPECT_DOUBLE_EQ(unit[3], -1.0);
}

TEST(Sources, SineThroughAGainIsTheScaledSine) {
  // y = -2.5 sin(2 pi 3 t + 1): the gain acts in the same step, so every sample matches the
  // formula at t = k dt up to rounding (1e-12).
  const double dt = 0.001;
  const auto y = trace(ModelBuilder()
                           .add("g", "gain", {{"k", -2.5}})
                           .add("s", "sine", {{"frequency", 3.0}, {"phase", 1.0}})
                           .connect("s.y", "g.u")
                           .compile(dt),
                       "g.y", 2000);
  for (int k = 0; k < 2000; ++k)
    ASSERT_NEAR(y[k], -2.5 * std::sin(2.0 * std::numbers::pi * 3.0 * k * dt + 1.0), 1e-12) << k;
}

TEST(Sources, PulseSwitchesAtTheExactSteps) {
  // delay 20 ms, period 40 ms, high for 10 ms: rising edges at 20, 60, 100 ms.
  const auto y =
      trace(ModelBuilder()
                .add("p", "pulse",
                     {{"amplitude", 3.0}, {"period", 0.04}, {"duty", 0.25}, {"delay", 0.02}})
                .compile(0.01),
            "p.y", 11);
  EXPECT_EQ(y, (std::vector<double>{0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 3}));
}

TEST(Sources, PulseEdgesHoldOverLongRunsWithDecimalTimes) {
  // 0.3 s period, 10 % duty, dt 1 ms: high for exactly 30 of every 300 steps, forever. In
  // floating-point seconds 0.1 * 3 != 0.3; in nanoseconds the edges cannot drift.
  const auto y = trace(
      ModelBuilder()
          .add("p", "pulse", {{"amplitude", 1.0}, {"period", 0.3}, {"duty", 0.1}, {"delay", 0.1}})
          .compile(0.001),
      "p.y", 30000);
  for (int k = 0; k < 30000; ++k) {
    const bool high = k >= 100 && (k - 100) % 300 < 30;
    ASSERT_EQ(y[k], high ? 1.0 : 0.0) << k;
  }
}

TEST(Sources, PulseDutyZeroIsAlwaysLowAndOneAlwaysHighAfterTheDelay) {
  const auto low = trace(ModelBuilder().add("p", "pulse", {{"duty", 0.0}}).compile(0.1), "p.y", 30);
  EXPECT_EQ(low, std::vector<double>(30, 0.0));
  const auto high = trace(
      ModelBuilder().add("p", "pulse", {{"duty", 1.0}, {"delay", 0.5}}).compile(0.1), "p.y", 30);
  for (int k = 0; k < 30; ++k)
    EXPECT_EQ(high[k], k < 5 ? 0.0 : 1.0) << k;
  // Defaults: 1 s period, half high.
  const auto square = trace(ModelBuilder().add("p", "pulse").compile(0.25), "p.y", 8);
  EXPECT_EQ(square, (std::vector<double>{1, 1, 0, 0, 1, 1, 0, 0}));
}

TEST(Sources, ClockIsTheSimulationTime) {
  const auto y = trace(ModelBuilder().add("c", "clock").compile(0.25), "c.y", 6);
  EXPECT_EQ(y, (std::vector<double>{0, 0.25, 0.5, 0.75, 1.0, 1.25}));
  const auto fine = trace(ModelBuilder().add("c", "clock").compile(0.001), "c.y", 2000);
  for (int k = 0; k < 2000; ++k)
    EXPECT_NEAR(fine[k], k * 0.001, 1e-15) << k;
}

// ---- random -----------------------------------------------------------------------------

std::vector<double> noise(const json& parameters, int steps) {
  return trace(ModelBuilder().add("n", "random", parameters).compile(), "n.y", steps);
}

struct Moments {
  double mean = 0.0;
  double stddev = 0.0;
};

Moments moments(const std::vector<double>& values) {
  Moments result;
  for (double value : values)
    result.mean += value;
  result.mean /= static_cast<double>(values.size());
  double squares = 0.0;
  for (double value : values)
    squares += (value - result.mean) * (value - result.mean);
  result.stddev = std::sqrt(squares / static_cast<double>(values.size() - 1));
  return result;
}

TEST(Random, IsTheSplitMix64Sequence) {
  // Published first outputs of SplitMix64 seeded with 0: 0xe220a8397b1dcdaf,
  // 0x6e789e6aa1b965f4, 0x06c45d188009454f. Uniform sample n takes the top 53 bits of draw n.
  const auto y = noise({{"seed", 0}}, 3);
  EXPECT_EQ(y[0], static_cast<double>(0xe220a8397b1dcdafULL >> 11) * 0x1.0p-53);
  EXPECT_EQ(y[1], static_cast<double>(0x6e789e6aa1b965f4ULL >> 11) * 0x1.0p-53);
  EXPECT_EQ(y[2], static_cast<double>(0x06c45d188009454fULL >> 11) * 0x1.0p-53);
}

TEST(Random, SameSeedSameSequenceOtherSeedOtherSequence) {
  for (const char* distribution : {"uniform", "normal"}) {
    const auto a = noise({{"seed", 42}, {"distribution", distribution}}, 1000);
    const auto b = noise({{"seed", 42}, {"distribution", distribution}}, 1000);
    const auto c = noise({{"seed", 43}, {"distribution", distribution}}, 1000);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << distribution;
    int same = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
      same += a[i] == c[i] ? 1 : 0;
    EXPECT_EQ(same, 0) << distribution;
    // A new sample every step.
    EXPECT_NE(a[0], a[1]) << distribution;
  }
}

TEST(Random, ResetStartsTheSequenceOver) {
  const auto plan =
      std::make_shared<const Plan>(ModelBuilder().add("n", "random", {{"seed", 7}}).compile());
  Simulator simulator(plan);
  std::vector<double> first;
  for (int k = 0; k < 5; ++k) {
    simulator.step();
    first.push_back(simulator.signals()[0]);
  }
  simulator.reset();
  for (int k = 0; k < 5; ++k) {
    simulator.step();
    EXPECT_EQ(simulator.signals()[0], first[k]) << k;
  }
}

TEST(Random, UniformStaysInRangeWithTheRightMoments) {
  // Uniform on [-2, 3): mean 0.5, standard deviation 5/sqrt(12) = 1.443. Over n = 10000
  // samples the standard error of the mean is 1.443/100 = 0.0144 and that of the standard
  // deviation about 1.443/sqrt(2n) = 0.0102 (less for a uniform); 5 standard errors (0.072 and
  // 0.051) fail a correct generator with probability below 1e-6, while a wrong range or
  // mapping would miss by far more.
  const auto y = noise({{"seed", 2024}, {"minimum", -2.0}, {"maximum", 3.0}}, 10000);
  for (double value : y) {
    ASSERT_GE(value, -2.0);
    ASSERT_LE(value, 3.0);
  }
  const auto m = moments(y);
  EXPECT_NEAR(m.mean, 0.5, 0.072);
  EXPECT_NEAR(m.stddev, 5.0 / std::sqrt(12.0), 0.051);
}

TEST(Random, NormalHasTheRightMoments) {
  // Normal(1, 2): over 10000 samples the standard error of the mean is 2/100 = 0.02 and of the
  // standard deviation 2/sqrt(20000) = 0.0141; tolerances are 5 standard errors.
  const auto y =
      noise({{"seed", 99}, {"distribution", "normal"}, {"mean", 1.0}, {"stddev", 2.0}}, 10000);
  const auto m = moments(y);
  EXPECT_NEAR(m.mean, 1.0, 0.1);
  EXPECT_NEAR(m.stddev, 2.0, 0.071);
  // About 68.3 % within one standard deviation (binomial SE 0.0047; 5 SE).
  int within = 0;
  for (double value : y)
    within += std::fabs(value - 1.0) <= 2.0 ? 1 : 0;
  EXPECT_NEAR(within / 10000.0, 0.6827, 0.0235);
  for (double value : y)
    ASSERT_TRUE(std::isfinite(value));
  // A zero standard deviation is the mean itself.
  EXPECT_EQ(noise({{"distribution", "normal"}, {"mean", 4.0}, {"stddev", 0.0}}, 3),
            (std::vector<double>{4, 4, 4}));
}

// ---- math -------------------------------------------------------------------------------

TEST(Math, ProductMultipliesAndDivides) {
  EXPECT_DOUBLE_EQ(single("product", json::object(), {6.0, -4.0}), -24.0);
  EXPECT_DOUBLE_EQ(single("product", {{"ops", "*/*"}}, {6.0, 4.0, 2.0}), 3.0);
  EXPECT_DOUBLE_EQ(single("product", {{"ops", "/"}}, {4.0}), 0.25);
  EXPECT_DOUBLE_EQ(single("product", {{"ops", "*/"}, {"on_zero", 9.0}}, {6.0, 0.0}), 9.0);
  EXPECT_DOUBLE_EQ(single("product", {{"ops", "*/"}}, {6.0, -0.0}), 0.0);
  EXPECT_DOUBLE_EQ(single("product", {{"ops", "**"}}, {6.0, 0.0}), 0.0);
  // An open input is 0.
  EXPECT_DOUBLE_EQ(
      trace(ModelBuilder().add("p", "product", {{"ops", "*/"}, {"on_zero", -1.0}}).compile(), "p.y",
            1)[0],
      -1.0);
  const auto* product = registry().find("product");
  EXPECT_EQ(product->ports(core::merge_parameters(*product, json::object(), json{{"ops", "*//*"}}))
                .inputs.size(),
            4u);
}

TEST(Math, DivideAnswersOnZeroForAZeroDivisor) {
  EXPECT_DOUBLE_EQ(single("divide", json::object(), {7.0, 2.0}), 3.5);
  EXPECT_DOUBLE_EQ(single("divide", json::object(), {7.0, 0.0}), 0.0);
  EXPECT_DOUBLE_EQ(single("divide", {{"on_zero", -5.0}}, {7.0, 0.0}), -5.0);
  EXPECT_DOUBLE_EQ(single("divide", {{"on_zero", -5.0}}, {7.0, -0.0}), -5.0);
  EXPECT_DOUBLE_EQ(single("divide", {{"on_zero", -5.0}}, {0.0, 0.0}), -5.0);
  EXPECT_DOUBLE_EQ(single("divide", json::object(), {-1.0, 1e-300}), -1e300);
}

TEST(Math, AbsMinMax) {
  EXPECT_DOUBLE_EQ(single("abs", json::object(), {-3.5}), 3.5);
  EXPECT_DOUBLE_EQ(single("abs", json::object(), {2.0}), 2.0);
  EXPECT_DOUBLE_EQ(single("min", json::object(), {4.0, -2.0}), -2.0);
  EXPECT_DOUBLE_EQ(single("max", json::object(), {4.0, -2.0}), 4.0);
  EXPECT_DOUBLE_EQ(single("min", {{"inputs", 4}}, {4.0, -2.0, 7.0, -1.0}), -2.0);
  EXPECT_DOUBLE_EQ(single("max", {{"inputs", 4}}, {4.0, -2.0, 7.0, -1.0}), 7.0);
  std::vector<double> many(32);
  for (std::size_t i = 0; i < many.size(); ++i)
    many[i] = static_cast<double>((i * 7) % 32) - 10.0;
  EXPECT_DOUBLE_EQ(single("min", {{"inputs", 32}}, many), -10.0);
  EXPECT_DOUBLE_EQ(single("max", {{"inputs", 32}}, many), 21.0);
}

// u = -3 + 0.5 k for k = 0..12 (a ramp with dt 0.5), then `type` applied to it.
std::vector<double> over_ramp(const std::string& type, const json& parameters) {
  return trace(ModelBuilder()
                   .add("r", "ramp", {{"initial", -3.0}, {"slope", 1.0}})
                   .add("b", type, parameters)
                   .connect("r.y", "b.u")
                   .compile(0.5),
               "b.y", 13);
}

TEST(Math, SaturationClamps) {
  const auto y = over_ramp("saturation", {{"lower", -1.0}, {"upper", 2.0}});
  EXPECT_EQ(y, (std::vector<double>{-1, -1, -1, -1, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2, 2}));
  // Crossed limits: documented, the lower limit wins.
  EXPECT_EQ(over_ramp("saturation", {{"lower", 2.0}, {"upper", 1.0}}), std::vector<double>(13, 2));
}

TEST(Math, DeadbandIsZeroInsideAndShiftedOutside) {
  const auto y = over_ramp("deadband", {{"start", -1.0}, {"end", 2.0}});
  EXPECT_EQ(y, (std::vector<double>{-2, -1.5, -1, -0.5, 0, 0, 0, 0, 0, 0, 0, 0.5, 1}));
  // Defaults [-1, 1].
  EXPECT_DOUBLE_EQ(single("deadband", json::object(), {0.7}), 0.0);
  EXPECT_DOUBLE_EQ(single("deadband", json::object(), {1.25}), 0.25);
}

// u1 rises 0, 0.25, .. 1 (t = 0..1 s, dt 0.25) then falls by 0.25 per step to -1 at t = 3 s;
// u2 is open (0). Returns compare.y for each of the 13 steps.
std::vector<double> compare_triangle(const json& parameters) {
  return trace(ModelBuilder()
                   .add("up", "ramp", {{"slope", 1.0}})
                   .add("down", "ramp", {{"slope", -2.0}, {"start_time", 1.0}})
                   .add("u1", "sum")
                   .add("c", "compare", parameters)
                   .connect("up.y", "u1.u1")
                   .connect("down.y", "u1.u2")
                   .connect("u1.y", "c.u1")
                   .compile(0.25),
               "c.y", 13);
}

TEST(Math, CompareWithoutHysteresisIsThePlainComparison) {
  // u1: 0 .25 .5 .75 1 .75 .5 .25 0 -.25 -.5 -.75 -1
  using V = std::vector<double>;
  EXPECT_EQ(compare_triangle({{"operator", ">"}}), (V{0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(compare_triangle({{"operator", ">="}}), (V{1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(compare_triangle({{"operator", "<"}}), (V{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(compare_triangle({{"operator", "<="}}), (V{1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(compare_triangle({{"operator", "=="}}), (V{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(compare_triangle({{"operator", "!="}}), (V{0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1}));
}

TEST(Math, CompareHysteresisHoldsInsideTheBand) {
  // h = 0.5 around u2 = 0. '>' switches on when u1 > 0.5 and off when u1 <= -0.5.
  using V = std::vector<double>;
  const double h = 0.5;
  EXPECT_EQ(compare_triangle({{"operator", ">"}, {"hysteresis", h}}),
            (V{0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}));
  // '>=': on when u1 >= 0.5, off when u1 < -0.5.
  EXPECT_EQ(compare_triangle({{"operator", ">="}, {"hysteresis", h}}),
            (V{0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}));
  // '<': on when u1 < -0.5, off when u1 >= 0.5.
  EXPECT_EQ(compare_triangle({{"operator", "<"}, {"hysteresis", h}}),
            (V{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1}));
  // '<=': on when u1 <= -0.5, off when u1 > 0.5.
  EXPECT_EQ(compare_triangle({{"operator", "<="}, {"hysteresis", h}}),
            (V{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}));
  // '==' and '!=': h is a tolerance, |u1 - u2| <= 0.25.
  EXPECT_EQ(compare_triangle({{"operator", "=="}, {"hysteresis", 0.25}}),
            (V{1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(compare_triangle({{"operator", "!="}, {"hysteresis", 0.25}}),
            (V{0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1}));
}

TEST(Math, CompareHysteresisSwitchesOffAndOnAgain) {
  // A 1 Hz sine against 0, sampled every 1/12 s: sin = 0, .5, .87, 1, .87, .5, 0, -.5, -.87,
  // -1, -.87, -.5, 0, ... With h = 0.49 (clear of the rounding of +-0.5), '>' turns on at the
  // first sample above 0.49 (phase 1) and off at the first at or below -0.49 (phase 7), in
  // every period.
  const auto y = trace(ModelBuilder()
                           .add("s", "sine")
                           .add("c", "compare", {{"operator", ">"}, {"hysteresis", 0.49}})
                           .connect("s.y", "c.u1")
                           .compile(1.0 / 12.0),
                       "c.y", 25);
  for (int k = 0; k < 25; ++k) {
    const int phase = k % 12;
    const bool on = phase >= 1 && phase <= 6;  // > 0.49 from k = 1; <= -0.49 from k = 7
    EXPECT_EQ(y[k], on ? 1.0 : 0.0) << k;
  }
}

TEST(Math, SwitchSelectsU1WhileTheControlIsTrue) {
  // The control: clock > 0.35 (true from t = 0.4); u1 = 10, u3 = -10.
  const auto y = trace(ModelBuilder()
                           .add("t", "clock")
                           .add("limit", "constant", {{"value", 0.35}})
                           .add("control", "compare", {{"operator", ">"}})
                           .add("a", "constant", {{"value", 10.0}})
                           .add("b", "constant", {{"value", -10.0}})
                           .add("sel", "switch")
                           .connect("t.y", "control.u1")
                           .connect("limit.y", "control.u2")
                           .connect("a.y", "sel.u1")
                           .connect("control.y", "sel.u2")
                           .connect("b.y", "sel.u3")
                           .compile(0.1),
                       "sel.y", 6);
  EXPECT_EQ(y, (std::vector<double>{-10, -10, -10, -10, 10, 10}));
  // An open control is false.
  EXPECT_DOUBLE_EQ(single("switch", json::object(), {1.0}), 0.0);
  // A real output cannot drive the boolean control.
  EXPECT_THROW(
      ModelBuilder().add("a", "constant").add("sel", "switch").connect("a.y", "sel.u2").compile(),
      core::Error);
}

TEST(Math, FeedthroughChainsOrderWithinOneStep) {
  // abs(min(-3, 2)) * 2 / 4 through a chain listed backwards: all in the same step.
  const auto y = trace(ModelBuilder()
                           .add("d", "divide")
                           .add("p", "product")
                           .add("a", "abs")
                           .add("m", "min")
                           .add("x", "constant", {{"value", -3.0}})
                           .add("two", "constant", {{"value", 2.0}})
                           .add("four", "constant", {{"value", 4.0}})
                           .connect("x.y", "m.u1")
                           .connect("two.y", "m.u2")
                           .connect("m.y", "a.u")
                           .connect("a.y", "p.u1")
                           .connect("two.y", "p.u2")
                           .connect("p.y", "d.u1")
                           .connect("four.y", "d.u2")
                           .compile(),
                       "d.y", 2);
  EXPECT_EQ(y, (std::vector<double>{1.5, 1.5}));
}

}  // namespace
}  // namespace twinloop::sim
