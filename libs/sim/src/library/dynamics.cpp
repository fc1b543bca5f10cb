// Dynamic blocks beyond the built-in integrator, pt1 and unit_delay: derivative, pt2,
// transport_delay, rate_limiter and pid. Declarations and kernels together.
// Reference: docs/components.md, section "Dynamics".
//
// Timing follows the engine: at step k (t = k * dt) the output kernel computes y(k) from the
// state and the inputs with feedthrough; the update kernel then advances the state from the
// inputs at t. Where an update needs what the output kernel computed in the same step, it
// reads it back from the block's outputs (nothing else writes them between the two phases).
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>

#include "declare.hpp"
#include "library.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::sim::library {

namespace {

// ---------------------------------------------------------------------------------------
// Declarations

PortSpec real_input(std::string name, bool feedthrough, std::string description) {
  return PortSpec{std::move(name), SignalType::real, "", 0.0, feedthrough, std::move(description)};
}

PortSpec real_output(std::string description) {
  return PortSpec{"y", SignalType::real, "", 0.0, false, std::move(description)};
}

// The longest time constant or delay a block accepts, in seconds.
constexpr double max_time = 1e9;
// The shortest time constant of pt2 (1 ns); keeps 1/t^2 finite.
constexpr double min_time_constant = 1e-9;

// The decay factor e^(-dt/t) of a first-order lag; 0 for t = 0 (no filtering).
double decay(double time_constant, double dt) {
  return time_constant > 0.0 ? std::exp(-dt / time_constant) : 0.0;
}

// ---- derivative -------------------------------------------------------------------------

ComponentTypeInfo derivative_type() {
  return ComponentTypeInfo{
      "derivative",
      "dynamics",
      "Backward-difference derivative, optionally filtered by a first-order lag with time "
      "constant t: y(k) = a * y(k-1) + (1 - a) * (u(k) - u(k-1)) / dt with a = e^(-dt/t) "
      "(a = 0 for t = 0: the plain difference). In the first step u(k-1) is taken as u(0), so "
      "y(0) = 0.",
      {real_parameter("t", 0.0, "s",
                      "Time constant of the first-order filter on the difference; 0 = no filter.",
                      0.0, max_time)},
      [](const json&) {
        return Ports{
            {real_input("u", true, "The signal to differentiate.")},
            {real_output("The (filtered) rate of change of u, in units of u per second.")}};
      }};
}

BlockBehaviour derivative_kernels() {
  // Parameters: a, (1 - a) / dt. State: u(k-1), y(k-1), started (0 before the first update).
  return BlockBehaviour{[](const json& parameters, double dt, std::size_t) {
                          const double a = decay(number(parameters, "t"), dt);
                          return BlockSetup{{a, (1.0 - a) / dt}, {0.0, 0.0, 0.0}};
                        },
                        [](const BlockCall& call) {
                          const double u = call.input(0);
                          const double previous = call.state[2] != 0.0 ? call.state[0] : u;
                          call.outputs[0] = call.parameters[0] * call.state[1] +
                                            call.parameters[1] * (u - previous);
                        },
                        [](const BlockCall& call) {
                          call.state[0] = call.input(0);
                          call.state[1] = call.outputs[0];
                          call.state[2] = 1.0;
                        }};
}

// ---- pt2 --------------------------------------------------------------------------------

ComponentTypeInfo pt2_type() {
  return ComponentTypeInfo{
      "pt2",
      "dynamics",
      "Second-order lag t^2 * y'' + 2 * d * t * y' + y = k * u, starting at rest (y = y' = 0). "
      "Discretised exactly for an input held constant over each step (zero-order hold): "
      "x(k+1) = Phi * x(k) + Gamma * u(k) with x = (y, y'); Phi = e^(A dt) and Gamma are "
      "computed once from the exponential of the augmented matrix [[A, B], [0, 0]] * dt by "
      "scaling and squaring with a 24-term Taylor series. The output is the state: no "
      "feedthrough.",
      {real_parameter("k", 1.0, "", "Static gain."),
       real_parameter("t", 1.0, "s",
                      "Time constant t = 1 / omega_n (omega_n the undamped natural frequency in "
                      "rad/s), 1 ns to 1e9 s.",
                      min_time_constant, max_time),
       real_parameter("d", 0.5, "",
                      "Damping ratio, 0 to 1e6: < 1 oscillates, 1 critically damped, > 1 "
                      "overdamped, 0 undamped.",
                      0.0, 1e6)},
      [](const json&) {
        return Ports{{real_input("u", false, "The input.")}, {real_output("The lagged output y.")}};
      }};
}

using Matrix3 = std::array<std::array<double, 3>, 3>;

Matrix3 multiply(const Matrix3& left, const Matrix3& right) {
  Matrix3 result{};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      double total = 0.0;
      for (std::size_t m = 0; m < 3; ++m)
        total += left[i][m] * right[m][j];
      result[i][j] = total;
    }
  }
  return result;
}

