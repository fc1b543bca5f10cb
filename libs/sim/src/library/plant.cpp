// Plant devices, with the signals a PLC sees: sensors (binary_sensor, analog_sensor),
// operator devices (push_button, emergency_stop, lamp, selector_switch) and process units
// (tank, valve, heater). Reference: docs/components.md, section "Plant".
//
// Every signal is a double: a bool input counts as TRUE when it is not 0, a bool output is 0
// or 1 and an int output an integral double.
//
// Sensors and operator devices answer within the step, like a wired contact: their inputs
// have feedthrough. Those with memory (hysteresis, toggle, latch) run one `evaluate` function
// in both kernels on the same inputs and stored state, so the update kernel stores exactly
// the state behind the outputs recorded in that step. Process units (tank, valve, heater)
// output their state; their inputs have no feedthrough and their update kernels integrate
// exactly for inputs held constant over the step.
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "declare.hpp"
#include "library.hpp"

namespace twinloop::sim::library {

namespace {

constexpr const char* category = "devices";

// ---------------------------------------------------------------------------------------
// Declarations

PortSpec port(std::string name, SignalType type, std::string unit, bool feedthrough,
              std::string description) {
  return PortSpec{std::move(name), type, std::move(unit), 0.0, feedthrough, std::move(description)};
}

PortSpec bool_output(std::string name, std::string description) {
  return port(std::move(name), SignalType::boolean, "", false, std::move(description));
}

PortSpec real_output(std::string name, std::string unit, std::string description) {
  return port(std::move(name), SignalType::real, std::move(unit), false, std::move(description));
}

// The raw values of an analog input card: a 32-bit integer.
constexpr double raw_lowest = -2147483648.0;
constexpr double raw_highest = 2147483647.0;

constexpr std::int64_t min_positions = 2;
constexpr std::int64_t max_positions = 16;

// Blink frequencies: 0 (steady) or 0.001 Hz to 1 MHz, so half a period is 500 ns to 500 s.
constexpr double min_blink_hz = 0.001;
constexpr double max_blink_hz = 1e6;

ComponentTypeInfo binary_sensor() {
  return ComponentTypeInfo{
      "binary_sensor",
      category,
      "A switching sensor (limit switch, level switch, light barrier) watching a position or "
      "level. direction \"above\": the sensor detects when value >= switch_point and stops "
      "detecting when value < switch_point - hysteresis; \"below\": it detects when value <= "
      "switch_point and stops when value > switch_point + hysteresis. In between (and for a NaN "
      "value) it keeps its state, which starts not detecting. signal = detecting XOR invert.",
      {real_parameter("switch_point", 0.5, "", "The value at which the sensor starts detecting."),
       real_parameter("hysteresis", 0.0, "",
                      "How far the value must go back past switch_point before the sensor stops "
                      "detecting; 0: it stops as soon as the condition is false.",
                      0.0),
       choice_parameter("direction", "above", "below",
                        "\"above\": detects values at or above switch_point; \"below\": at or "
                        "below."),
       bool_parameter("invert", false,
                      "TRUE: the signal is TRUE while the sensor does not detect (a normally "
                      "closed contact).")},
      [](const json&) {
        return Ports{{port("value", SignalType::real, "", true,
                           "The watched quantity (a position or a level).")},
                     {bool_output("signal", "detecting XOR invert.")}};
      }};
}

ComponentTypeInfo analog_sensor() {
  return ComponentTypeInfo{
      "analog_sensor",
      category,
      "An analog transmitter and input card: maps the physical range [range_min, range_max] "
      "linearly onto the raw range [raw_min, raw_max]. scaled is the value, limited to the "
      "physical range when clamp is TRUE; raw = round(raw_min + (scaled - range_min) * "
      "(raw_max - raw_min) / (range_max - range_min)), halves away from zero, limited to the "
      "32-bit integer range. With range_min = range_max, raw is raw_min. A NaN value gives "
      "scaled NaN and raw = raw_min.",
      {real_parameter("range_min", 0.0, "", "The physical value that reads as raw_min."),
       real_parameter("range_max", 100.0, "", "The physical value that reads as raw_max."),
       parameter("raw_min", ParameterType::integer, 0, "", "The raw value at range_min.",
                 raw_lowest, raw_highest),
       parameter("raw_max", ParameterType::integer, 27648, "",
                 "The raw value at range_max: 27648 for Siemens S7 analog inputs (the nominal "
                 "range), 65535 for a full 16-bit scale.",
                 raw_lowest, raw_highest),
       bool_parameter("clamp", true,
                      "TRUE: values outside the physical range read as its nearest end; FALSE: "
                      "the scale extends linearly beyond it.")},
      [](const json&) {
        return Ports{{port("value", SignalType::real, "", true, "The measured quantity.")},
                     {port("raw", SignalType::integer, "", false,
                           "The integer the PLC reads from the input card."),
                      real_output("scaled", "", "The measured value, clamped if `clamp`.")}};
      }};
}

ComponentTypeInfo push_button() {
  return ComponentTypeInfo{
      "push_button",
      category,
      "A push button. \"momentary\": the contact is actuated while press is TRUE; \"toggle\": "
      "each rising edge of press flips the contact (press TRUE in the first step counts as a "
      "rising edge; the contact starts not actuated). signal = actuated XOR normally_closed.",
      {choice_parameter("mode", "momentary", "toggle",
                        "\"momentary\" (spring return) or \"toggle\" (push on, push off)."),
       bool_parameter("normally_closed", false,
                      "TRUE: an NC contact, signal TRUE while not actuated.")},
      [](const json&) {
        return Ports{{port("press", SignalType::boolean, "", true,
                           "The operator's finger (from the HMI, a test or an override).")},
                     {bool_output("signal", "The contact as the PLC reads it.")}};
      }};
}

ComponentTypeInfo emergency_stop() {
  return ComponentTypeInfo{
      "emergency_stop",
      category,
      "An emergency stop mushroom button with an NC safety contact. Pressing it latches it; "
      "only release while it is not pressed unlatches it: latched := press OR (latched AND "
      "NOT release), starting FALSE. ok = NOT latched (the safety circuit is closed).",
      {},
      [](const json&) {
        return Ports{{port("press", SignalType::boolean, "", true, "Hitting the mushroom."),
                      port("release", SignalType::boolean, "", true,
                           "Pulling (or turning) the mushroom back out; ignored while pressed.")},
                     {bool_output("ok", "TRUE while not latched: the NC circuit is closed."),
                      bool_output("latched", "TRUE while the button is latched down.")}};
      }};
}

ComponentTypeInfo lamp() {
  ParameterSpec blink = real_parameter(
      "blink", 0.0, "Hz", "0: steady light. Otherwise the blink frequency f, 0.001 Hz to 1 MHz.",
      0.0, max_blink_hz);
  blink.check = [](const json& value) -> std::optional<std::string> {
    const double frequency = value.get<double>();
    if (frequency == 0.0 || frequency >= min_blink_hz) return std::nullopt;
    return "must be 0 (steady) or at least 0.001 Hz";
  };
  return ComponentTypeInfo{
      "lamp",
      category,
      "An indicator lamp. With blink = 0, lit = on. With blink = f > 0, the light follows the "
      "simulation time: with half a period h = 1/(2f) rounded to the nearest nanosecond, lit = "
      "on AND floor(t / h) is even, so it is lit during [n/f, n/f + h) whenever on is TRUE.",
      {blink},
      [](const json&) {
        return Ports{{port("on", SignalType::boolean, "", true, "The PLC's output to the lamp.")},
                     {bool_output("lit", "Whether the lamp shines in this step.")}};
      }};
}

ComponentTypeInfo selector_switch() {
  return ComponentTypeInfo{
      "selector_switch",
      category,
      "A rotary selector switch with n positions and one contact per position: p_i is TRUE "
      "exactly when i = the position, rounded to the nearest integer (halves away from zero) "
      "and limited to 0..n-1; NaN counts as 0.",
      {parameter("positions", ParameterType::integer, 3, "",
                 "The number of positions n (2 to 16); the outputs are p0..p{n-1}.",
                 static_cast<double>(min_positions), static_cast<double>(max_positions))},
      [](const json& parameters) {
        const auto count = parameters.at("positions").get<std::int64_t>();
        Ports ports;
        ports.inputs.push_back(port("position", SignalType::integer, "", true,
                                    "The selected position, 0 to n-1 (from the HMI, a test or "
                                    "an override)."));
        for (std::int64_t i = 0; i < count; ++i) {
          ports.outputs.push_back(
              bool_output("p" + std::to_string(i), "TRUE while the switch is in this position."));
        }
        return ports;
      }};
}

ComponentTypeInfo tank() {
  return ComponentTypeInfo{
      "tank",
      category,
      "An open tank with vertical walls. For inflow q_in and demanded outflow q_out held over "
      "a step (each negative value counts as 0), level := level + (q_in - q_out) * dt / area, "
      "limited to [0, height]: the outflow actually leaving is limited by what is in the tank, "
      "and what would rise above height is lost over the brim. This is exact for flows "
      "constant over the step. The outputs show the state at t; the level starts at "
      "min(initial_level, height).",
      {positive_parameter("area", 1.0, "m²", "The cross-section area, > 0."),
       positive_parameter("height", 2.0, "m", "The height of the brim, > 0."),
       real_parameter("initial_level", 0.0, "m",
                      "The level at t = 0; a value above height starts full.", 0.0)},
      [](const json&) {
        return Ports{
            {port("inflow", SignalType::real, "m³/s", false, "The flow into the tank, >= 0."),
             port("outflow", SignalType::real, "m³/s", false,
                  "The flow demanded out of the tank (a pump or an open valve), >= 0.")},
            {real_output("level", "m", "The liquid level, 0 to height."),
             real_output("volume", "m³", "level * area."),
             bool_output("overflow", "TRUE when liquid went over the brim in the last step."),
             bool_output("empty", "TRUE when the level is 0."),
             real_output("overflowed", "m³", "The total volume lost over the brim since t = 0.")}};
      }};
}

ComponentTypeInfo valve() {
  return ComponentTypeInfo{
      "valve",
      category,
      "A control (or on/off) valve with an actuator of finite speed. The opening starts at 0 "
      "(closed) and moves toward the command, limited to [0, 1] (NaN counts as 0), at 1 / "
      "travel_time per second; travel_time = 0 follows the command in one step. flow = "
      "opening * max_flow. The outputs show the state at t.",
      {real_parameter("travel_time", 10.0, "s",
                      "The time for a full stroke from closed to open; 0: instantaneous.", 0.0),
       positive_parameter("max_flow", 0.01, "m³/s", "The flow when fully open, > 0.")},
      [](const json&) {
        return Ports{{port("command", SignalType::real, "", false,
                           "The commanded opening, 0 (closed) to 1 (open); an on/off valve is "
                           "driven with 0 or 1.")},
                     {real_output("opening", "", "The actual opening, 0 to 1."),
                      real_output("flow", "m³/s", "opening * max_flow."),
                      bool_output("is_open", "Limit switch: opening >= 0.999."),
                      bool_output("is_closed", "Limit switch: opening <= 0.001.")}};
      }};
}

ComponentTypeInfo heater() {
  return ComponentTypeInfo{
      "heater",
      category,
      "A heated thermal mass losing heat to its surroundings: heat_capacity * dT/dt = power - "
      "loss_coefficient * (T - ambient). Discretised exactly for the power held over each "
      "step (negative power counts as 0): with h = loss_coefficient > 0, T tends to ambient + "
      "power / h with time constant heat_capacity / h; with h = 0, T rises by power * dt / "
      "heat_capacity per step. The output shows the state at t.",
      {positive_parameter("heat_capacity", 4186.0, "J/K",
                          "The heat capacity of the mass (mass times specific heat), > 0."),
       real_parameter("loss_coefficient", 10.0, "W/K",
                      "The heat lost per kelvin above ambient, >= 0; 0: perfect insulation.", 0.0),
       real_parameter("ambient", 20.0, "°C", "The temperature of the surroundings."),
       real_parameter("initial", 20.0, "°C", "The temperature at t = 0.")},
      [](const json&) {
        return Ports{{port("power", SignalType::real, "W", false, "The heating power, >= 0.")},
                     {real_output("temperature", "°C", "The temperature of the mass.")}};
      }};
}

// ---------------------------------------------------------------------------------------
// Kernels

double flag(const json& parameters, const char* name) {
  return signal_of(parameters.at(name).get<bool>());
}

bool is_word(const json& parameters, const char* name, const char* word) {
  return parameters.at(name).get_ref<const std::string&>() == word;
}

// A block's step as one function: from the inputs at t and the stored state, the outputs
// (into `outputs`) and the state after the step (into `next`). `next` must not alias the
// stored state.
using Evaluate = void (*)(const BlockCall& call, double* next, double* outputs);

template <std::size_t StateSize, Evaluate evaluate>
void evaluate_outputs(const BlockCall& call) {
  std::array<double, StateSize> next{};
  evaluate(call, next.data(), call.outputs);
}

template <std::size_t StateSize, std::size_t OutputCount, Evaluate evaluate>
void evaluate_state(const BlockCall& call) {
  std::array<double, StateSize> next{};
  std::array<double, OutputCount> outputs{};
  evaluate(call, next.data(), outputs.data());
  for (std::size_t i = 0; i < StateSize; ++i)
    call.state[i] = next[i];
}

template <std::size_t StateSize, std::size_t OutputCount, Evaluate evaluate>
BlockBehaviour with_memory(SetupFunction setup) {
  return BlockBehaviour{setup, evaluate_outputs<StateSize, evaluate>,
                        evaluate_state<StateSize, OutputCount, evaluate>};
}

// ---- binary_sensor: parameters [switch_point, hysteresis, +1 above / -1 below, invert];
// state [detecting].

BlockSetup binary_sensor_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{
      {number(parameters, "switch_point"), number(parameters, "hysteresis"),
       is_word(parameters, "direction", "above") ? 1.0 : -1.0, flag(parameters, "invert")},
      {0.0}};
}

void evaluate_binary_sensor(const BlockCall& call, double* next, double* outputs) {
  const double value = call.input(0);
  const double switch_point = call.parameters[0];
  const double hysteresis = call.parameters[1];
  bool detecting = is_true(call.state[0]);
  if (call.parameters[2] > 0.0) {
    if (value >= switch_point) {
      detecting = true;
    } else if (value < switch_point - hysteresis) {
      detecting = false;
    }
  } else {
    if (value <= switch_point) {
      detecting = true;
    } else if (value > switch_point + hysteresis) {
      detecting = false;
    }
  }
  next[0] = signal_of(detecting);
  outputs[0] = signal_of(detecting != is_true(call.parameters[3]));
}

// ---- analog_sensor: parameters [range_min, range_max, raw_min, raw_max, clamp].

BlockSetup analog_sensor_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{
      {number(parameters, "range_min"), number(parameters, "range_max"),
       number(parameters, "raw_min"), number(parameters, "raw_max"), flag(parameters, "clamp")},
      {}};
}

