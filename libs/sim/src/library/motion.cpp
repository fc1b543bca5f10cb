// Machine devices that move: the pneumatic cylinder, the simple drive, the speed-controlled
// drive, the positioning axis and the incremental encoder. Declarations and kernels together.
// Reference: docs/components.md, section "Machine devices", subsection "Motion".
//
// The devices hold their position and speed as state, and their outputs come from that state
// alone: the command inputs have no feedthrough, so PLC logic may be wired in a loop with them.
// A command seen in step k acts in the update of step k and shows in the outputs of step
// k + 1. Within a step the acceleration is piecewise constant, and the position is integrated
// exactly for it (x += v*dt + a*dt^2/2 per constant piece), so positions match the analytic
// answers up to rounding. The encoder alone is a pure function of its (feedthrough) input.
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "declare.hpp"
#include "library.hpp"

namespace twinloop::sim::library {

namespace {

// ---------------------------------------------------------------------------------------
// Declarations

PortSpec command_input(std::string name, std::string description) {
  return PortSpec{std::move(name), SignalType::boolean, "", 0.0, false, std::move(description)};
}

PortSpec real_input(std::string name, std::string unit, bool feedthrough, std::string description) {
  return PortSpec{std::move(name), SignalType::real,      std::move(unit), 0.0,
                  feedthrough,     std::move(description)};
}

PortSpec output(std::string name, SignalType type, std::string unit, std::string description) {
  return PortSpec{std::move(name), type, std::move(unit), 0.0, false, std::move(description)};
}

PortSpec bool_output(std::string name, std::string description) {
  return output(std::move(name), SignalType::boolean, "", std::move(description));
}

// The largest integer below which every integer is exact in a double: 2^53.
constexpr double max_exact_integer = 9007199254740992.0;
// The largest encoder modulo: 2^32 (a UDINT counter wraps there).
constexpr double max_modulo = 4294967296.0;

ComponentTypeInfo cylinder_type() {
  return ComponentTypeInfo{
      "cylinder",
      "devices",
      "Pneumatic cylinder with end-position sensors. The piston moves at the constant speed "
      "stroke / time_to_extend (out) or stroke / time_to_retract (in); it reaches an end "
      "position in the first step in which less than half a step's travel would remain, so a "
      "full stroke takes max(1, round(time / dt)) steps. double_acting: `extend` alone drives "
      "out, `retract` alone drives in, both or neither hold the piston where it is. "
      "single_acting: `extend` drives out, otherwise the spring drives in (`retract` is "
      "ignored).",
      {choice_parameter("kind", "double_acting", "single_acting",
                        "\"double_acting\" (two valve coils) or \"single_acting\" (one coil, "
                        "spring return)."),
       positive_parameter("stroke", 0.1, "m", "Length of the stroke (> 0)."),
       positive_parameter("time_to_extend", 1.0, "s",
                          "Time for a full stroke out, from retracted to extended (> 0)."),
       positive_parameter("time_to_retract", 1.0, "s",
                          "Time for a full stroke in, from extended to retracted (> 0)."),
       real_parameter("switch_tolerance", 0.0, "m",
                      "An end sensor is on while the piston is within this distance of its end.",
                      0.0),
       choice_parameter("initial", "retracted", "extended",
                        "Position at the start: \"retracted\" (0) or \"extended\" (stroke).")},
      [](const json&) {
        return Ports{
            {command_input("extend", "Valve coil: drive the piston out."),
             command_input("retract", "Valve coil: drive the piston in (double_acting only).")},
            {output("position", SignalType::real, "m", "Piston position, 0 (in) to stroke (out)."),
             bool_output("extended",
                         "End sensor: position >= stroke - switch_tolerance (less 1e-9 * "
                         "stroke for rounding)."),
             bool_output("retracted",
                         "End sensor: position <= switch_tolerance (plus 1e-9 * "
                         "stroke for rounding)."),
             bool_output("moving", "The position changed in the step that led to this one.")}};
      }};
}

ComponentTypeInfo drive_type() {
  return ComponentTypeInfo{
      "drive",
      "devices",
      "Fixed-speed drive with forward and backward contactors. The speed ramps at "
      "`acceleration` towards +speed (forward), -speed (backward) or 0 (neither, or both: both "
      "commands stop the drive); acceleration 0 changes the speed at once.",
      {positive_parameter("speed", 1.0, "", "Running speed in position units per second (> 0)."),
       real_parameter("acceleration", 0.0, "",
                      "Speed change per second, in units/s^2; 0 = instantaneous.", 0.0)},
      [](const json&) {
        return Ports{{command_input("forward", "Run forward (positive speed)."),
                      command_input("backward", "Run backward (negative speed).")},
                     {output("speed", SignalType::real, "", "Actual speed, signed, in units/s."),
                      output("position", SignalType::real, "", "Travelled distance, signed."),
                      bool_output("running", "The actual speed is not 0.")}};
      }};
}

ComponentTypeInfo speed_drive_type() {
  return ComponentTypeInfo{
      "speed_drive",
      "devices",
      "Speed-controlled drive (frequency converter). While enabled its speed ramps at `ramp` "
      "towards the setpoint, limited to +-max_speed; when disabled it ramps to 0. at_speed: "
      "the drive was enabled in the previous step and its speed is within `tolerance` of the "
      "(limited) setpoint seen then.",
      {positive_parameter("ramp", 1.0, "", "Acceleration limit in units/s^2 (> 0)."),
       real_parameter("max_speed", 0.0, "",
                      "Largest speed in either direction, units/s; 0 = no limit.", 0.0),
       real_parameter("tolerance", 0.01, "", "Band of at_speed around the setpoint, units/s.",
                      0.0)},
      [](const json&) {
        return Ports{{real_input("setpoint", "", false, "Speed setpoint, signed, units/s."),
                      command_input("enable", "Run; when off the drive ramps down to 0.")},
                     {output("speed", SignalType::real, "", "Actual speed, signed, units/s."),
                      output("position", SignalType::real, "", "Travelled distance, signed."),
                      bool_output("at_speed", "Enabled and at the setpoint (see description).")}};
      }};
}

ComponentTypeInfo axis_type() {
  return ComponentTypeInfo{
      "axis",
      "devices",
      "Positioning axis with a time-optimal trapezoidal profile: a rising edge of `start` "
      "moves to `target` (also during a move: the axis re-targets), accelerating at "
      "`acceleration` up to `max_velocity` and braking at `deceleration` so that it stops "
      "exactly at the target, never beyond it. `stop` cancels the move and brakes to "
      "standstill at `deceleration`; start edges are ignored while `stop` is on.",
      {positive_parameter("max_velocity", 1.0, "", "Largest speed, units/s (> 0)."),
       positive_parameter("acceleration", 1.0, "", "Acceleration, units/s^2 (> 0)."),
       positive_parameter("deceleration", 1.0, "", "Braking deceleration, units/s^2 (> 0)."),
       real_parameter("tolerance", 0.0, "", "in_position band around the target, units.", 0.0),
       real_parameter("initial_position", 0.0, "",
                      "Position at the start, which is also the first target.")},
      [](const json&) {
        return Ports{{real_input("target", "", false, "Target position, taken on a start edge."),
                      command_input("start", "A rising edge starts a move to `target`."),
                      command_input("stop", "Brake to standstill; wins over start.")},
                     {output("position", SignalType::real, "", "Actual position."),
                      output("velocity", SignalType::real, "", "Actual velocity, signed."),
                      bool_output("in_position", "Not busy and within tolerance of the target."),
                      bool_output("busy", "A move or a stop is in progress.")}};
      }};
}

ComponentTypeInfo encoder_type() {
  ParameterSpec increments =
      positive_parameter("increments_per_unit", 1000.0, "", "Increments per position unit (> 0).");
  ParameterSpec gear =
      real_parameter("gear", 1.0, "", "Factor between the position and the encoder shaft (not 0).");
  gear.check = [](const json& value) -> std::optional<std::string> {
    if (value.get<double>() == 0.0) return "must not be 0";
    return std::nullopt;
  };
  return ComponentTypeInfo{
      "encoder",
      "devices",
      "Incremental encoder: count = floor(position * gear * increments_per_unit), negated if "
      "`invert`, then wrapped into [0, modulo) if modulo > 0.",
      {increments,
       parameter("modulo", ParameterType::integer, 0, "",
                 "The count wraps into [0, modulo); 0 = no wrap.", 0.0, max_modulo),
       gear, parameter("invert", ParameterType::boolean, false, "", "Count the other way.")},
      [](const json&) {
        return Ports{{real_input("position", "", true, "The measured position.")},
                     {output("count", SignalType::integer, "", "The increment count.")}};
      }};
}

// ---------------------------------------------------------------------------------------
// Kernels

// Moves (x, v) for `time` towards the speed `target`, with the speed changing at `rate` (0:
// at once), integrating exactly for the piecewise-constant acceleration.
void ramp_speed(double& x, double& v, double target, double rate, double time) {
  if (rate <= 0.0 || v == target) {
    v = target;
    x += target * time;
    return;
  }
  const double direction = target > v ? 1.0 : -1.0;
  const double to_reach = std::fabs(target - v) / rate;
  if (to_reach >= time) {
    x += v * time + direction * rate * time * time / 2.0;
    v += direction * rate * time;
    return;
  }
  x += v * to_reach + direction * rate * to_reach * to_reach / 2.0 + target * (time - to_reach);
  v = target;
}

// ---- cylinder ---------------------------------------------------------------------------
// Parameters [single_acting, stroke, time_to_extend, time_to_retract, switch_tolerance];
// state [position, moving].

BlockSetup cylinder_setup(const json& parameters, double, std::size_t) {
  const double stroke = number(parameters, "stroke");
  const bool extended = parameters.at("initial").get<std::string>() == "extended";
  return BlockSetup{{signal_of(parameters.at("kind").get<std::string>() == "single_acting"), stroke,
                     number(parameters, "time_to_extend"), number(parameters, "time_to_retract"),
                     number(parameters, "switch_tolerance")},
                    {extended ? stroke : 0.0, 0.0}};
}

// The position is a sum of one travel per step, so it carries rounding; a sensor counts a
// position within this fraction of the stroke of its switching point as reached.
constexpr double sensor_slack = 1e-9;

void cylinder_output(const BlockCall& call) {
  const double x = call.state[0];
  const double stroke = call.parameters[1];
  const double tolerance = call.parameters[4] + sensor_slack * stroke;
  call.outputs[0] = x;
  call.outputs[1] = signal_of(x >= stroke - tolerance);
  call.outputs[2] = signal_of(x <= tolerance);
  call.outputs[3] = call.state[1];
}

void cylinder_update(const BlockCall& call) {
  const bool extend = is_true(call.input(0));
  const bool retract = is_true(call.input(1));
  const double stroke = call.parameters[1];
  int direction = 0;
  if (is_true(call.parameters[0])) {
    direction = extend ? 1 : -1;
  } else if (extend != retract) {
    direction = extend ? 1 : -1;
  }
  const double x = call.state[0];
  double next = x;
  if (direction > 0 && x < stroke) {
    const double travel = stroke / call.parameters[2] * call.dt;
    next = x + travel;
    if (stroke - next < travel / 2.0) next = stroke;
  } else if (direction < 0 && x > 0.0) {
    const double travel = stroke / call.parameters[3] * call.dt;
    next = x - travel;
    if (next < travel / 2.0) next = 0.0;
  }
  call.state[0] = next;
  call.state[1] = signal_of(next != x);
}

// ---- drive ------------------------------------------------------------------------------
// Parameters [speed, acceleration]; state [speed, position].

BlockSetup drive_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{{number(parameters, "speed"), number(parameters, "acceleration")}, {0.0, 0.0}};
}

void drive_output(const BlockCall& call) {
  call.outputs[0] = call.state[0];
  call.outputs[1] = call.state[1];
  call.outputs[2] = signal_of(call.state[0] != 0.0);
}

void drive_update(const BlockCall& call) {
  const bool forward = is_true(call.input(0));
  const bool backward = is_true(call.input(1));
  const double speed = call.parameters[0];
  const double target = forward == backward ? 0.0 : forward ? speed : -speed;
  ramp_speed(call.state[1], call.state[0], target, call.parameters[1], call.dt);
}

// ---- speed_drive ------------------------------------------------------------------------
// Parameters [ramp, max_speed, tolerance]; state [speed, position, enabled, limited setpoint].

BlockSetup speed_drive_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{{number(parameters, "ramp"), number(parameters, "max_speed"),
                     number(parameters, "tolerance")},
                    {0.0, 0.0, 0.0, 0.0}};
}

