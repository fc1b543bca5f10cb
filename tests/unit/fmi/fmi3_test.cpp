#include <cmath>

#include "test_support.hpp"
#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {
namespace {

using testing::port_index;
using testing::TestFmu;

class Fmi3Feedthrough : public ::testing::Test {
 protected:
  void start(DriverOptions options = {}) {
    driver_ = make_driver(fmu_.open(), options);
    inputs_.assign(driver_->ports().inputs.size(), 0.0);
    outputs_.assign(driver_->ports().outputs.size(), 0.0);
    driver_->initialize();
  }
  double& in(const std::string& name) { return inputs_[port_index(driver_->ports().inputs, name)]; }
  double out(const std::string& name) {
    return outputs_[port_index(driver_->ports().outputs, name)];
  }
  void exchange() {
    driver_->set_inputs(inputs_.data());
    driver_->step(time_, 0.01);
    time_ += 0.01;
    driver_->get_outputs(outputs_.data());
  }

  TestFmu fmu_{"feedthrough3"};
  std::unique_ptr<Driver> driver_;
  std::vector<double> inputs_;
  std::vector<double> outputs_;
  double time_ = 0;
};

TEST_F(Fmi3Feedthrough, PassesEveryValueTypeExactly) {
  start();
  const std::vector<std::pair<std::string, double>> values{{"f32", 1.5},
                                                           {"f64", -2.25},
                                                           {"i8", -100},
                                                           {"u8", 200},
                                                           {"i16", -30000},
                                                           {"u16", 60000},
                                                           {"i32", -123456},
                                                           {"u32", 4000000000.0},
                                                           {"i64", -9007199254740991.0},
                                                           {"u64", 9007199254740992.0},
                                                           {"bool", 1},
                                                           {"enum", 2}};
  for (const auto& [name, value] : values)
    in(name + "_in") = value;
  exchange();
  for (const auto& [name, value] : values)
    EXPECT_EQ(out(name + "_out"), value) << name;
}

TEST_F(Fmi3Feedthrough, ClampsToTheRangeOfEachType) {
  start();
  in("i8_in") = 1000;
  in("u8_in") = -5;
  in("u16_in") = 1e9;
  in("i64_in") = 1e30;
  in("u64_in") = NAN;
  in("f32_in") = 1e300;
  exchange();
  EXPECT_EQ(out("f32_out"), INFINITY);
  in("f32_in") = 0.1;
  exchange();
  EXPECT_EQ(out("i8_out"), 127);
  EXPECT_EQ(out("u8_out"), 0);
  EXPECT_EQ(out("u16_out"), 65535);
  EXPECT_EQ(out("i64_out"), 9223372036854775807.0);
  EXPECT_EQ(out("u64_out"), 0);
  EXPECT_EQ(out("f32_out"), static_cast<double>(0.1f));
}

TEST_F(Fmi3Feedthrough, ExchangesArraysElementByElement) {
  DriverOptions options;
  options.parameters = {{"scale", std::vector<double>{2, 3, 4}}};
  start(options);
  in("vec_in[1]") = 1;
  in("vec_in[2]") = 2;
  in("vec_in[3]") = 3;
  in("f64_in") = 0.5;
  exchange();
  EXPECT_EQ(out("vec_out[1]"), 2);
  EXPECT_EQ(out("vec_out[2]"), 6);
  EXPECT_EQ(out("vec_out[3]"), 12);
  EXPECT_EQ(out("matrix_out[1,1]"), 0.5);
  EXPECT_EQ(out("matrix_out[1,2]"), 1.0);
  EXPECT_EQ(out("matrix_out[2,1]"), 1.5);
  EXPECT_EQ(out("matrix_out[2,2]"), 2.0);
}

TEST_F(Fmi3Feedthrough, SetsStringAndBinaryParameters) {
  DriverOptions options;
  options.parameters = {{"label", "conveyor"}, {"blob", "0A0b0c"}};
  start(options);
  exchange();
  EXPECT_EQ(out("label_length"), 8);
  EXPECT_EQ(out("blob_size"), 3);
  EXPECT_EQ(out("blob_first"), 10);
}

TEST_F(Fmi3Feedthrough, RefusesBadArrayAndBinaryParameters) {
  const auto fmu = fmu_.open();
  DriverOptions options;
  options.parameters = {{"scale", std::vector<double>{1, 2}}};
  EXPECT_ERROR_CONTAINING(make_driver(fmu, options),
                          "parameter \"scale\": expected 3 values, got 2");
  options.parameters = {{"blob", "abc"}};
  EXPECT_ERROR_CONTAINING(make_driver(fmu, options), "needs an even number of hex digits");
  options.parameters = {{"blob", "zz"}};
  EXPECT_ERROR_CONTAINING(make_driver(fmu, options), "\"zz\" is not hexadecimal");
  options.parameters = {{"rows", 3.0}};
  EXPECT_ERROR_CONTAINING(make_driver(fmu, options), "its causality is structuralParameter");
}

TEST_F(Fmi3Feedthrough, TerminateSimulationEndsTheRunAtTheLastSuccessfulTime) {
  DriverOptions options;
  options.parameters = {{"terminate_at", 0.45}};
  std::vector<std::string> messages;
  options.log = [&](const LogMessage& message) { messages.emplace_back(message.message); };
  start(options);
  StepResult result;
  int steps = 0;
  for (double t = 0; !result.terminated; t += 0.1, ++steps)
    result = driver_->step(t, 0.1);
  EXPECT_EQ(steps, 5);
  EXPECT_EQ(result.time, 0.45);
  EXPECT_EQ(driver_->time(), 0.45);
  EXPECT_EQ(messages, std::vector<std::string>{"the scenario ends here"});
}

TEST(Fmi3ModelExchange, BouncingBallMatchesTheAnalyticAnswer) {
  DriverOptions options;
  options.tolerance = 1e-10;
  auto driver = make_driver(TestFmu("bouncing_ball3").open(), options);
  const PortLayout& ports = driver->ports();
  driver->initialize();
  const double g = 9.81;
  const double t1 = std::sqrt(2.0 / g);
  const double t2 = t1 + 2 * 0.7 * g * t1 / g;
  std::vector<double> outputs(ports.outputs.size());
  for (int k = 0; (k + 1) * 0.01 < t2; ++k) {
    const double t = k * 0.01;
    driver->step(t, 0.01);
    driver->get_outputs(outputs.data());
    const double time = t + 0.01;
    double expected = 1.0 - 0.5 * g * time * time;
    if (time >= t1) {
      const double since = time - t1;
      expected = 0.7 * g * t1 * since - 0.5 * g * since * since;
    }
    ASSERT_NEAR(outputs[port_index(ports.outputs, "h")], expected, 1e-8) << "t = " << time;
  }
  EXPECT_EQ(outputs[port_index(ports.outputs, "bounces")], 1);
  EXPECT_NEAR(outputs[port_index(ports.outputs, "last_impact")], t1, 1e-10);
  EXPECT_EQ(driver->statistics().state_events, 1u);
}

}  // namespace
}  // namespace twinloop::fmi
