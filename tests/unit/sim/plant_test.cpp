// The plant devices: sensors' switch points and hysteresis, analog scaling to the raw PLC
// range, operator devices (push button, emergency stop latch, lamp, selector switch) and the
// process units against their balances (tank mass balance, valve travel, heater's
// first-order thermal answer).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
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
using testing_support::single;
using testing_support::trace;

// The outputs named `signal` of a one-block model, its input `input` set to each value in
// turn, one step per value.
std::vector<double> respond(const Plan& plan, const std::string& input, const std::string& signal,
                            const std::vector<double>& values) {
  Rig rig(plan);
  std::vector<double> result;
  for (double value : values) {
    rig.set(input, value).step();
    result.push_back(rig[signal]);
  }
  return result;
}

// ---- declarations -----------------------------------------------------------------------

TEST(PlantDeclarations, EveryTypeIsDocumentedWithItsPorts) {
  struct Expected {
    const char* type;
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
  };
  const std::vector<Expected> expected{
      {"binary_sensor", {"value"}, {"signal"}},
      {"analog_sensor", {"value"}, {"raw", "scaled"}},
      {"push_button", {"press"}, {"signal"}},
      {"emergency_stop", {"press", "release"}, {"ok", "latched"}},
      {"lamp", {"on"}, {"lit"}},
      {"selector_switch", {"position"}, {"p0", "p1", "p2"}},
      {"tank", {"inflow", "outflow"}, {"level", "volume", "overflow", "empty", "overflowed"}},
      {"valve", {"command"}, {"opening", "flow", "is_open", "is_closed"}},
      {"heater", {"power"}, {"temperature"}},
  };
  for (const auto& type : expected) {
    const auto* info = registry().find(type.type);
    ASSERT_NE(info, nullptr) << type.type;
    EXPECT_EQ(info->category, "devices") << type.type;
    EXPECT_FALSE(info->description.empty()) << type.type;
    for (const auto& parameter : info->parameters)
      EXPECT_FALSE(parameter.description.empty()) << type.type << "." << parameter.name;
    const auto ports = info->ports(info->default_parameters());
    std::vector<std::string> inputs, outputs;
    for (const auto& port : ports.inputs) {
      inputs.push_back(port.name);
      EXPECT_FALSE(port.description.empty()) << type.type << "." << port.name;
    }
    for (const auto& port : ports.outputs) {
      outputs.push_back(port.name);
      EXPECT_FALSE(port.description.empty()) << type.type << "." << port.name;
    }
    EXPECT_EQ(inputs, type.inputs) << type.type;
    EXPECT_EQ(outputs, type.outputs) << type.type;
  }
  const auto* tank = registry().find("tank");
  const auto tank_ports = tank->ports(tank->default_parameters());
  EXPECT_EQ(tank_ports.inputs[0].unit, "m³/s");
  EXPECT_FALSE(tank_ports.inputs[0].feedthrough);
  EXPECT_EQ(tank_ports.outputs[0].unit, "m");
  const auto* analog = registry().find("analog_sensor");
  const auto analog_ports = analog->ports(analog->default_parameters());
  EXPECT_EQ(analog_ports.outputs[0].data_type, core::SignalType::integer);
  EXPECT_EQ(analog_ports.outputs[1].data_type, core::SignalType::real);
  EXPECT_EQ(registry().find("heater")->find_parameter("heat_capacity")->unit, "J/K");
}

