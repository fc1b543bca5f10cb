#include <cmath>

#include "test_support.hpp"
#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {
namespace {

using testing::port_index;
using testing::TestFmu;

TEST(CoSimulation, FirstOrderLagFollowsTheAnalyticStepResponse) {
  const TestFmu pt1("pt1");
  DriverOptions options;
  options.parameters = {{"K", 2.0}, {"T", 0.5}};
  auto driver = make_driver(pt1.open(), options);
  driver->initialize();
  const double dt = 0.01;
  const double u = 1.0;
  double y = -1;
  driver->get_outputs(&y);
  EXPECT_EQ(y, 0.0);
  for (int k = 0; k < 300; ++k) {
    const double t = k * dt;
    driver->set_inputs(&u);
    const StepResult result = driver->step(t, dt);
    ASSERT_FALSE(result.terminated);
    driver->get_outputs(&y);
    const double expected = 2.0 * (1.0 - std::exp(-(t + dt) / 0.5));
    ASSERT_NEAR(y, expected, 1e-12) << "t = " << t + dt;
  }
  EXPECT_NEAR(driver->time(), 3.0, 1e-12);
}

TEST(CoSimulation, FeedthroughPassesEveryTypeExactly) {
  const TestFmu feedthrough("feedthrough");
  DriverOptions options;
  options.parameters = {{"gain", 1.0}, {"offset", 0.0}, {"invert", 0.0}, {"label", "twinloop"}};
  auto driver = make_driver(feedthrough.open(), options);
  const PortLayout& ports = driver->ports();
  driver->initialize();
  std::vector<double> inputs(ports.inputs.size());
  std::vector<double> outputs(ports.outputs.size());
  const double values[][4] = {
      {0.1, -7, 2, 1}, {-1e300, 2147483647, 3, 0}, {5e-324, -2147483648.0, 1, 1}};
  double t = 0;
  for (const auto& row : values) {
    inputs[port_index(ports.inputs, "real_in")] = row[0];
    inputs[port_index(ports.inputs, "int_in")] = row[1];
    inputs[port_index(ports.inputs, "enum_in")] = row[2];
    inputs[port_index(ports.inputs, "bool_in")] = row[3];
    driver->set_inputs(inputs.data());
    driver->step(t, 0.1);
    t += 0.1;
    driver->get_outputs(outputs.data());
    EXPECT_EQ(outputs[port_index(ports.outputs, "real_out")], row[0]);
    EXPECT_EQ(outputs[port_index(ports.outputs, "int_out")], row[1]);
    EXPECT_EQ(outputs[port_index(ports.outputs, "enum_out")], row[2]);
    EXPECT_EQ(outputs[port_index(ports.outputs, "bool_out")], row[3]);
    EXPECT_EQ(outputs[port_index(ports.outputs, "label_length")], 8.0);
  }
}

TEST(CoSimulation, ParametersOfEveryTypeReachTheFmu) {
  const TestFmu feedthrough("feedthrough");
  DriverOptions options;
  options.parameters = {{"gain", -2.5}, {"offset", 10.0}, {"invert", 1.0}, {"label", "abc"}};
  auto driver = make_driver(feedthrough.open(), options);
  const PortLayout& ports = driver->ports();
  std::vector<double> inputs(ports.inputs.size(), 0.0);
  inputs[port_index(ports.inputs, "real_in")] = 4.0;
  inputs[port_index(ports.inputs, "int_in")] = 5.0;
  inputs[port_index(ports.inputs, "enum_in")] = 1.0;
  driver->initialize(inputs.data());
  std::vector<double> outputs(ports.outputs.size());
  driver->get_outputs(outputs.data());
  EXPECT_EQ(outputs[port_index(ports.outputs, "real_out")], -10.0);
  EXPECT_EQ(outputs[port_index(ports.outputs, "int_out")], 15.0);
  EXPECT_EQ(outputs[port_index(ports.outputs, "bool_out")], 1.0);
  EXPECT_EQ(outputs[port_index(ports.outputs, "label_length")], 3.0);
}

TEST(CoSimulation, IntegerInputsAreRoundedAndClampedNotUndefined) {
  const TestFmu feedthrough("feedthrough");
  auto driver = make_driver(feedthrough.open());
  const PortLayout& ports = driver->ports();
  driver->initialize();
  std::vector<double> inputs(ports.inputs.size(), 0.0);
  std::vector<double> outputs(ports.outputs.size());
  const std::size_t in = port_index(ports.inputs, "int_in");
  const std::size_t out = port_index(ports.outputs, "int_out");
  const std::pair<double, double> cases[] = {
      {2.6, 3.0}, {-2.6, -3.0}, {1e20, 2147483647.0}, {-1e20, -2147483648.0}, {NAN, 0.0}};
  double t = 0;
  for (const auto& [given, expected] : cases) {
    inputs[in] = given;
    driver->set_inputs(inputs.data());
    driver->step(t, 0.1);
    t += 0.1;
    driver->get_outputs(outputs.data());
    EXPECT_EQ(outputs[out], expected) << "input " << given;
  }
}

TEST(CoSimulation, RefusesBadParameters) {
  const auto fmu = TestFmu("feedthrough").open();
  const auto refused = [&](const std::string& name, StartValue value, const std::string& message) {
    DriverOptions options;
    options.parameters = {{name, std::move(value)}};
    try {
      make_driver(fmu, options);
      ADD_FAILURE() << name << " was accepted";
    } catch (const core::Error& error) {
      EXPECT_EQ(error.kind(), core::ErrorKind::unprocessable);
      EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
      ASSERT_EQ(error.fields().size(), 1u);
      EXPECT_EQ(error.fields()[0].pointer, "/parameters/" + name);
    }
  };
  refused("nope", 1.0, "parameter \"nope\": the FMU \"Feedthrough\" has no variable of that name");
  refused("real_out", 1.0, "its causality is output; only parameters can be set");
  refused("gain", std::string("high"), "expected a number for this Float64 parameter");
  refused("gain", 1000.0, "1000 is above its maximum 100");
  refused("offset", 1.5, "Int32 takes whole numbers, got 1.5");
  refused("offset", -5000.0, "-5000 is below its minimum -1000");
  refused("invert", 2.0, "a Boolean takes 0 or 1, got 2");
  refused("label", 3.0, "expected a text value for this String parameter");
  refused("gain", std::vector<double>{1, 2}, "expected 1 values, got 2");
}

TEST(CoSimulation, RoutesTheFmusLogWithTheInstanceName) {
  std::vector<std::string> lines;
  DriverOptions options;
  options.instance_name = "press";
  options.parameters = {{"mode", 1.0}};
  options.log = [&](const LogMessage& message) {
    lines.push_back(std::string(message.instance) + "|" + std::string(to_string(message.status)) +
                    "|" + std::string(message.category) + "|" + std::string(message.message));
  };
  auto driver = make_driver(TestFmu("faulty").open(), options);
  driver->initialize();
  driver->step(0, 0.5);
  driver->step(0.5, 0.5);
  EXPECT_TRUE(lines.empty());
  driver->step(1.0, 0.5);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "press|Discard|logStatusDiscard|the end of the test track was reached");
}