// e^M by scaling and squaring: M is scaled by 2^-s until its infinity norm is at most 1/2,
// the exponential of the scaled matrix summed as a Taylor series (24 terms: the remainder is
// below 2^-24 / 24!, far under double precision), then squared s times.
Matrix3 exponential(Matrix3 m) {
  double norm = 0.0;
  for (const auto& row : m) {
    double row_sum = 0.0;
    for (double value : row)
      row_sum += std::fabs(value);
    norm = std::fmax(norm, row_sum);
  }
  int squarings = 0;
  if (norm > 0.5) squarings = static_cast<int>(std::ceil(std::log2(norm / 0.5)));
  const double scale = std::ldexp(1.0, -squarings);
  for (auto& row : m) {
    for (double& value : row)
      value *= scale;
  }
  Matrix3 result{};
  Matrix3 term{};
  for (std::size_t i = 0; i < 3; ++i) {
    result[i][i] = 1.0;
    term[i][i] = 1.0;
  }
  for (int n = 1; n <= 24; ++n) {
    term = multiply(term, m);
    for (auto& row : term) {
      for (double& value : row)
        value /= n;
    }
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = 0; j < 3; ++j)
        result[i][j] += term[i][j];
    }
  }
  for (int i = 0; i < squarings; ++i)
    result = multiply(result, result);
  return result;
}

BlockBehaviour pt2_kernels() {
  // Parameters: Phi (row-major, 4 values), Gamma (2 values). State: y, y'.
  return BlockBehaviour{
      [](const json& parameters, double dt, std::size_t) {
        const double k = number(parameters, "k");
        const double t = number(parameters, "t");
        const double d = number(parameters, "d");
        // x' = A x + B u with A = [[0, 1], [-1/t^2, -2d/t]], B = [0, k/t^2].
        const Matrix3 augmented{{{0.0, dt, 0.0},
                                 {-dt / (t * t), -2.0 * d * dt / t, k * dt / (t * t)},
                                 {0.0, 0.0, 0.0}}};
        const Matrix3 e = exponential(augmented);
        return BlockSetup{{e[0][0], e[0][1], e[1][0], e[1][1], e[0][2], e[1][2]}, {0.0, 0.0}};
      },
      [](const BlockCall& call) { call.outputs[0] = call.state[0]; },
      [](const BlockCall& call) {
        const double* p = call.parameters;
        const double u = call.input(0);
        const double y = call.state[0];
        const double rate = call.state[1];
        call.state[0] = p[0] * y + p[1] * rate + p[4] * u;
        call.state[1] = p[2] * y + p[3] * rate + p[5] * u;
      }};
}

// ---- transport_delay --------------------------------------------------------------------

// The longest buffer, in samples (8 MB of state). At dt >= 1 ms every allowed delay fits.
constexpr double max_delay_samples = 1'000'000.0;
constexpr double max_delay = 1000.0;

ComponentTypeInfo transport_delay_type() {
  return ComponentTypeInfo{
      "transport_delay",
      "dynamics",
      "Dead time: y(k) = u(k - n) with n = max(1, round(delay / dt)) whole steps, y = initial "
      "for the first n steps. The input has no feedthrough, so the delay is at least one step "
      "(delay 0 behaves as a unit delay). The last n inputs are kept in a ring buffer in the "
      "block's state of at most 1,000,000 samples: a delay of more than 1,000,000 steps is "
      "refused when the model is compiled.",
      {real_parameter("delay", 1.0, "s", "The dead time, 0 to 1000 s, rounded to whole steps.", 0.0,
                      max_delay),
       real_parameter("initial", 0.0, "", "Output before the delayed input arrives.")},
      [](const json&) {
        return Ports{{real_input("u", false, "The input.")},
                     {real_output("The input of n steps before.")}};
      }};
}