void speed_drive_output(const BlockCall& call) {
  call.outputs[0] = call.state[0];
  call.outputs[1] = call.state[1];
  call.outputs[2] = signal_of(is_true(call.state[2]) &&
                              std::fabs(call.state[0] - call.state[3]) <= call.parameters[2]);
}

void speed_drive_update(const BlockCall& call) {
  const bool enable = is_true(call.input(1));
  const double limit = call.parameters[1];
  double target = call.input(0);
  if (!enable || std::isnan(target)) target = 0.0;
  if (limit > 0.0) target = std::fmax(-limit, std::fmin(limit, target));
  ramp_speed(call.state[1], call.state[0], target, call.parameters[0], call.dt);
  call.state[2] = signal_of(enable);
  call.state[3] = target;
}

// ---- axis -------------------------------------------------------------------------------
// Parameters [max_velocity, acceleration, deceleration, tolerance];
// state [position, velocity, goal, mode, previous start]. mode: 0 idle, 1 moving, 2 stopping.

constexpr double axis_idle = 0.0;
constexpr double axis_moving = 1.0;
constexpr double axis_stopping = 2.0;

BlockSetup axis_setup(const json& parameters, double, std::size_t) {
  const double initial = number(parameters, "initial_position");
  return BlockSetup{{number(parameters, "max_velocity"), number(parameters, "acceleration"),
                     number(parameters, "deceleration"), number(parameters, "tolerance")},
                    {initial, 0.0, initial, axis_idle, 0.0}};
}