TEST(PlantDeclarations, BadParametersAreRefused) {
  EXPECT_TRUE(refused("binary_sensor", {{"hysteresis", -0.1}}));
  EXPECT_TRUE(refused("binary_sensor", {{"direction", "sideways"}}));
  EXPECT_TRUE(refused("analog_sensor", {{"raw_max", 4294967296LL}}));
  EXPECT_TRUE(refused("analog_sensor", {{"raw_min", 0.5}}));
  EXPECT_TRUE(refused("push_button", {{"mode", "sticky"}}));
  EXPECT_TRUE(refused("lamp", {{"blink", -1.0}}));
  EXPECT_TRUE(refused("lamp", {{"blink", 0.0001}}));
  EXPECT_TRUE(refused("lamp", {{"blink", 2e6}}));
  EXPECT_TRUE(refused("selector_switch", {{"positions", 1}}));
  EXPECT_TRUE(refused("selector_switch", {{"positions", 17}}));
  EXPECT_TRUE(refused("tank", {{"area", 0.0}}));
  EXPECT_TRUE(refused("tank", {{"height", -1.0}}));
  EXPECT_TRUE(refused("tank", {{"initial_level", -0.1}}));
  EXPECT_TRUE(refused("valve", {{"travel_time", -1.0}}));
  EXPECT_TRUE(refused("valve", {{"max_flow", 0.0}}));
  EXPECT_TRUE(refused("heater", {{"heat_capacity", 0.0}}));
  EXPECT_TRUE(refused("heater", {{"loss_coefficient", -1.0}}));
}

// ---- binary_sensor ----------------------------------------------------------------------

TEST(BinarySensor, SwitchesAtTheSwitchPointAndReleasesBelowTheHysteresis) {
  const auto plan = single("binary_sensor", {{"switch_point", 0.5}, {"hysteresis", 0.1}});
  const std::vector<double> values{0.0, 0.49, 0.5, 0.6, 0.45, 0.4, 0.39, 0.45, 0.5, 0.41};
  EXPECT_EQ(respond(plan, "b.value", "b.signal", values),
            (std::vector<double>{0, 0, 1, 1, 1, 1, 0, 0, 1, 1}));
  // NaN keeps the state.
  EXPECT_EQ(respond(plan, "b.value", "b.signal", {0.7, std::nan(""), 0.0, std::nan("")}),
            (std::vector<double>{1, 1, 0, 0}));
}

TEST(BinarySensor, BelowDirectionAndInvert) {
  const auto below = single(
      "binary_sensor",
      {{"switch_point", 0.2}, {"hysteresis", 0.05}, {"direction", "below"}, {"invert", true}});
  // Detects at <= 0.2, stops at > 0.25; invert: the signal is TRUE while not detecting.
  EXPECT_EQ(respond(below, "b.value", "b.signal", {1.0, 0.21, 0.2, 0.24, 0.26, 0.1}),
            (std::vector<double>{1, 1, 0, 0, 1, 0}));
}

TEST(BinarySensor, SeesACylinderReachAPositionInTheSameStep) {
  // A limit switch at 0.05 m on a cylinder of 0.1 m in 1 s (dt 10 ms): on from step 50.
  const auto plan = ModelBuilder()
                        .add("switch", "binary_sensor", {{"switch_point", 0.05}})
                        .add("cyl", "cylinder")
                        .connect("cyl.position", "switch.value")
                        .compile(0.01);
  Rig rig(plan);
  rig.set("cyl.extend", true);
  for (int k = 0; k < 60; ++k) {
    rig.step();
    ASSERT_EQ(rig.on("switch.signal"), k >= 50) << k;
  }
}

// ---- analog_sensor ----------------------------------------------------------------------

TEST(AnalogSensor, ScalesToTheS7NominalRange) {
  // 0..100 -> 0..27648 (the default).
  const auto plan = single("analog_sensor");
  EXPECT_EQ(respond(plan, "b.value", "b.raw", {0.0, 50.0, 100.0, 25.0, 120.0, -10.0, 1e-3}),
            (std::vector<double>{0, 13824, 27648, 6912, 27648, 0, 0}));
  EXPECT_EQ(respond(plan, "b.value", "b.scaled", {120.0, -10.0, 42.5}),
            (std::vector<double>{100, 0, 42.5}));
}

TEST(AnalogSensor, RoundsHalvesAwayFromZeroAndExtendsWhenNotClamped) {
  const auto full = single("analog_sensor", {{"raw_max", 65535}});
  EXPECT_EQ(respond(full, "b.value", "b.raw", {50.0}), (std::vector<double>{32768}));
  const auto open =
      single("analog_sensor",
             {{"clamp", false}, {"range_min", 4.0}, {"range_max", 20.0}});  // a 4..20 mA loop
  EXPECT_EQ(respond(open, "b.value", "b.raw", {4.0, 20.0, 12.0, 22.0, 0.0}),
            (std::vector<double>{0, 27648, 13824, 31104, -6912}));
  EXPECT_EQ(respond(open, "b.value", "b.scaled", {22.0}), (std::vector<double>{22.0}));
  // Reversed ranges scale the other way.
  const auto reversed = single("analog_sensor", {{"range_min", 100.0}, {"range_max", 0.0}});
  EXPECT_EQ(respond(reversed, "b.value", "b.raw", {25.0}), (std::vector<double>{20736}));
}