TEST(CoSimulation, AsksForTheChosenLogCategories) {
  const auto fmu = TestFmu("pt1").open();
  EXPECT_EQ(fmu->description().log_categories,
            (std::vector<std::string>{"logEvents", "logStatusError"}));
  std::vector<std::string> messages;
  DriverOptions options;
  options.logging_on = true;
  options.log_categories = {"logStatusError", "logEvents"};
  options.log = [&](const LogMessage& message) { messages.emplace_back(message.message); };
  auto driver = make_driver(fmu, options);
  EXPECT_EQ(messages, std::vector<std::string>{"debug logging on: logStatusError logEvents"});
  options.log_categories = {"logEverything"};
  EXPECT_ERROR_CONTAINING(make_driver(fmu, options),
                          "log category \"logEverything\" is not one of the FMU's <LogCategories>");
}

TEST(CoSimulation, AnErrorFromDoStepCarriesTheFmusMessage) {
  DriverOptions options;
  options.instance_name = "drive";
  options.parameters = {{"fail_at", 0.25}};
  auto driver = make_driver(TestFmu("faulty").open(), options);
  driver->initialize();
  driver->step(0.0, 0.125);
  driver->step(0.125, 0.125);
  try {
    driver->step(0.25, 0.125);
    FAIL() << "the step should have failed";
  } catch (const FmuError& error) {
    EXPECT_EQ(error.function(), "fmi2DoStep");
    EXPECT_EQ(error.status(), Status::error);
    EXPECT_EQ(error.time(), 0.25);
    EXPECT_STREQ(
        error.what(),
        "FMU instance \"drive\": fmi2DoStep returned Error at t = 0.25 (the FMU logged: "
        "simulated failure: the shaft broke at t = 0.25 (fail_at, 100# sure, #x9# #r77#))");
  }
}