void analog_sensor_output(const BlockCall& call) {
  const double range_min = call.parameters[0];
  const double range_max = call.parameters[1];
  const double raw_min = call.parameters[2];
  const double raw_max = call.parameters[3];
  double value = call.input(0);
  if (std::isnan(value)) {
    call.outputs[0] = raw_min;
    call.outputs[1] = value;
    return;
  }
  if (is_true(call.parameters[4])) {
    const double low = std::fmin(range_min, range_max);
    const double high = std::fmax(range_min, range_max);
    if (value < low) value = low;
    if (value > high) value = high;
  }
  double raw = raw_min;
  if (range_max != range_min) {
    raw = std::round(raw_min + (value - range_min) * (raw_max - raw_min) / (range_max - range_min));
    if (!(raw >= raw_lowest)) raw = raw_lowest;  // also catches -inf
    if (raw > raw_highest) raw = raw_highest;
  }
  call.outputs[0] = raw;
  call.outputs[1] = value;
}

// ---- push_button: parameters [toggle, normally_closed]; state [previous press, toggled].

BlockSetup push_button_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{
      {signal_of(is_word(parameters, "mode", "toggle")), flag(parameters, "normally_closed")},
      {0.0, 0.0}};
}

void evaluate_push_button(const BlockCall& call, double* next, double* outputs) {
  const bool press = is_true(call.input(0));
  bool toggled = is_true(call.state[1]);
  if (press && !is_true(call.state[0])) toggled = !toggled;
  const bool actuated = is_true(call.parameters[0]) ? toggled : press;
  next[0] = signal_of(press);
  next[1] = signal_of(toggled);
  outputs[0] = signal_of(actuated != is_true(call.parameters[1]));
}