TEST(AnalogSensor, DegenerateInputsGiveDefinedRawValues) {
  const auto open = single("analog_sensor", {{"clamp", false}});
  EXPECT_EQ(respond(open, "b.value", "b.raw", {1e300, -1e300, std::nan("")}),
            (std::vector<double>{2147483647.0, -2147483648.0, 0.0}));
  EXPECT_TRUE(std::isnan(respond(open, "b.value", "b.scaled", {std::nan("")})[0]));
  const auto flat =
      single("analog_sensor", {{"range_min", 5.0}, {"range_max", 5.0}, {"raw_min", 100}});
  EXPECT_EQ(respond(flat, "b.value", "b.raw", {5.0, 7.0}), (std::vector<double>{100, 100}));
}

// ---- operator devices -------------------------------------------------------------------

TEST(PushButton, MomentaryToggleAndNormallyClosed) {
  const std::vector<double> presses{0, 1, 1, 0, 1, 0, 0, 1};
  EXPECT_EQ(respond(single("push_button"), "b.press", "b.signal", presses), presses);
  EXPECT_EQ(respond(single("push_button", {{"mode", "toggle"}}), "b.press", "b.signal", presses),
            (std::vector<double>{0, 1, 1, 1, 0, 0, 0, 1}));
  EXPECT_EQ(
      respond(single("push_button", {{"normally_closed", true}}), "b.press", "b.signal", presses),
      (std::vector<double>{1, 0, 0, 1, 0, 1, 1, 0}));
  // Toggle: TRUE in the first step is a rising edge.
  EXPECT_EQ(respond(single("push_button", {{"mode", "toggle"}}), "b.press", "b.signal", {1, 0}),
            (std::vector<double>{1, 1}));
}

TEST(EmergencyStop, LatchesUntilReleasedWhileNotPressed) {
  Rig rig(single("emergency_stop"));
  rig.step();
  EXPECT_TRUE(rig.on("b.ok"));
  EXPECT_FALSE(rig.on("b.latched"));
  rig.set("b.press", true).step();  // hit: latched in the same step
  EXPECT_FALSE(rig.on("b.ok"));
  rig.set("b.press", false).steps(10);  // the finger is gone: still latched
  EXPECT_FALSE(rig.on("b.ok"));
  EXPECT_TRUE(rig.on("b.latched"));
  rig.set("b.press", true).set("b.release", true).step();  // release while pressed: ignored
  EXPECT_FALSE(rig.on("b.ok"));
  rig.set("b.press", false).step();  // released: the circuit closes
  EXPECT_TRUE(rig.on("b.ok"));
  rig.set("b.release", false).steps(5);
  EXPECT_TRUE(rig.on("b.ok"));
}

TEST(EmergencyStop, StopsADriveThroughPlcLogic) {
  // drive.forward := run AND estop.ok; the e-stop is hit at step 20 and released at 40.
  const auto plan = ModelBuilder()
                        .add("estop", "emergency_stop")
                        .add("run", "push_button", {{"mode", "toggle"}})
                        .add("permit", "and")
                        .add("m", "drive", {{"speed", 1.0}})
                        .connect("run.signal", "permit.IN1")
                        .connect("estop.ok", "permit.IN2")
                        .connect("permit.OUT", "m.forward")
                        .compile(0.1);
  Rig rig(plan);
  rig.set("run.press", true).steps(20);
  EXPECT_TRUE(rig.on("m.running"));
  rig.set("estop.press", true).step();
  rig.set("estop.press", false).steps(19);
  EXPECT_FALSE(rig.on("m.running"));
  const double stopped_at = rig["m.position"];
  rig.steps(5);
  EXPECT_EQ(rig["m.position"], stopped_at);
}