BlockBehaviour transport_delay_kernels() {
  // Parameters: n. State: the write position, then n samples, oldest at the write position.
  return BlockBehaviour{
      [](const json& parameters, double dt, std::size_t) {
        const double delay = number(parameters, "delay");
        const double samples = std::fmax(std::round(delay / dt), 1.0);
        if (samples > max_delay_samples) {
          core::throw_unprocessable(
              fmt::format("transport_delay: parameter 'delay' of {} s is {} steps of {} s; "
                          "at most {} steps fit (use a shorter delay or a larger step)",
                          delay, samples, dt, max_delay_samples));
        }
        BlockSetup setup;
        setup.parameters = {samples};
        setup.state.assign(static_cast<std::size_t>(samples) + 1, number(parameters, "initial"));
        setup.state[0] = 0.0;
        return setup;
      },
      [](const BlockCall& call) {
        const auto position = static_cast<std::size_t>(call.state[0]);
        call.outputs[0] = call.state[1 + position];
      },
      [](const BlockCall& call) {
        auto position = static_cast<std::size_t>(call.state[0]);
        call.state[1 + position] = call.input(0);
        ++position;
        if (position == static_cast<std::size_t>(call.parameters[0])) position = 0;
        call.state[0] = static_cast<double>(position);
      }};
}

// ---- rate_limiter -----------------------------------------------------------------------

ComponentTypeInfo rate_limiter_type() {
  ParameterSpec rising = real_parameter(
      "rising", 1.0, "1/s", "Largest rate of rise, in units of u per second (> 0).", 0.0);
  rising.check = positive;
  ParameterSpec falling =
      real_parameter("falling", 1.0, "1/s",
                     "Largest rate of fall, in units of u per second, as a magnitude (> 0).", 0.0);
  falling.check = positive;
  return ComponentTypeInfo{
      "rate_limiter",
      "dynamics",
      "Limits the slew rate: y(k) = min(y(k-1) + rising * dt, max(y(k-1) - falling * dt, u(k))). "
      "The first output y(0) is u(0) when `start_at_input` is true, else `initial`.",
      {rising, falling,
       real_parameter("initial", 0.0, "", "The first output when `start_at_input` is false."),
       parameter("start_at_input", ParameterType::boolean, true, "",
                 "true: the first output is the first input; false: it is `initial`.")},
      [](const json&) {
        return Ports{{real_input("u", true, "The input to follow.")},
                     {real_output("The input, slew-rate limited.")}};
      }};
}

BlockBehaviour rate_limiter_kernels() {
  // Parameters: rising * dt, falling * dt, start_at_input (0/1). State: y(k-1) (before the
  // first step: initial), started (0 before the first update).
  return BlockBehaviour{
      [](const json& parameters, double dt, std::size_t) {
        return BlockSetup{{number(parameters, "rising") * dt, number(parameters, "falling") * dt,
                           parameters.at("start_at_input").get<bool>() ? 1.0 : 0.0},
                          {number(parameters, "initial"), 0.0}};
      },
      [](const BlockCall& call) {
        const double u = call.input(0);
        const double previous = call.state[0];
        if (call.state[1] == 0.0) {
          call.outputs[0] = call.parameters[2] != 0.0 ? u : previous;
          return;
        }
        double y = u;
        if (y > previous + call.parameters[0]) y = previous + call.parameters[0];
        if (y < previous - call.parameters[1]) y = previous - call.parameters[1];
        call.outputs[0] = y;
      },
      [](const BlockCall& call) {
        call.state[0] = call.outputs[0];
        call.state[1] = 1.0;
      }};
}

// ---- pid --------------------------------------------------------------------------------

// The largest output limit magnitude; the default limits are effectively "none".
constexpr double no_limit = 1e300;