// ---- emergency_stop: state [latched].

BlockSetup emergency_stop_setup(const json&, double, std::size_t) {
  return BlockSetup{{}, {0.0}};
}

void evaluate_emergency_stop(const BlockCall& call, double* next, double* outputs) {
  const bool latched =
      is_true(call.input(0)) || (is_true(call.state[0]) && !is_true(call.input(1)));
  next[0] = signal_of(latched);
  outputs[0] = signal_of(!latched);
  outputs[1] = signal_of(latched);
}

// ---- lamp: parameters [half period in ns, 0 for a steady light].

BlockSetup lamp_setup(const json& parameters, double, std::size_t) {
  const double frequency = number(parameters, "blink");
  const double half_period_ns =
      frequency > 0.0 ? static_cast<double>(std::llround(0.5e9 / frequency)) : 0.0;
  return BlockSetup{{half_period_ns}, {}};
}

void lamp_output(const BlockCall& call) {
  bool lit = is_true(call.input(0));
  if (lit && call.parameters[0] > 0.0) {
    const auto half_period_ns = static_cast<std::int64_t>(call.parameters[0]);
    lit = (call.time_ns / half_period_ns) % 2 == 0;
  }
  call.outputs[0] = signal_of(lit);
}

// ---- selector_switch: parameters [n].

