// The expression block: inputs from the formula's variables, values against the formula,
// refused formulas named with their position, and evaluation from several threads at once.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "model_builder.hpp"
#include "test_rig.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::sim {
namespace {

using nlohmann::json;
using testing_support::ModelBuilder;
using testing_support::registry;
using testing_support::Rig;
using testing_support::single;
using testing_support::trace;

std::vector<std::string> input_names(const std::string& formula) {
  const auto* info = registry().find("expression");
  std::vector<std::string> names;
  for (const auto& port : info->ports(json{{"formula", formula}}).inputs)
    names.push_back(port.name);
  return names;
}

// The message with which the formula is refused, or "" when it is accepted.
std::string refusal(const json& formula) {
  try {
    core::merge_parameters(*registry().find("expression"), json::object(),
                           json{{"formula", formula}});
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unprocessable);
    EXPECT_EQ(error.fields().at(0).pointer, "/parameters/formula");
    return error.what();
  }
  return "";
}

double evaluate(const std::string& formula,
                const std::vector<std::pair<std::string, double>>& inputs) {
  Rig rig(single("expression", {{"formula", formula}}));
  for (const auto& [name, value] : inputs)
    rig.set("b." + name, value);
  rig.step();
  return rig["b.y"];
}

TEST(Expression, InputsAreTheFormulasVariablesInAlphabeticalOrder) {
  EXPECT_EQ(input_names("u1 + u2"), (std::vector<std::string>{"u1", "u2"}));  // the default
  EXPECT_EQ(input_names("speed * sin(angle) + offset_2"),
            (std::vector<std::string>{"angle", "offset_2", "speed"}));
  EXPECT_EQ(input_names("x * x + x"), std::vector<std::string>{"x"});
  EXPECT_EQ(input_names("2 * _pi"), std::vector<std::string>{});  // constants are no inputs
  const auto* info = registry().find("expression");
  EXPECT_EQ(info->category, "math");
  const auto ports = info->ports(info->default_parameters());
  for (const auto& port : ports.inputs) {
    EXPECT_TRUE(port.feedthrough);
    EXPECT_EQ(port.data_type, core::SignalType::real);
  }
  ASSERT_EQ(ports.outputs.size(), 1u);
  EXPECT_EQ(ports.outputs[0].name, "y");
}

TEST(Expression, ComputesTheFormula) {
  EXPECT_DOUBLE_EQ(evaluate("u1 + u2", {{"u1", 1.5}, {"u2", 2.25}}), 3.75);
  EXPECT_DOUBLE_EQ(
      evaluate("a * sin(b) + c", {{"a", 2.0}, {"b", std::numbers::pi / 6}, {"c", 1.0}}), 2.0);
  EXPECT_DOUBLE_EQ(evaluate("x^2 - 2*x + 1", {{"x", 3.0}}), 4.0);
  EXPECT_DOUBLE_EQ(evaluate("level > 0.8 ? 1 : 0", {{"level", 0.9}}), 1.0);
  EXPECT_DOUBLE_EQ(evaluate("level > 0.8 ? 1 : 0", {{"level", 0.7}}), 0.0);
  EXPECT_DOUBLE_EQ(evaluate("a && b == 0", {{"a", 1.0}, {"b", 0.0}}), 1.0);
  EXPECT_DOUBLE_EQ(evaluate("a || b", {{"a", 0.0}, {"b", 0.0}}), 0.0);
  EXPECT_DOUBLE_EQ(evaluate("min(p, q) + max(p, q)", {{"p", -2.0}, {"q", 5.0}}), 3.0);
  EXPECT_DOUBLE_EQ(evaluate("sqrt(v) + exp(0) + ln(_e)", {{"v", 16.0}}), 6.0);
  // The constants in full double precision (muparser 2.3.3 has 12 decimals).
  EXPECT_EQ(evaluate("2 * _pi", {}), 2.0 * std::numbers::pi);
  EXPECT_EQ(evaluate("_e", {}), std::numbers::e);
  // Open inputs are 0; IEEE arithmetic: 1/0 is inf, sqrt(-1) NaN.
  EXPECT_DOUBLE_EQ(evaluate("x + 4", {}), 4.0);
  EXPECT_EQ(evaluate("1 / x", {{"x", 0.0}}), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(evaluate("sqrt(x)", {{"x", -1.0}})));
}