TEST(CoSimulation, DiscardWithTerminateEndsTheRunAtTheLastSuccessfulTime) {
  DriverOptions options;
  options.parameters = {{"mode", 1.0}, {"fail_at", 0.35}};
  auto driver = make_driver(TestFmu("faulty").open(), options);
  driver->initialize();
  StepResult result;
  int steps = 0;
  for (double t = 0; !result.terminated; t += 0.1, ++steps)
    result = driver->step(t, 0.1);
  EXPECT_EQ(steps, 4);
  EXPECT_EQ(result.time, 0.35);
  EXPECT_EQ(driver->time(), 0.35);
  double y = 0;
  driver->get_outputs(&y);
  EXPECT_EQ(y, 0.35);
  EXPECT_ERROR_CONTAINING(driver->step(0.4, 0.1), "after the FMU asked to terminate");
}

TEST(CoSimulation, DiscardWithoutTerminateIsAnError) {
  DriverOptions options;
  options.parameters = {{"mode", 2.0}};
  auto driver = make_driver(TestFmu("faulty").open(), options);
  driver->initialize();
  EXPECT_ERROR_CONTAINING(driver->step(0.0, 2.0),
                          "fmi2DoStep returned Discard at t = 0 after reaching only t = 1; "
                          "twinloop cannot repeat a step (the FMU logged: the end of the test "
                          "track was reached)");
}

TEST(CoSimulation, AnErrorDuringInitialisationCarriesTheFmusMessage) {
  DriverOptions options;
  options.parameters = {{"T", -1.0}};
  auto driver = make_driver(TestFmu("pt1").open(), options);
  EXPECT_ERROR_CONTAINING(driver->initialize(),
                          "fmi2ExitInitializationMode returned Error at t = 0 (the FMU logged: the "
                          "time constant T must be positive, got -1)");
}

TEST(CoSimulation, TunableParametersChangeBetweenSteps) {
  auto driver = make_driver(TestFmu("pt1").open());
  driver->set_parameter("T", 0.1);  // before initialisation: any parameter
  driver->initialize();
  const double u = 1.0;
  double y = 0;
  double t = 0;
  for (; t < 1.0 - 1e-9; t += 0.01) {
    driver->set_inputs(&u);
    driver->step(t, 0.01);
  }
  driver->get_outputs(&y);
  EXPECT_NEAR(y, 1.0, 1e-4);
  driver->set_parameter("K", 3.0);
  for (; t < 2.0 - 1e-9; t += 0.01) {
    driver->set_inputs(&u);
    driver->step(t, 0.01);
  }
  driver->get_outputs(&y);
  EXPECT_NEAR(y, 3.0, 1e-3);
  EXPECT_ERROR_CONTAINING(driver->set_parameter("T", 1.0),
                          "parameter \"T\": its variability is fixed; only tunable parameters "
                          "can change after initialisation");
  EXPECT_ERROR_CONTAINING(driver->set_parameter("K", std::string("x")), "expected a number");
}

TEST(CoSimulation, ResetStartsAnIdenticalRunWithTheSameParameters) {
  DriverOptions options;
  options.parameters = {{"K", 2.0}};
  auto driver = make_driver(TestFmu("pt1").open(), options);
  driver->set_parameter("T", 0.5);
  const auto run = [&] {
    driver->initialize();
    const double u = 1.0;
    std::vector<double> ys;
    for (int k = 0; k < 50; ++k) {
      driver->set_inputs(&u);
      driver->step(k * 0.01, 0.01);
      double y = 0;
      driver->get_outputs(&y);
      ys.push_back(y);
    }
    return ys;
  };
  const std::vector<double> first = run();
  driver->reset();
  EXPECT_EQ(run(), first);
  EXPECT_NEAR(first.back(), 2.0 * (1.0 - std::exp(-0.5 / 0.5)), 1e-12);
}

TEST(CoSimulation, RefusesCallsOutOfOrder) {
  auto driver = make_driver(TestFmu("pt1").open());
  const double u = 0;
  EXPECT_ERROR_CONTAINING(driver->step(0, 0.1), "step before the FMU instance was initialised");
  EXPECT_ERROR_CONTAINING(driver->set_inputs(&u), "set_inputs before");
  driver->initialize();
  EXPECT_ERROR_CONTAINING(driver->initialize(), "initialised already");
}

}  // namespace
}  // namespace twinloop::fmi