BlockSetup selector_switch_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{{number(parameters, "positions")}, {}};
}

void selector_switch_output(const BlockCall& call) {
  const double count = call.parameters[0];
  double position = std::round(call.input(0));
  if (!(position >= 0.0)) position = 0.0;  // also NaN
  if (position > count - 1.0) position = count - 1.0;
  const auto selected = static_cast<std::size_t>(position);
  const auto outputs = static_cast<std::size_t>(count);
  for (std::size_t i = 0; i < outputs; ++i)
    call.outputs[i] = signal_of(i == selected);
}

// ---- tank: parameters [area, height, dt / area]; state [level, lost in the last step,
// total lost].

BlockSetup tank_setup(const json& parameters, double dt, std::size_t) {
  const double area = number(parameters, "area");
  const double height = number(parameters, "height");
  return BlockSetup{{area, height, dt / area},
                    {std::fmin(number(parameters, "initial_level"), height), 0.0, 0.0}};
}

void tank_output(const BlockCall& call) {
  const double level = call.state[0];
  call.outputs[0] = level;
  call.outputs[1] = level * call.parameters[0];
  call.outputs[2] = signal_of(call.state[1] > 0.0);
  call.outputs[3] = signal_of(level <= 0.0);
  call.outputs[4] = call.state[2];
}

