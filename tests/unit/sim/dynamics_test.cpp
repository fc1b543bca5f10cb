// The dynamic blocks against their analytic answers: integrator, pt1, pt2, derivative,
// transport_delay, rate_limiter and pid (closed loop on a pt1 plant), with stated tolerances,
// and their refused parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "model_builder.hpp"
#include "test_rig.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::sim {
namespace {

using nlohmann::json;
using testing_support::ModelBuilder;
using testing_support::refused;
using testing_support::registry;
using testing_support::Rig;
using testing_support::trace;

// `type` named "b" with its input u driven by a constant `input`; b.y over `steps` steps.
std::vector<double> constant_response(const std::string& type, const json& parameters, double input,
                                      int steps, double dt) {
  return trace(ModelBuilder()
                   .add("c", "constant", {{"value", input}})
                   .add("b", type, parameters)
                   .connect("c.y", "b.u")
                   .compile(dt),
               "b.y", steps);
}

// ---- integrator -------------------------------------------------------------------------

TEST(Integrator, RampIsExact) {
  // u = 3, initial 1: y(k) = 1 + 3 k dt, exact for the held input (rounding only: 1e-12).
  const double dt = 0.01;
  const auto y = constant_response("integrator", {{"initial", 1.0}}, 3.0, 1000, dt);
  for (int k = 0; k < 1000; ++k)
    ASSERT_NEAR(y[k], 1.0 + 3.0 * k * dt, 1e-12) << k;
}

TEST(Integrator, LimitsAndResetKeepTheOutputInRange) {
  const auto plan =
      ModelBuilder()
          .add("c", "constant", {{"value", 1.0}})
          .add("b", "integrator",
               {{"limited", true}, {"lower", -0.5}, {"upper", 0.25}, {"initial", 2.0}})
          .connect("c.y", "b.u")
          .compile(0.1);
  Rig rig(plan);
  // An initial value above `upper` starts at `upper`, and so does a reset.
  rig.step();
  EXPECT_DOUBLE_EQ(rig["b.y"], 0.25);
  rig.set("b.reset", true).step();
  EXPECT_DOUBLE_EQ(rig["b.y"], 0.25);
  rig.set("b.reset", false).set("b.u", -1.0).steps(3);
  EXPECT_NEAR(rig["b.y"], 0.05, 1e-12);  // 0.25 - 2 * 0.1: the first step shows 0.25 still
  rig.steps(20);
  EXPECT_DOUBLE_EQ(rig["b.y"], -0.5);
}

TEST(Integrator, ResetActsInTheSameStep) {
  const auto plan = ModelBuilder()
                        .add("c", "constant", {{"value", 2.0}})
                        .add("b", "integrator", {{"initial", 1.0}})
                        .connect("c.y", "b.u")
                        .compile(0.5);
  Rig rig(plan);
  rig.steps(3);
  EXPECT_DOUBLE_EQ(rig["b.y"], 3.0);
  rig.set("b.reset", true).step();
  EXPECT_DOUBLE_EQ(rig["b.y"], 1.0);
  rig.set("b.reset", false).step();
  EXPECT_DOUBLE_EQ(rig["b.y"], 1.0);
  rig.step();
  EXPECT_DOUBLE_EQ(rig["b.y"], 2.0);
}

// ---- pt1 --------------------------------------------------------------------------------

TEST(Pt1, StepResponseIsOneMinusExp) {
  // k = 2, t = 0.5 s, unit step from t = 0: y(t) = 2 (1 - e^(-t/0.5)) at every sample, exact
  // for the held input up to rounding (1e-12).
  const double dt = 0.01;
  const auto y = constant_response("pt1", {{"k", 2.0}, {"t", 0.5}}, 1.0, 500, dt);
  for (int k = 0; k < 500; ++k)
    ASSERT_NEAR(y[k], 2.0 * (1.0 - std::exp(-k * dt / 0.5)), 1e-12) << k;
  EXPECT_NEAR(y[50], 2.0 * (1.0 - std::exp(-1.0)), 1e-12);  // 63.2 % after one time constant
}

TEST(Pt1, RefusesANonPositiveTimeConstant) {
  EXPECT_TRUE(refused("pt1", {{"t", 0.0}}));
  EXPECT_TRUE(refused("pt1", {{"t", -1.0}}));
  EXPECT_FALSE(refused("pt1", {{"t", 1e-6}}));
}

// ---- pt2 --------------------------------------------------------------------------------

// The unit step response of t^2 y'' + 2 d t y' + y = k u from rest.
double pt2_step(double k, double t, double d, double time) {
  const double tau = time / t;
  if (d < 1.0) {
    const double root = std::sqrt(1.0 - d * d);
    return k *
           (1.0 - std::exp(-d * tau) * (std::cos(root * tau) + d / root * std::sin(root * tau)));
  }
  if (d == 1.0) return k * (1.0 - (1.0 + tau) * std::exp(-tau));
  const double root = std::sqrt(d * d - 1.0);
  const double s1 = -d + root;  // per unit of tau
  const double s2 = -d - root;
  return k * (1.0 + (s2 * std::exp(s1 * tau) - s1 * std::exp(s2 * tau)) / (s1 - s2));
}

TEST(Pt2, StepResponseMatchesTheAnalyticAnswerForEveryDamping) {
  // The discretisation is exact for a held input; the matrix exponential is accurate to
  // about 1e-15 per step, so after 2000 steps 1e-10 is a safe bound.
  const double dt = 0.005;
  for (double d : {0.0, 0.2, 0.7, 1.0, 2.5}) {
    const auto y = constant_response("pt2", {{"k", 1.5}, {"t", 0.3}, {"d", d}}, 1.0, 2000, dt);
    for (int k = 0; k < 2000; ++k)
      ASSERT_NEAR(y[k], pt2_step(1.5, 0.3, d, k * dt), 1e-10) << "d = " << d << ", step " << k;
  }
}

TEST(Pt2, StiffSettingsStayFinite) {
  // A time constant far below the step (t = 1 us at dt = 10 ms) reaches k in the first
  // update instead of blowing up.
  const auto y = constant_response("pt2", {{"k", 2.0}, {"t", 1e-6}, {"d", 0.5}}, 1.0, 5, 0.01);
  EXPECT_EQ(y[0], 0.0);
  for (int k = 1; k < 5; ++k)
    EXPECT_NEAR(y[k], 2.0, 1e-9) << k;
  EXPECT_TRUE(refused("pt2", {{"t", 0.0}}));
  EXPECT_TRUE(refused("pt2", {{"d", -0.1}}));
}

// ---- derivative -------------------------------------------------------------------------

TEST(Derivative, OfARampIsItsSlopeFromTheSecondStep) {
  // y(0) = 0 (no previous input), then the backward difference of u = 3 t: exactly 3 up to
  // the rounding of the ramp's samples (1e-12).
  const auto y = trace(ModelBuilder()
                           .add("r", "ramp", {{"slope", 3.0}, {"initial", 5.0}})
                           .add("b", "derivative")
                           .connect("r.y", "b.u")
                           .compile(0.01),
                       "b.y", 100);
  EXPECT_EQ(y[0], 0.0);
  for (int k = 1; k < 100; ++k)
    ASSERT_NEAR(y[k], 3.0, 1e-10) << k;
}

TEST(Derivative, OfASineIsTheCosineWithinTheBackwardDifferenceError) {
  // (sin(wt) - sin(w(t - dt))) / dt = w cos(w(t - dt/2)) * sinc: the error against
  // w cos(wt) is below w^2 dt / 2 = 0.0197 for w = 2 pi, dt = 1 ms.
  const double dt = 0.001;
  const double w = 2.0 * std::numbers::pi;
  const auto y = trace(
      ModelBuilder().add("s", "sine").add("b", "derivative").connect("s.y", "b.u").compile(dt),
      "b.y", 2000);
  for (int k = 1; k < 2000; ++k)
    ASSERT_NEAR(y[k], w * std::cos(w * k * dt), w * w * dt / 2.0) << k;
  // Against the midpoint the error is of second order: w^3 dt^2 / 24 ~ 1e-5.
  for (int k = 1; k < 2000; ++k)
    ASSERT_NEAR(y[k], w * std::cos(w * (k - 0.5) * dt), 2e-5) << k;
}

TEST(Derivative, FilteredIsAFirstOrderLagOfTheDifference) {
  // Filter t = 0.1 s on the derivative of 3 t: y(k) = 3 (1 - a^k), a = e^(-dt/t).
  const double dt = 0.01;
  const double a = std::exp(-dt / 0.1);
  const auto y = trace(ModelBuilder()
                           .add("r", "ramp", {{"slope", 3.0}})
                           .add("b", "derivative", {{"t", 0.1}})
                           .connect("r.y", "b.u")
                           .compile(dt),
                       "b.y", 200);
  for (int k = 0; k < 200; ++k)
    ASSERT_NEAR(y[k], 3.0 * (1.0 - std::pow(a, k)), 1e-10) << k;
}

// ---- transport_delay --------------------------------------------------------------------

TEST(TransportDelay, DelaysByWholeSteps) {
  // delay 0.05 s at dt 0.01 s: y(k) = u(k - 5), `initial` before.
  const double dt = 0.01;
  const auto y = trace(ModelBuilder()
                           .add("r", "ramp", {{"slope", 1.0}, {"initial", 2.0}})
                           .add("b", "transport_delay", {{"delay", 0.05}, {"initial", -1.0}})
                           .connect("r.y", "b.u")
                           .compile(dt),
                       "b.y", 300);
  for (int k = 0; k < 300; ++k) {
    const double expected = k < 5 ? -1.0 : 2.0 + (k - 5) * dt;
    ASSERT_NEAR(y[k], expected, 1e-12) << k;
  }
}

TEST(TransportDelay, RoundsToTheNearestStepAndIsAtLeastOneStep) {
  const auto delayed_steps = [](double delay) {
    const auto y = trace(ModelBuilder()
                             .add("s", "step", {{"step_time", 0.0}})
                             .add("b", "transport_delay", {{"delay", delay}})
                             .connect("s.y", "b.u")
                             .compile(0.01),
                         "b.y", 20);
    int first = 0;
    while (first < 20 && y[first] == 0.0)
      ++first;
    return first;
  };
  EXPECT_EQ(delayed_steps(0.034), 3);
  EXPECT_EQ(delayed_steps(0.036), 4);
  EXPECT_EQ(delayed_steps(0.0), 1);  // a unit delay
  EXPECT_EQ(delayed_steps(0.1), 10);
}

TEST(TransportDelay, BreaksAnAlgebraicLoop) {
  // y = delay(1 + y): a counter that adds 1 every 3 steps.
  const auto y = trace(ModelBuilder()
                           .add("one", "constant", {{"value", 1.0}})
                           .add("add", "sum")
                           .add("b", "transport_delay", {{"delay", 0.03}})
                           .connect("one.y", "add.u1")
                           .connect("b.y", "add.u2")
                           .connect("add.y", "b.u")
                           .compile(0.01),
                       "b.y", 10);
  EXPECT_EQ(y, (std::vector<double>{0, 0, 0, 1, 1, 1, 2, 2, 2, 3}));
}

TEST(TransportDelay, RefusesADelayThatDoesNotFitTheBuffer) {
  // 100 s at 10 us would be 10 million samples; the buffer holds at most a million.
  const auto model = ModelBuilder().add("b", "transport_delay", {{"delay", 100.0}});
  try {
    model.compile(1e-5);
    FAIL() << "compiled";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unprocessable);
    EXPECT_NE(std::string(error.what()).find("'delay'"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(model.compile(1e-4));  // exactly a million samples
  EXPECT_TRUE(refused("transport_delay", {{"delay", -0.1}}));
  EXPECT_TRUE(refused("transport_delay", {{"delay", 1001.0}}));
}

// ---- rate_limiter -----------------------------------------------------------------------

TEST(RateLimiter, RisesAndFallsAtTheLimitedSlopes) {
  // u steps from 0 to 1 at t = 0.1 s and back to -1 at t = 1 s; rising 2/s, falling 4/s,
  // dt 0.01 s: the output climbs 0.02 per step for 50 steps and falls 0.04 per step.
  const double dt = 0.01;
  const auto y = trace(ModelBuilder()
                           .add("up", "step", {{"step_time", 0.1}})
                           .add("down", "step", {{"step_time", 1.0}, {"final", -2.0}})
                           .add("u", "sum")
                           .add("b", "rate_limiter", {{"rising", 2.0}, {"falling", 4.0}})
                           .connect("up.y", "u.u1")
                           .connect("down.y", "u.u2")
                           .connect("u.y", "b.u")
                           .compile(dt),
                       "b.y", 200);
  for (int k = 0; k < 200; ++k) {
    double expected = 0.0;
    if (k >= 10) expected = std::min(1.0, 0.02 * (k - 9));
    if (k >= 100) expected = std::max(-1.0, 1.0 - 0.04 * (k - 99));
    ASSERT_NEAR(y[k], expected, 1e-12) << k;
  }
}

TEST(RateLimiter, StartsAtTheInputOrAtInitial) {
  EXPECT_EQ(constant_response("rate_limiter", json::object(), 5.0, 2, 0.1),
            (std::vector<double>{5.0, 5.0}));
  const auto from_initial = constant_response(
      "rate_limiter", {{"start_at_input", false}, {"initial", 1.0}, {"rising", 10.0}}, 5.0, 6, 0.1);
  EXPECT_EQ(from_initial, (std::vector<double>{1.0, 2.0, 3.0, 4.0, 5.0, 5.0}));
  EXPECT_TRUE(refused("rate_limiter", {{"rising", 0.0}}));
  EXPECT_TRUE(refused("rate_limiter", {{"falling", -1.0}}));
}

// ---- pid --------------------------------------------------------------------------------

// pid "c" controlling pt1 "plant" (k = 1, t = 1 s) to the setpoint `w`.
Plan pid_loop(const json& pid_parameters, double w, double dt) {
  return ModelBuilder()
      .add("w", "constant", {{"value", w}})
      .add("c", "pid", pid_parameters)
      .add("plant", "pt1", {{"k", 1.0}, {"t", 1.0}})
      .connect("w.y", "c.w")
      .connect("plant.y", "c.x")
      .connect("c.y", "plant.u")
      .compile(dt);
}

TEST(Pid, PiOnAPt1PlantSettlesToTheSetpointLikeTheContinuousLoop) {
  // ti = t cancels the plant's pole: the continuous closed loop is a first-order lag with
  // time constant t / kp, x(t) = w (1 - e^(-kp t / t)). The discrete loop (one step of delay
  // through the plant, the integral summed per step) differs by O(dt): with dt = 1 ms the
  // largest deviation measured is 3.0e-4 (w = 3); the bound is 1e-3.
  const double dt = 0.001;
  const double kp = 2.0;
  const auto x = trace(pid_loop({{"kp", kp}, {"ti", 1.0}}, 3.0, dt), "plant.y", 10000);
  for (int k = 0; k < 10000; ++k)
    ASSERT_NEAR(x[k], 3.0 * (1.0 - std::exp(-kp * k * dt)), 1e-3) << k;
  EXPECT_NEAR(x.back(), 3.0, 1e-6);  // settled: no steady-state error with an integral part
}

TEST(Pid, ProportionalOnlyLeavesTheStaticError) {
  // kp = 4 on the plant k = 1: x settles at w * kp / (1 + kp) = 0.8 w.
  const auto x = trace(pid_loop({{"kp", 4.0}}, 1.0, 0.001), "plant.y", 10000);
  EXPECT_NEAR(x.back(), 0.8, 1e-9);
}

TEST(Pid, TermsAndFeedForwardInOneStep) {
  // Open loop, dt 0.1: w = 2, x = 0.5, ff = 1, kp = 3, ti = 0.5, td = 0 -> e = 1.5:
  // y(0) = 1 + 3 * 1.5 = 5.5, then the integral grows by kp * e * dt / ti = 0.9 per step.
  const auto plan = ModelBuilder().add("c", "pid", {{"kp", 3.0}, {"ti", 0.5}}).compile(0.1);
  Rig rig(plan);
  rig.set("c.w", 2.0).set("c.x", 0.5).set("c.ff", 1.0);
  for (int k = 0; k < 5; ++k) {
    rig.step();
    EXPECT_NEAR(rig["c.y"], 5.5 + 0.9 * k, 1e-12) << k;
  }
  // reset zeroes the integral in the same step.
  rig.set("c.reset", true).step();
  EXPECT_NEAR(rig["c.y"], 5.5, 1e-12);
}

TEST(Pid, DerivativeActsOnTheMeasurement) {
  // td = 0.2, kp = 2, x ramps at 1/s, w = 0: D = -kp * td * dx/dt = -0.4 from the second
  // step on; P = -kp * x. A setpoint step would not kick the derivative part.
  const double dt = 0.01;
  const auto y = trace(ModelBuilder()
                           .add("x", "ramp", {{"slope", 1.0}})
                           .add("w", "step", {{"step_time", 0.5}, {"final", 10.0}})
                           .add("c", "pid", {{"kp", 2.0}, {"td", 0.2}})
                           .connect("x.y", "c.x")
                           .connect("w.y", "c.w")
                           .compile(dt),
                       "c.y", 100);
  EXPECT_NEAR(y[0], 0.0, 1e-12);
  for (int k = 1; k < 100; ++k) {
    const double w = k >= 50 ? 10.0 : 0.0;
    ASSERT_NEAR(y[k], 2.0 * (w - k * dt) - 0.4, 1e-9) << k;
  }
}

TEST(Pid, AntiWindupStopsTheIntegralAtTheLimit) {
  // w = 10 until t = 1 s, then 0; x open (0); kp = 1, ti = 1, y_max = 2. While limited the
  // integral does not grow, so y returns to 0 at once when the error vanishes. Without
  // anti-windup the integral would hold 10 and keep y at the limit.
  const auto y =
      trace(ModelBuilder()
                .add("w", "step", {{"step_time", 1.0}, {"initial", 10.0}, {"final", 0.0}})
                .add("c", "pid", {{"kp", 1.0}, {"ti", 1.0}, {"y_max", 2.0}})
                .connect("w.y", "c.w")
                .compile(0.01),
            "c.y", 120);
  for (int k = 0; k < 100; ++k)
    ASSERT_EQ(y[k], 2.0) << k;
  for (int k = 100; k < 120; ++k)
    ASSERT_NEAR(y[k], 0.0, 1e-12) << k;
}

TEST(Pid, OutputLimitsAndIntegralOnTheFarSide) {
  // y_min = -1: a negative error is clamped; once it turns positive the integral may grow
  // away from the limit again.
  const auto plan =
      ModelBuilder().add("c", "pid", {{"kp", 1.0}, {"ti", 0.1}, {"y_min", -1.0}}).compile(0.1);
  Rig rig(plan);
  rig.set("c.w", -5.0).steps(10);
  EXPECT_EQ(rig["c.y"], -1.0);
  rig.set("c.w", 0.5).step();
  EXPECT_NEAR(rig["c.y"], 0.5, 1e-12);  // the integral did not wind down during the limit
  rig.step();
  EXPECT_NEAR(rig["c.y"], 1.0, 1e-12);  // 0.5 + kp * e * dt / ti
}

TEST(Pid, RefusesNegativeTimes) {
  for (const char* name : {"ti", "td", "tf"})
    EXPECT_TRUE(refused("pid", {{name, -1.0}})) << name;
  EXPECT_TRUE(refused("pid", {{"kp", "fast"}}));
}

}  // namespace
}  // namespace twinloop::sim
