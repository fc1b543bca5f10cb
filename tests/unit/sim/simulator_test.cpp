// The compiler and the step loop: ordering, loops, semantics of a step, exact answers.
#include "twinloop/sim/simulator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "model_builder.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::sim {
namespace {

using nlohmann::json;
using testing_support::ModelBuilder;
using testing_support::trace;

std::string error_slug(const ModelBuilder& model, std::string* detail = nullptr) {
  try {
    model.compile();
  } catch (const core::Error& error) {
    if (detail != nullptr) *detail = error.what();
    return error.type_slug();
  }
  return "<compiled>";
}

TEST(Simulator, Pt1StepResponseIsExactAtTheSamples) {
  const double dt = 0.01;
  const double t = 0.5;
  const auto plan = ModelBuilder()
                        .add("u", "step", {{"step_time", 0.0}})
                        .add("lag", "pt1", {{"k", 2.0}, {"t", t}})
                        .connect("u.y", "lag.u")
                        .compile(dt);
  const auto y = trace(plan, "lag.y", 300);
  for (int k = 0; k < 300; ++k) {
    // The value recorded at step k is the output before the state advances: 2(1 - e^(-k dt/t)).
    EXPECT_NEAR(y[k], 2.0 * (1.0 - std::exp(-k * dt / t)), 1e-12) << k;
  }
}

TEST(Simulator, IntegratorRampsAndUnitDelayLagsOneStep) {
  const auto plan = ModelBuilder()
                        .add("one", "constant", {{"value", 3.0}})
                        .add("ramp", "integrator", {{"initial", 1.0}})
                        .add("late", "unit_delay", {{"initial", -1.0}})
                        .connect("one.y", "ramp.u")
                        .connect("ramp.y", "late.u")
                        .compile(0.25);
  const auto ramp = trace(plan, "ramp.y", 9);
  const auto late = trace(plan, "late.y", 9);
  for (int k = 0; k < 9; ++k) {
    EXPECT_DOUBLE_EQ(ramp[k], 1.0 + 3.0 * 0.25 * k);
    EXPECT_DOUBLE_EQ(late[k], k == 0 ? -1.0 : ramp[k - 1]);
  }
}

TEST(Simulator, IntegratorStopsAtItsLimitsAndResets) {
  // u = 1 from t = 0; reset is true in steps 6 and 7 (a pulse of width 2 starting at 0.6 s).
  const auto plan =
      ModelBuilder()
          .add("one", "constant", {{"value", 1.0}})
          .add("window", "step", {{"step_time", 0.6}})
          .add("window_end", "step", {{"step_time", 0.8}})
          .add("gate", "sum", {{"signs", "+-"}})
          .add("is_reset", "compare", {{"operator", ">"}})
          .add("i", "integrator",
               {{"limited", true}, {"lower", -1.0}, {"upper", 0.35}, {"initial", 0.1}})
          .connect("one.y", "i.u")
          .connect("window.y", "gate.u1")
          .connect("window_end.y", "gate.u2")
          .connect("gate.y", "is_reset.u1")
          .connect("is_reset.y", "i.reset")
          .compile(0.1);
  const auto y = trace(plan, "i.y", 10);
  // The integral starts over from `initial` in the first step after the reset is released.
  const std::vector<double> expected{0.1, 0.2, 0.3, 0.35, 0.35, 0.35, 0.1, 0.1, 0.1, 0.2};
  for (std::size_t k = 0; k < expected.size(); ++k)
    EXPECT_NEAR(y[k], expected[k], 1e-12) << k;
}

TEST(Simulator, StepSwitchesAtTheExactStep) {
  const auto y = trace(ModelBuilder()
                           .add("s", "step", {{"step_time", 0.03}, {"initial", 5}, {"final", 7}})
                           .compile(0.01),
                       "s.y", 6);
  EXPECT_EQ(y, (std::vector<double>{5, 5, 5, 7, 7, 7}));
}

TEST(Simulator, SumAppliesSignsAndOpenInputsTakeDefaults) {
  const auto y = trace(ModelBuilder()
                           .add("a", "constant", {{"value", 10.0}})
                           .add("b", "constant", {{"value", 4.0}})
                           .add("s", "sum", {{"signs", "+-+"}})
                           .connect("a.y", "s.u1")
                           .connect("b.y", "s.u2")
                           .compile(),
                       "s.y", 1);
  EXPECT_DOUBLE_EQ(y[0], 6.0);  // u3 is open and takes its default, 0
}

TEST(Simulator, FeedthroughChainGivesTheSameAnswerInEitherDefinitionOrder) {
  // c.y = 2 * (3 * step) computed within the same step, whichever order the model lists them.
  const auto forward = ModelBuilder()
                           .add("s", "step", {{"step_time", 0.0}})
                           .add("b", "gain", {{"k", 3.0}})
                           .add("c", "gain", {{"k", 2.0}})
                           .connect("s.y", "b.u")
                           .connect("b.y", "c.u")
                           .compile();
  const auto reverse = ModelBuilder()
                           .add("c", "gain", {{"k", 2.0}})
                           .add("b", "gain", {{"k", 3.0}})
                           .add("s", "step", {{"step_time", 0.0}})
                           .connect("s.y", "b.u")
                           .connect("b.y", "c.u")
                           .compile();
  EXPECT_EQ(trace(forward, "c.y", 3), (std::vector<double>{6, 6, 6}));
  EXPECT_EQ(trace(reverse, "c.y", 3), (std::vector<double>{6, 6, 6}));
}

TEST(Simulator, AlgebraicLoopIsRefusedNamingTheCycleInOrder) {
  std::string detail;
  EXPECT_EQ(error_slug(ModelBuilder()
                           .add("src", "constant")
                           .add("a", "sum")
                           .add("b", "gain")
                           .add("c", "gain")
                           .connect("src.y", "a.u1")
                           .connect("a.y", "b.u")
                           .connect("b.y", "c.u")
                           .connect("c.y", "a.u2"),
                       &detail),
            "algebraic-loop");
  EXPECT_NE(detail.find("a -> b -> c -> a"), std::string::npos) << detail;
}

TEST(Simulator, SelfLoopIsAnAlgebraicLoop) {
  std::string detail;
  EXPECT_EQ(error_slug(ModelBuilder().add("g", "gain").connect("g.y", "g.u"), &detail),
            "algebraic-loop");
  EXPECT_NE(detail.find("g -> g"), std::string::npos) << detail;
}

TEST(Simulator, LoopThroughAUnitDelayRuns) {
  // counter(k+1) = counter(k) + 1: a sum fed back through a unit delay.
  const auto plan = ModelBuilder()
                        .add("one", "constant", {{"value", 1.0}})
                        .add("add", "sum")
                        .add("memory", "unit_delay")
                        .connect("one.y", "add.u1")
                        .connect("memory.y", "add.u2")
                        .connect("add.y", "memory.u")
                        .compile();
  EXPECT_EQ(trace(plan, "add.y", 4), (std::vector<double>{1, 2, 3, 4}));
}

TEST(Simulator, SecondDriverAndBadPortsAreRefused) {
  EXPECT_EQ(error_slug(ModelBuilder()
                           .add("a", "constant")
                           .add("b", "constant")
                           .add("g", "gain")
                           .connect("a.y", "g.u")
                           .connect("b.y", "g.u")),
            "input-already-driven");
  EXPECT_THROW(ModelBuilder().add("a", "constant").add("g", "gain").connect("a.y", "g.x").compile(),
               core::Error);
  EXPECT_THROW(ModelBuilder().add("a", "constant").compile(0.0), core::Error);
}

TEST(Simulator, RunsAreBitIdenticalAndResetStartsOver) {
  ModelBuilder model;
  model.add("s", "step", {{"step_time", 0.05}});
  std::string previous = "s";
  for (int i = 0; i < 1000; ++i) {
    const std::string name = "b" + std::to_string(i);
    model.add(name, i % 3 == 0 ? "pt1" : (i % 3 == 1 ? "gain" : "integrator"),
              i % 3 == 1 ? json{{"k", 0.999}} : json::object());
    model.connect(previous + ".y", name + ".u");
    previous = name;
  }
  const auto plan = std::make_shared<const Plan>(model.compile(0.001));
  auto run = [&](Simulator& simulator) {
    std::vector<double> recording;
    for (int k = 0; k < 200; ++k) {
      simulator.step();
      recording.insert(recording.end(), simulator.signals().begin(), simulator.signals().end());
    }
    return recording;
  };
  Simulator first(plan);
  Simulator second(plan);
  const auto a = run(first);
  const auto b = run(second);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0);
  first.reset();
  EXPECT_EQ(first.steps_done(), 0);
  EXPECT_EQ(run(first), a);
}

}  // namespace
}  // namespace twinloop::sim