// A flow or power input: negative values and NaN count as 0.
double non_negative(double value) {
  return value > 0.0 ? value : 0.0;
}

void tank_update(const BlockCall& call) {
  const double height = call.parameters[1];
  const double net = non_negative(call.input(0)) - non_negative(call.input(1));
  double level = call.state[0] + net * call.parameters[2];
  double lost = 0.0;
  if (level > height) {
    lost = (level - height) * call.parameters[0];
    level = height;
  } else if (level < 0.0) {
    level = 0.0;
  }
  call.state[0] = level;
  call.state[1] = lost;
  call.state[2] += lost;
}

// ---- valve: parameters [stroke per step (0: instantaneous), max_flow]; state [opening].

// The opening counts as arrived at the command when it is this close (rounding in the sum
// of many strokes per step).
constexpr double arrival_tolerance = 1e-9;

BlockSetup valve_setup(const json& parameters, double dt, std::size_t) {
  const double travel_time = number(parameters, "travel_time");
  return BlockSetup{{travel_time > 0.0 ? dt / travel_time : 0.0, number(parameters, "max_flow")},
                    {0.0}};
}

void valve_output(const BlockCall& call) {
  const double opening = call.state[0];
  call.outputs[0] = opening;
  call.outputs[1] = opening * call.parameters[1];
  call.outputs[2] = signal_of(opening >= 0.999);
  call.outputs[3] = signal_of(opening <= 0.001);
}