TEST(Lamp, SteadyAndBlinkingFromTheSimulationTime) {
  // 2 Hz: lit for 0.25 s of every 0.5 s while on; dt 50 ms gives 5 steps lit, 5 dark.
  const auto plan = single("lamp", {{"blink", 2.0}}, 0.05);
  std::vector<double> on(24, 1.0);
  on[20] = on[21] = 0.0;
  const auto lit = respond(plan, "b.on", "b.lit", on);
  for (int k = 0; k < 24; ++k) {
    const bool expected = on[k] != 0.0 && (k / 5) % 2 == 0;
    EXPECT_EQ(lit[k], expected ? 1.0 : 0.0) << k;
  }
  EXPECT_EQ(respond(single("lamp"), "b.on", "b.lit", {0, 1, 1, 0}),
            (std::vector<double>{0, 1, 1, 0}));
}

TEST(SelectorSwitch, OneContactPerPosition) {
  const auto plan = single("selector_switch", {{"positions", 4}});
  Rig rig(plan);
  const auto contacts = [&] {
    std::string text;
    for (int i = 0; i < 4; ++i)
      text += rig.on("b.p" + std::to_string(i)) ? '1' : '0';
    return text;
  };
  const std::vector<std::pair<double, std::string>> cases{{0, "1000"}, {2, "0010"},  {3, "0001"},
                                                          {7, "0001"}, {-1, "1000"}, {1, "0100"}};
  for (const auto& [position, expected] : cases) {
    rig.set("b.position", position).step();
    EXPECT_EQ(contacts(), expected) << position;
  }
  EXPECT_EQ(registry().find("selector_switch")->ports(json{{"positions", 16}}).outputs.size(), 16u);
}

// ---- tank -------------------------------------------------------------------------------

TEST(Tank, LevelFollowsTheMassBalance) {
  // area 2 m², inflow 0.1 m³/s, outflow 0.04 m³/s: dlevel/dt = 0.03 m/s, exact per step.
  const double dt = 0.1;
  Rig rig(single("tank", {{"area", 2.0}, {"height", 1.5}}, dt));
  rig.set("b.inflow", 0.1).set("b.outflow", 0.04);
  for (int k = 0; k < 500; ++k) {
    rig.step();
    const double expected = std::min(0.03 * k * dt, 1.5);
    ASSERT_NEAR(rig["b.level"], expected, 1e-12) << k;
    ASSERT_NEAR(rig["b.volume"], 2.0 * expected, 1e-12) << k;
    ASSERT_EQ(rig.on("b.empty"), k == 0) << k;
    // Full after 50 s = step 500 would be the first overflow; not yet.
    ASSERT_FALSE(rig.on("b.overflow")) << k;
  }
  // From 50 s on the surplus 0.06 m³/s goes over the brim.
  rig.steps(101);
  EXPECT_EQ(rig["b.level"], 1.5);
  EXPECT_TRUE(rig.on("b.overflow"));
  EXPECT_NEAR(rig["b.overflowed"], 0.06 * 10.0, 1e-9);
}

TEST(Tank, DrainsToEmptyAndIgnoresNegativeFlows) {
  Rig rig(single("tank", {{"initial_level", 0.5}}, 1.0));
  rig.set("b.outflow", 0.1).step();
  EXPECT_EQ(rig["b.level"], 0.5);
  rig.steps(5);
  EXPECT_NEAR(rig["b.level"], 0.0, 1e-12);
  rig.steps(10);
  EXPECT_EQ(rig["b.level"], 0.0);  // never below the bottom
  EXPECT_TRUE(rig.on("b.empty"));
  rig.set("b.outflow", -1.0).set("b.inflow", -1.0).steps(3);  // negative counts as 0
  EXPECT_EQ(rig["b.level"], 0.0);
  // initial_level above the brim starts full.
  Rig full(single("tank", {{"initial_level", 9.0}}));
  full.step();
  EXPECT_EQ(full["b.level"], 2.0);
}