TEST(Expression, FollowsItsInputsStepByStepWithinTheSameStep) {
  // y = 3 t^2 + 1 from a clock, through a gain defined after the expression that feeds it.
  const double dt = 0.01;
  const auto y = trace(ModelBuilder()
                           .add("g", "gain", {{"k", 2.0}})
                           .add("e", "expression", {{"formula", "3 * t^2 + 1"}})
                           .add("clock", "clock")
                           .connect("clock.y", "e.t")
                           .connect("e.y", "g.u")
                           .compile(dt),
                       "g.y", 500);
  for (int k = 0; k < 500; ++k) {
    const double t = k * dt;
    ASSERT_NEAR(y[k], 2.0 * (3.0 * t * t + 1.0), 1e-12) << k;
  }
}

TEST(Expression, BadFormulasAreRefusedWithTheParameterAndThePosition) {
  const auto contains = [](const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  };
  const auto operator_error = refusal("a + * b");
  EXPECT_TRUE(contains(operator_error, "parameter 'formula'")) << operator_error;
  EXPECT_TRUE(contains(operator_error, "position 4")) << operator_error;
  const auto parenthesis = refusal("sin(x");
  EXPECT_TRUE(contains(parenthesis, "parenthesis")) << parenthesis;
  EXPECT_TRUE(contains(parenthesis, "position")) << parenthesis;
  EXPECT_TRUE(contains(refusal("foo(2)"), "position 3"));  // an unknown function
  EXPECT_TRUE(contains(refusal("x y"), "position 2"));
  EXPECT_TRUE(contains(refusal("3 +"), "end of expression"));
  EXPECT_FALSE(refusal("").empty());
  EXPECT_TRUE(contains(refusal("a = 3"), "assignment at position 2"));
  EXPECT_TRUE(contains(refusal("a += 3"), "assignment at position 2"));
  EXPECT_EQ(refusal("a == 3 || a != 4 || a <= 1 || a >= 2"), "");
  EXPECT_TRUE(contains(refusal("a, b"), "one value"));
  EXPECT_FALSE(refusal(std::string(1001, '1')).empty());
  EXPECT_FALSE(refusal(42).empty());  // not a string
  std::string many = "v0";
  for (int i = 1; i < 33; ++i)
    many += " + v" + std::to_string(i);
  EXPECT_TRUE(contains(refusal(many), "33 variables"));
  many.resize(many.rfind(" + "));
  EXPECT_EQ(refusal(many), "");  // 32 are allowed
}

TEST(Expression, SameFormulaInManyBlocksAndSimulationsOnSeveralThreads) {
  // Two blocks share a program; four simulations of the model run at once, each with its own
  // inputs, and each gets its own answers.
  const auto plan = ModelBuilder()
                        .add("e1", "expression", {{"formula", "k * x + 1"}})
                        .add("e2", "expression", {{"formula", "k * x + 1"}})
                        .compile(0.001);
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&plan, &wrong, i] {
      Rig rig(plan);
      for (int k = 0; k < 20000; ++k) {
        const double x = i * 1000.0 + k;
        rig.set("e1.x", x).set("e1.k", 2.0).set("e2.x", -x).set("e2.k", 3.0).step();
        if (rig["e1.y"] != 2.0 * x + 1.0 || rig["e2.y"] != -3.0 * x + 1.0) ++wrong[i];
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(wrong, (std::vector<int>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace twinloop::sim