void valve_update(const BlockCall& call) {
  double command = call.input(0);
  if (!(command > 0.0)) command = 0.0;  // also NaN
  if (command > 1.0) command = 1.0;
  const double stroke = call.parameters[0];
  const double opening = call.state[0];
  double next = command;
  if (stroke > 0.0) {
    if (command > opening + stroke) {
      next = opening + stroke;
    } else if (command < opening - stroke) {
      next = opening - stroke;
    }
    if (std::fabs(command - next) <= arrival_tolerance) next = command;
  }
  call.state[0] = next;
}

// ---- heater: parameters [b, g, ambient]; state [temperature]. With a = e^(-h dt / C),
// b = 1 - a and g = b / h (dt / C when h = 0), the exact step for constant power P is
// T := T + b * (ambient - T) + g * P: the same as a*T + b*(ambient + P/h) for h > 0, without
// dividing by a small h, and T + P * dt / C for h = 0.

BlockSetup heater_setup(const json& parameters, double dt, std::size_t) {
  const double capacity = number(parameters, "heat_capacity");
  const double loss = number(parameters, "loss_coefficient");
  const double b = -std::expm1(-loss * dt / capacity);
  const double g = loss > 0.0 ? b / loss : dt / capacity;
  return BlockSetup{{b, g, number(parameters, "ambient")}, {number(parameters, "initial")}};
}

void heater_output(const BlockCall& call) {
  call.outputs[0] = call.state[0];
}

void heater_update(const BlockCall& call) {
  const double temperature = call.state[0];
  call.state[0] = temperature + call.parameters[0] * (call.parameters[2] - temperature) +
                  call.parameters[1] * non_negative(call.input(0));
}

}  // namespace

void register_plant(TypeRegistry& registry) {
  registry.add(binary_sensor(), with_memory<1, 1, evaluate_binary_sensor>(binary_sensor_setup));
  registry.add(analog_sensor(), BlockBehaviour{analog_sensor_setup, analog_sensor_output, nullptr});
  registry.add(push_button(), with_memory<2, 1, evaluate_push_button>(push_button_setup));
  registry.add(emergency_stop(), with_memory<1, 2, evaluate_emergency_stop>(emergency_stop_setup));
  registry.add(lamp(), BlockBehaviour{lamp_setup, lamp_output, nullptr});
  registry.add(selector_switch(),
               BlockBehaviour{selector_switch_setup, selector_switch_output, nullptr});
  registry.add(tank(), BlockBehaviour{tank_setup, tank_output, tank_update});
  registry.add(valve(), BlockBehaviour{valve_setup, valve_output, valve_update});
  registry.add(heater(), BlockBehaviour{heater_setup, heater_output, heater_update});
}

}  // namespace twinloop::sim::library