void axis_output(const BlockCall& call) {
  const double mode = call.state[3];
  call.outputs[0] = call.state[0];
  call.outputs[1] = call.state[1];
  call.outputs[2] = signal_of(mode == axis_idle &&
                              std::fabs(call.state[0] - call.state[2]) <= call.parameters[3]);
  call.outputs[3] = signal_of(mode != axis_idle);
}

struct AxisLimits {
  double max_velocity;
  double acceleration;
  double deceleration;
};

// Relative band within which the braking distance counts as equal to the distance left.
constexpr double braking_band = 1e-9;

// Brakes (x, v) towards standstill at `deceleration` for at most `time`; returns the time
// left over once it stands.
double brake(double& x, double& v, double deceleration, double time) {
  const double direction = v > 0.0 ? 1.0 : -1.0;
  const double speed = std::fabs(v);
  const double duration = speed / deceleration;
  if (duration >= time) {
    x += direction * (speed * time - deceleration * time * time / 2.0);
    v = direction * (speed - deceleration * time);
    return 0.0;
  }
  x += direction * speed * duration / 2.0;
  v = 0.0;
  return time - duration;
}

// Follows the time-optimal profile from (x, v) to standstill at `goal` for `time`, as a
// sequence of pieces of constant acceleration: brake if moving away, accelerate, cruise, and
// brake onto the goal. Returns true when the axis stands at the goal.
bool move_towards(double& x, double& v, double goal, const AxisLimits& limits, double time) {
  for (int piece = 0; piece < 8 && time > 0.0; ++piece) {
    const double distance_signed = goal - x;
    const double direction = distance_signed > 0.0   ? 1.0
                             : distance_signed < 0.0 ? -1.0
                             : v >= 0.0              ? 1.0
                                                     : -1.0;
    const double distance = std::fabs(distance_signed);
    const double speed = direction * v;  // towards the goal
    if (distance == 0.0 && speed == 0.0) return true;
    if (speed < 0.0) {  // moving away: brake first
      time = brake(x, v, limits.deceleration, time);
      continue;
    }
    const double braking = speed * speed / (2.0 * limits.deceleration);
    double acceleration = 0.0;
    double duration = 0.0;
    if (braking > distance * (1.0 + braking_band)) {  // too fast to stop at the goal
      time = brake(x, v, limits.deceleration, time);
      continue;
    }
    if (braking >= distance * (1.0 - braking_band)) {
      // Brake onto the goal; the deceleration needed is within the band of the limit.
      duration = 2.0 * distance / speed;
      // Rounding in the summed travel must not postpone an arrival due at the end of this
      // step to the next one.
      if (duration <= time * (1.0 + braking_band)) {
        x = goal;
        v = 0.0;
        return true;
      }
      acceleration = -speed * speed / (2.0 * distance);
      duration = time;
    } else if (speed < limits.max_velocity) {
      // Accelerate until max_velocity or until braking must begin.
      const double a = limits.acceleration;
      const double d = limits.deceleration;
      const double peak = std::sqrt((2.0 * a * d * distance + d * speed * speed) / (a + d));
      acceleration = a;
      duration = (std::fmin(peak, limits.max_velocity) - speed) / a;
      if (duration <= 0.0) duration = (distance - braking) / speed;  // rounding: cruise
    } else {
      duration = (distance - braking) / speed;  // cruise
    }
    if (duration > time) duration = time;
    x += direction * (speed * duration + acceleration * duration * duration / 2.0);
    v = direction * (speed + acceleration * duration);
    time -= duration;
  }
  return x == goal && v == 0.0;
}