TEST(Tank, FedThroughAValve) {
  // A valve (travel 1 s, 0.02 m³/s open) filling a tank of area 1: while the valve opens the
  // level grows with the integral of the opening, afterwards by 0.02 m/s.
  const double dt = 0.01;
  const auto plan = ModelBuilder()
                        .add("v", "valve", {{"travel_time", 1.0}, {"max_flow", 0.02}})
                        .add("t", "tank")
                        .connect("v.flow", "t.inflow")
                        .compile(dt);
  Rig rig(plan);
  rig.set("v.command", 1.0).steps(301);
  // Opening at step k: 0.01 k up to 1 at step 100. The tank at step 301 has summed the
  // flows of steps 0..299: 0.02 * dt * (sum of 0.01 k for k < 100 + 200) = 0.0499.
  double expected = 0.0;
  for (int k = 0; k < 300; ++k)
    expected += 0.02 * std::min(0.01 * k, 1.0) * dt;
  EXPECT_NEAR(rig["t.level"], expected, 1e-12);
  EXPECT_NEAR(expected, 0.0499, 1e-12);
}

// ---- valve ------------------------------------------------------------------------------

TEST(Valve, TravelsAtItsStrokeSpeedToTheCommand) {
  // travel 2 s at dt 0.1 s: 0.05 per step towards 0.8, then back to 0.
  Rig rig(single("valve", {{"travel_time", 2.0}, {"max_flow", 0.5}}, 0.1));
  rig.set("b.command", 0.8);
  for (int k = 0; k <= 20; ++k) {
    rig.step();
    const double opening = std::min(0.05 * k, 0.8);
    ASSERT_NEAR(rig["b.opening"], opening, 1e-12) << k;
    ASSERT_NEAR(rig["b.flow"], 0.5 * opening, 1e-12) << k;
    ASSERT_EQ(rig.on("b.is_closed"), k == 0) << k;
    ASSERT_FALSE(rig.on("b.is_open")) << k;
  }
  rig.set("b.command", 5.0).steps(6);  // limited to 1
  EXPECT_EQ(rig["b.opening"], 1.0);
  EXPECT_TRUE(rig.on("b.is_open"));
  rig.set("b.command", std::nan("")).steps(21);  // NaN closes
  EXPECT_EQ(rig["b.opening"], 0.0);
  EXPECT_TRUE(rig.on("b.is_closed"));
}

TEST(Valve, ZeroTravelTimeFollowsInOneStep) {
  Rig rig(single("valve", {{"travel_time", 0.0}}));
  rig.set("b.command", 0.3).steps(2);
  EXPECT_EQ(rig["b.opening"], 0.3);
}

// ---- heater -----------------------------------------------------------------------------

TEST(Heater, FollowsTheFirstOrderThermalAnswer) {
  // C = 1000 J/K, h = 10 W/K, 500 W from 20 °C at 20 °C ambient: T(t) = 70 - 50 e^(-t/100 s),
  // exact for the held power (rounding only: 1e-9 K over 10000 steps).
  const double dt = 0.5;
  Rig rig(single("heater", {{"heat_capacity", 1000.0}, {"loss_coefficient", 10.0}}, dt));
  rig.set("b.power", 500.0);
  for (int k = 0; k < 10000; ++k) {
    rig.step();
    ASSERT_NEAR(rig["b.temperature"], 70.0 - 50.0 * std::exp(-k * dt / 100.0), 1e-9) << k;
  }
  // Power off: it cools back towards ambient with the same time constant.
  rig.set("b.power", 0.0).step();
  const double hot = rig["b.temperature"];
  rig.steps(200);  // 100 s
  EXPECT_NEAR(rig["b.temperature"] - 20.0, (hot - 20.0) * std::exp(-1.0), 1e-9);
}

TEST(Heater, InsulatedHeatsLinearlyAndNegativePowerIsZero) {
  Rig rig(single("heater",
                 {{"heat_capacity", 4186.0}, {"loss_coefficient", 0.0}, {"initial", 15.0}}, 1.0));
  rig.set("b.power", 4186.0).steps(11);
  EXPECT_NEAR(rig["b.temperature"], 25.0, 1e-12);  // 1 K per second
  rig.set("b.power", -1000.0).steps(5);
  EXPECT_NEAR(rig["b.temperature"], 26.0, 1e-12);  // one more update at full power, then none
}

}  // namespace
}  // namespace twinloop::sim
