#include <array>
#include <cmath>

#include "test_support.hpp"
#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {
namespace {

using testing::port_index;
using testing::TestFmu;

// The bouncing ball, solved in closed form: dropped from h0 at rest, it hits the floor at
// t1 = sqrt(2 h0 / g) with speed v1 = g t1; after impact k it leaves with e^k v1 and returns
// 2 e^k v1 / g later.
struct AnalyticBall {
  double h0 = 1.0;
  double g = 9.81;
  double e = 0.7;

  std::vector<double> impacts(double until) const {
    std::vector<double> times{std::sqrt(2 * h0 / g)};
    double speed = g * times.front() * e;
    while (times.back() + 2 * speed / g <= until) {
      times.push_back(times.back() + 2 * speed / g);
      speed *= e;
    }
    return times;
  }

  double height(double t) const {
    const std::vector<double> times = impacts(t);
    if (t < times.front()) return h0 - 0.5 * g * t * t;
    const double since = t - times.back();
    const double speed = g * times.front() * std::pow(e, static_cast<double>(times.size()));
    return speed * since - 0.5 * g * since * since;
  }
};

// Steps the ball to `end` and checks heights at every step and the time of every impact.
void check_bouncing_ball(const std::string& fmu_name, const DriverOptions& options,
                         double tolerance) {
  auto driver = make_driver(TestFmu(fmu_name).open(), options);
  const PortLayout& ports = driver->ports();
  const std::size_t h = port_index(ports.outputs, "h");
  const std::size_t last_impact = port_index(ports.outputs, "last_impact");
  const std::size_t bounces = port_index(ports.outputs, "bounces");
  driver->initialize();
  const AnalyticBall ball;
  const double end = 2.5;
  const std::vector<double> impacts = ball.impacts(end);
  ASSERT_GE(impacts.size(), 10u);
  std::vector<double> outputs(ports.outputs.size());
  const double dt = 0.01;
  int seen = 0;
  for (int k = 0; k < 250; ++k) {
    const double t = k * dt;
    driver->step(t, dt);
    driver->get_outputs(outputs.data());
    ASSERT_NEAR(outputs[h], ball.height(t + dt), tolerance) << "t = " << t + dt;
    const int count = static_cast<int>(outputs[bounces]);
    if (count != seen) {
      ASSERT_EQ(count, seen + 1) << "two impacts within one step at t = " << t;
      seen = count;
      EXPECT_NEAR(outputs[last_impact], impacts[static_cast<std::size_t>(count - 1)], 1e-9)
          << "impact " << count;
    }
  }
  EXPECT_EQ(seen, static_cast<int>(impacts.size()));
  EXPECT_GE(driver->statistics().state_events, impacts.size());
}

TEST(ModelExchange, BouncingBallWithDormandPrinceMatchesTheAnalyticAnswer) {
  DriverOptions options;
  options.solver = Solver::dormand_prince;
  options.tolerance = 1e-10;
  check_bouncing_ball("bouncing_ball", options, 1e-8);
}

TEST(ModelExchange, BouncingBallWithRk4MatchesTheAnalyticAnswer) {
  DriverOptions options;
  options.solver = Solver::rk4;
  options.max_step = 0.005;
  check_bouncing_ball("bouncing_ball", options, 1e-8);
}

TEST(ModelExchange, BouncingBallComesToRestWithoutChattering) {
  DriverOptions options;
  options.parameters = {{"e", 0.5}};
  auto driver = make_driver(TestFmu("bouncing_ball").open(), options);
  driver->initialize();
  for (int k = 0; k < 500; ++k)
    driver->step(k * 0.01, 0.01);
  std::vector<double> outputs(driver->ports().outputs.size());
  driver->get_outputs(outputs.data());
  EXPECT_EQ(outputs[port_index(driver->ports().outputs, "h")], 0.0);
  EXPECT_EQ(outputs[port_index(driver->ports().outputs, "v")], 0.0);
}

// x0' = x1, x1' = mu (1 - x0^2) x1 - x0, solved here independently of the driver: classic RK4
// with a step of 1e-4 s, whose error over 10 s is far below the tolerances checked.
std::vector<std::array<double, 2>> van_der_pol_reference(double mu, double dt, int samples) {
  const auto f = [mu](const std::array<double, 2>& x) {
    return std::array<double, 2>{x[1], mu * (1 - x[0] * x[0]) * x[1] - x[0]};
  };
  std::array<double, 2> x{2.0, 0.0};
  std::vector<std::array<double, 2>> result{x};
  const int substeps = static_cast<int>(std::lround(dt / 1e-4));
  const double h = dt / substeps;
  for (int sample = 0; sample < samples; ++sample) {
    for (int i = 0; i < substeps; ++i) {
      const auto k1 = f(x);
      const auto k2 = f({x[0] + h / 2 * k1[0], x[1] + h / 2 * k1[1]});
      const auto k3 = f({x[0] + h / 2 * k2[0], x[1] + h / 2 * k2[1]});
      const auto k4 = f({x[0] + h * k3[0], x[1] + h * k3[1]});
      for (int j = 0; j < 2; ++j)
        x[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    }
    result.push_back(x);
  }
  return result;
}

void check_van_der_pol(DriverOptions options, double tolerance) {
  options.parameters = {{"mu", 1.5}};
  auto driver = make_driver(TestFmu("van_der_pol").open(), options);
  driver->initialize();
  const double dt = 0.1;
  const int samples = 100;
  const auto reference = van_der_pol_reference(1.5, dt, samples);
  std::array<double, 2> x{};
  for (int k = 0; k < samples; ++k) {
    driver->step(k * dt, dt);
    driver->get_outputs(x.data());
    ASSERT_NEAR(x[0], reference[k + 1][0], tolerance) << "t = " << (k + 1) * dt;
    ASSERT_NEAR(x[1], reference[k + 1][1], tolerance) << "t = " << (k + 1) * dt;
  }
}

TEST(ModelExchange, VanDerPolWithDormandPrinceMatchesAHighAccuracyReference) {
  DriverOptions options;
  options.solver = Solver::dormand_prince;
  options.tolerance = 1e-9;
  options.absolute_tolerance = 1e-12;
  check_van_der_pol(options, 1e-6);
}

TEST(ModelExchange, VanDerPolWithRk4MatchesAHighAccuracyReference) {
  DriverOptions options;
  options.solver = Solver::rk4;
  options.max_step = 1e-3;
  check_van_der_pol(options, 1e-8);
}

TEST(ModelExchange, AdaptiveStepsAreFewerThanFixedOnes) {
  DriverOptions options;
  options.tolerance = 1e-6;
  auto driver = make_driver(TestFmu("van_der_pol").open(), options);
  driver->initialize();
  driver->step(0, 10.0);
  const IntegratorStatistics statistics = driver->statistics();
  EXPECT_GT(statistics.steps, 10u);
  EXPECT_LT(statistics.steps, 1000u);
  EXPECT_GT(statistics.derivative_evaluations, 6 * statistics.steps);
}

TEST(ModelExchange, ATunableParameterChangesAsAnEvent) {
  auto driver = make_driver(TestFmu("bouncing_ball").open());
  const PortLayout& ports = driver->ports();
  driver->initialize();
  driver->step(0, 0.1);
  driver->set_parameter("e", 0.0);  // the next impact stops the ball
  for (int k = 1; k < 20; ++k)
    driver->step(k * 0.1, 0.1);
  std::vector<double> outputs(ports.outputs.size());
  driver->get_outputs(outputs.data());
  EXPECT_EQ(outputs[port_index(ports.outputs, "h")], 0.0);
  EXPECT_EQ(outputs[port_index(ports.outputs, "bounces")], 1.0);
  EXPECT_ERROR_CONTAINING(driver->set_parameter("g", 1.0), "its variability is fixed");
}

TEST(ModelExchange, ResetStartsAnIdenticalRun) {
  DriverOptions options;
  options.parameters = {{"e", 0.8}};
  auto driver = make_driver(TestFmu("bouncing_ball").open(), options);
  const auto run = [&] {
    driver->initialize();
    std::vector<double> heights;
    std::vector<double> outputs(driver->ports().outputs.size());
    for (int k = 0; k < 100; ++k) {
      driver->step(k * 0.01, 0.01);
      driver->get_outputs(outputs.data());
      heights.push_back(outputs[0]);
    }
    return heights;
  };
  const std::vector<double> first = run();
  const IntegratorStatistics statistics = driver->statistics();
  driver->reset();
  EXPECT_EQ(run(), first);
  EXPECT_EQ(driver->statistics().steps, statistics.steps);
}

TEST(ModelExchange, TimeEventsHappenAtTheirExactTimes) {
  auto driver = make_driver(TestFmu("stair").open());
  const PortLayout& ports = driver->ports();
  const std::size_t counter = port_index(ports.outputs, "counter");
  const std::size_t last_event = port_index(ports.outputs, "last_event_time");
  const std::size_t y = port_index(ports.outputs, "y");
  driver->initialize();
  const double period = 0.35;
  std::vector<double> outputs(ports.outputs.size());
  for (int k = 0; k < 30; ++k) {
    const double t_end = (k + 1) * 0.1;
    driver->step(k * 0.1, 0.1);
    driver->get_outputs(outputs.data());
    int expected = 0;
    while ((expected + 1) * period <= t_end)
      ++expected;
    ASSERT_EQ(outputs[counter], expected) << "t = " << t_end;
    EXPECT_EQ(outputs[y], expected);
    if (expected > 0) {
      EXPECT_EQ(outputs[last_event], expected * period);  // bit for bit
    }
  }
  EXPECT_EQ(driver->statistics().time_events, 8u);
}

TEST(ModelExchange, StepEventsAreHandledWhenTheFmuAsks) {
  DriverOptions options;
  options.solver = Solver::rk4;
  options.max_step = 0.05;
  options.parameters = {{"step_event_every", 3.0}};
  auto driver = make_driver(TestFmu("stair").open(), options);
  const PortLayout& ports = driver->ports();
  driver->initialize();
  for (int k = 0; k < 20; ++k)
    driver->step(k * 0.1, 0.1);
  std::vector<double> outputs(ports.outputs.size());
  driver->get_outputs(outputs.data());
  const double completed = outputs[port_index(ports.outputs, "completed_steps")];
  const double step_events = outputs[port_index(ports.outputs, "step_events")];
  EXPECT_EQ(completed, static_cast<double>(driver->statistics().steps));
  EXPECT_GE(completed, 40);
  EXPECT_EQ(step_events, std::floor(completed / 3));
  EXPECT_EQ(static_cast<double>(driver->statistics().step_events), step_events);
}

TEST(ModelExchange, ChangingADiscreteInputIsAnEvent) {
  DriverOptions options;
  options.parameters = {{"height", 2.0}};
  auto driver = make_driver(TestFmu("stair").open(), options);
  const PortLayout& ports = driver->ports();
  driver->initialize();
  std::vector<double> outputs(ports.outputs.size());
  const std::size_t y = port_index(ports.outputs, "y");
  double offset = 0;
  driver->set_inputs(&offset);
  driver->step(0, 0.1);
  offset = 5;
  driver->set_inputs(&offset);
  driver->get_outputs(outputs.data());
  EXPECT_EQ(outputs[y], 10.0);  // direct feedthrough, before the step
  driver->step(0.1, 0.3);
  driver->get_outputs(outputs.data());
  EXPECT_EQ(outputs[y], 12.0);
}

TEST(ModelExchange, AnErrorDuringInitialisationCarriesTheFmusMessage) {
  DriverOptions options;
  options.parameters = {{"period", -1.0}};
  auto driver = make_driver(TestFmu("stair").open(), options);
  EXPECT_ERROR_CONTAINING(driver->initialize(),
                          "fmi2ExitInitializationMode returned Error at t = 0 (the FMU logged: "
                          "period must be positive)");
}

TEST(ModelExchange, StartsAtTheGivenStartTime) {
  DriverOptions options;
  options.start_time = 1.0;
  auto driver = make_driver(TestFmu("stair").open(), options);
  driver->initialize();
  std::vector<double> outputs(driver->ports().outputs.size());
  driver->get_outputs(outputs.data());
  EXPECT_EQ(outputs[port_index(driver->ports().outputs, "counter")], 2.0);
  EXPECT_EQ(driver->time(), 1.0);
}

}  // namespace
}  // namespace twinloop::fmi