void axis_update(const BlockCall& call) {
  double* state = call.state;
  const bool start = is_true(call.input(1));
  const bool stop = is_true(call.input(2));
  const double target = call.input(0);
  const AxisLimits limits{call.parameters[0], call.parameters[1], call.parameters[2]};
  double mode = state[3];
  if (stop) {
    if (mode != axis_idle) mode = axis_stopping;
  } else if (start && !is_true(state[4]) && std::isfinite(target)) {
    state[2] = target;
    mode = axis_moving;
  }
  state[4] = signal_of(start);
  if (mode == axis_moving) {
    if (move_towards(state[0], state[1], state[2], limits, call.dt)) mode = axis_idle;
  } else if (mode == axis_stopping) {
    if (state[1] != 0.0) brake(state[0], state[1], limits.deceleration, call.dt);
    if (state[1] == 0.0) mode = axis_idle;
  }
  state[3] = mode;
}

// ---- encoder ----------------------------------------------------------------------------
// Parameters [position to count factor (gear * increments_per_unit), sign, modulo].

BlockSetup encoder_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{
      {number(parameters, "gear") * number(parameters, "increments_per_unit"),
       parameters.at("invert").get<bool>() ? -1.0 : 1.0, number(parameters, "modulo")},
      {}};
}

void encoder_output(const BlockCall& call) {
  double count = std::floor(call.input(0) * call.parameters[0]);
  if (std::isnan(count)) count = 0.0;
  count = std::fmax(-max_exact_integer, std::fmin(max_exact_integer, count));
  count = call.parameters[1] * count + 0.0;  // + 0.0: no negative zero
  const double modulo = call.parameters[2];
  if (modulo > 0.0) {
    count = std::fmod(count, modulo);
    if (count < 0.0) count += modulo;
    count += 0.0;
  }
  call.outputs[0] = count;
}

}  // namespace

void register_motion(TypeRegistry& registry) {
  registry.add(cylinder_type(), BlockBehaviour{cylinder_setup, cylinder_output, cylinder_update});
  registry.add(drive_type(), BlockBehaviour{drive_setup, drive_output, drive_update});
  registry.add(speed_drive_type(),
               BlockBehaviour{speed_drive_setup, speed_drive_output, speed_drive_update});
  registry.add(axis_type(), BlockBehaviour{axis_setup, axis_output, axis_update});
  registry.add(encoder_type(), BlockBehaviour{encoder_setup, encoder_output, nullptr});
}

}  // namespace twinloop::sim::library