ComponentTypeInfo pid_type() {
  return ComponentTypeInfo{
      "pid",
      "dynamics",
      "PID controller in ideal (ISA) form with the derivative on the measurement: "
      "v = ff + kp * (e + (1/ti) * integral(e dt) - td * dxf/dt), e = w - x, y = v limited to "
      "[y_min, y_max] (y_min wins if y_min > y_max). Per step: the proportional part "
      "kp * e(k) acts at once; the integral part I(k) is the sum of kp/ti * e * dt over the "
      "previous steps (exact for e held over each step); the derivative part is "
      "D(k) = a * D(k-1) - (1 - a) * kp * td * (x(k) - x(k-1)) / dt with a = e^(-dt/tf) "
      "(a = 0 for tf = 0) and D(0) = 0. Anti-windup by conditional integration: the integral "
      "does not grow in the direction that drives the unlimited v further beyond the limit it "
      "exceeds. While `reset` is true the integral is 0 (already in that step's output).",
      {real_parameter("kp", 1.0, "",
                      "Proportional gain; also scales the integral and "
                      "derivative parts."),
       real_parameter("ti", 0.0, "s", "Integral (reset) time; 0 = no integral part.", 0.0,
                      max_time),
       real_parameter("td", 0.0, "s", "Derivative time; 0 = no derivative part.", 0.0, max_time),
       real_parameter("tf", 0.0, "s",
                      "Time constant of the first-order filter on the derivative part; 0 = no "
                      "filter.",
                      0.0, max_time),
       real_parameter("y_min", -no_limit, "", "Lower output limit.", -no_limit, no_limit),
       real_parameter("y_max", no_limit, "", "Upper output limit.", -no_limit, no_limit)},
      [](const json&) {
        return Ports{{real_input("w", true, "Setpoint."), real_input("x", true, "Measurement."),
                      real_input("ff", true, "Feed-forward, added to the output before limiting."),
                      PortSpec{"reset", SignalType::boolean, "", 0.0, true,
                               "While true, the integral part is held at 0."}},
                     {real_output("The controller output, limited to [y_min, y_max].")}};
      }};
}

// Packed parameters of pid.
enum PidParameter { pid_kp = 0, pid_ki_dt, pid_kd_dt, pid_filter, pid_y_min, pid_y_max };
// State of pid.
enum PidState { pid_integral = 0, pid_x_previous, pid_derivative_previous, pid_started };
// Inputs of pid.
enum PidInput { pid_w = 0, pid_x, pid_ff, pid_reset };

struct PidValues {
  double error;
  double unlimited;  // v
  double derivative;
};

PidValues evaluate_pid(const BlockCall& call) {
  const double* p = call.parameters;
  const double* s = call.state;
  const double measurement = call.input(pid_x);
  const double error = call.input(pid_w) - measurement;
  const double change = s[pid_started] != 0.0 ? measurement - s[pid_x_previous] : 0.0;
  const double derivative =
      p[pid_filter] * s[pid_derivative_previous] - (1.0 - p[pid_filter]) * p[pid_kd_dt] * change;
  const double integral_part = call.input(pid_reset) != 0.0 ? 0.0 : s[pid_integral];
  return PidValues{error, call.input(pid_ff) + p[pid_kp] * error + integral_part + derivative,
                   derivative};
}

BlockBehaviour pid_kernels() {
  // Parameters: kp, kp * dt / ti (0 without integral), kp * td / dt, a, y_min, y_max.
  // State: the integral part, x(k-1), D(k-1), started (0 before the first update).
  return BlockBehaviour{
      [](const json& parameters, double dt, std::size_t) {
        const double gain = number(parameters, "kp");
        const double ti = number(parameters, "ti");
        return BlockSetup{
            {gain, ti > 0.0 ? gain * dt / ti : 0.0, gain * number(parameters, "td") / dt,
             decay(number(parameters, "tf"), dt), number(parameters, "y_min"),
             number(parameters, "y_max")},
            {0.0, 0.0, 0.0, 0.0}};
      },
      [](const BlockCall& call) {
        const PidValues values = evaluate_pid(call);
        double y = values.unlimited;
        if (y > call.parameters[pid_y_max]) y = call.parameters[pid_y_max];
        if (y < call.parameters[pid_y_min]) y = call.parameters[pid_y_min];
        call.outputs[0] = y;
      },
      [](const BlockCall& call) {
        const PidValues values = evaluate_pid(call);
        double* s = call.state;
        if (call.input(pid_reset) != 0.0) {
          s[pid_integral] = 0.0;
        } else {
          const double increment = call.parameters[pid_ki_dt] * values.error;
          const bool winds_up =
              (values.unlimited > call.parameters[pid_y_max] && increment > 0.0) ||
              (values.unlimited < call.parameters[pid_y_min] && increment < 0.0);
          if (!winds_up) s[pid_integral] += increment;
        }
        s[pid_x_previous] = call.input(pid_x);
        s[pid_derivative_previous] = values.derivative;
        s[pid_started] = 1.0;
      }};
}

}  // namespace

void register_dynamics(TypeRegistry& registry) {
  registry.add(derivative_type(), derivative_kernels());
  registry.add(pt2_type(), pt2_kernels());
  registry.add(transport_delay_type(), transport_delay_kernels());
  registry.add(rate_limiter_type(), rate_limiter_kernels());
  registry.add(pid_type(), pid_kernels());
}

}  // namespace twinloop::sim::library
