// Signal sources: ramp, sine, pulse, clock, random. Declarations and kernels together.
// Reference: docs/components.md, section "Sources".
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <string>

#include "declare.hpp"
#include "library.hpp"

namespace twinloop::sim::library {

namespace {

// Times given in seconds are held in whole nanoseconds, like `step` does; limiting them to
// 1e6 s (11.6 days) keeps every such value an integer below 2^53, so it is exact as a double.
constexpr double max_time_s = 1e6;
// The largest seed that a double (the packed parameter) holds exactly: 2^53 - 1.
constexpr double max_seed = 9007199254740991.0;

PortSpec real_output(std::string name, std::string description) {
  return PortSpec{std::move(name), SignalType::real, "", 0.0, false, std::move(description)};
}

// A time in seconds as whole nanoseconds (an integral double).
double nanoseconds(const json& parameters, const char* name) {
  return std::round(number(parameters, name) * 1e9);
}

std::optional<std::string> at_least_one_nanosecond(const json& value) {
  if (std::round(value.get<double>() * 1e9) < 1.0) return "must be at least 1 ns (1e-9 s)";
  return std::nullopt;
}

// ---- ramp -------------------------------------------------------------------------------

ComponentTypeInfo ramp_type() {
  return ComponentTypeInfo{
      "ramp",
      "sources",
      "Outputs `initial` before `start_time` and `initial + slope * (t - start_time)` from "
      "`start_time` on.",
      {real_parameter("slope", 1.0, "1/s", "Rate of rise of the output per second."),
       real_parameter("start_time", 0.0, "s", "Time the ramp starts rising.", 0.0),
       real_parameter("initial", 0.0, "", "Output before and at the start of the ramp.")},
      [](const json&) {
        return Ports{{}, {real_output("y", "The ramp signal.")}};
      }};
}

BlockBehaviour ramp_kernels() {
  // Parameters: start time in ns, slope, initial. The elapsed time is an integer number of
  // nanoseconds divided by 1e9, so it is the double nearest to the exact elapsed time.
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t) {
        return BlockSetup{{nanoseconds(parameters, "start_time"), number(parameters, "slope"),
                           number(parameters, "initial")},
                          {}};
      },
      [](const BlockCall& call) {
        const double now = static_cast<double>(call.time_ns);
        const double elapsed = now >= call.parameters[0] ? (now - call.parameters[0]) / 1e9 : 0.0;
        call.outputs[0] = call.parameters[2] + call.parameters[1] * elapsed;
      },
      nullptr};
}

// ---- sine -------------------------------------------------------------------------------

ComponentTypeInfo sine_type() {
  return ComponentTypeInfo{"sine",
                           "sources",
                           "Sine wave: y = offset + amplitude * sin(2*pi*frequency*t + phase).",
                           {real_parameter("amplitude", 1.0, "", "Peak deviation from `offset`."),
                            real_parameter("frequency", 1.0, "Hz", "Cycles per second.", 0.0),
                            real_parameter("phase", 0.0, "rad", "Phase at t = 0."),
                            real_parameter("offset", 0.0, "", "Value the wave oscillates about.")},
                           [](const json&) {
                             return Ports{{}, {real_output("y", "The sine wave.")}};
                           }};
}

BlockBehaviour sine_kernels() {
  // Parameters: 2*pi*frequency, phase, amplitude, offset.
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t) {
        return BlockSetup{
            {2.0 * std::numbers::pi * number(parameters, "frequency"), number(parameters, "phase"),
             number(parameters, "amplitude"), number(parameters, "offset")},
            {}};
      },
      [](const BlockCall& call) {
        call.outputs[0] =
            call.parameters[3] +
            call.parameters[2] * std::sin(call.parameters[0] * call.time + call.parameters[1]);
      },
      nullptr};
}

// ---- pulse ------------------------------------------------------------------------------

ComponentTypeInfo pulse_type() {
  ParameterSpec period =
      real_parameter("period", 1.0, "s", "Length of one cycle (at least 1 ns).", 0.0, max_time_s);
  period.check = at_least_one_nanosecond;
  return ComponentTypeInfo{
      "pulse",
      "sources",
      "Pulse train: 0 before `delay`; from `delay` on, each cycle of `period` starts with "
      "`amplitude` for `duty * period` and is 0 for the rest. Edges fall on whole nanoseconds, "
      "so a step exactly at an edge already sees the new value.",
      {real_parameter("amplitude", 1.0, "", "Output while the pulse is high."), period,
       real_parameter("duty", 0.5, "", "Fraction of each period the output is high (0..1).", 0.0,
                      1.0),
       real_parameter("delay", 0.0, "s", "Time of the first rising edge.", 0.0, max_time_s)},
      [](const json&) {
        return Ports{{}, {real_output("y", "The pulse train.")}};
      }};
}

BlockBehaviour pulse_kernels() {
  // Parameters: delay, period and high time in whole nanoseconds, then amplitude.
  return BlockBehaviour{[](const json& parameters, double, std::size_t) {
                          const double period_ns = nanoseconds(parameters, "period");
                          return BlockSetup{{nanoseconds(parameters, "delay"), period_ns,
                                             std::round(number(parameters, "duty") * period_ns),
                                             number(parameters, "amplitude")},
                                            {}};
                        },
                        [](const BlockCall& call) {
                          const auto delay = static_cast<std::int64_t>(call.parameters[0]);
                          const auto period = static_cast<std::int64_t>(call.parameters[1]);
                          const auto high = static_cast<std::int64_t>(call.parameters[2]);
                          bool on = false;
                          if (call.time_ns >= delay) on = (call.time_ns - delay) % period < high;
                          call.outputs[0] = on ? call.parameters[3] : 0.0;
                        },
                        nullptr};
}

// ---- clock ------------------------------------------------------------------------------

ComponentTypeInfo clock_type() {
  return ComponentTypeInfo{"clock",
                           "sources",
                           "Outputs the simulation time t = k * dt in seconds.",
                           {},
                           [](const json&) {
                             auto y = real_output("y", "The simulation time.");
                             y.unit = "s";
                             return Ports{{}, {y}};
                           }};
}

BlockBehaviour clock_kernels() {
  return BlockBehaviour{[](const json&, double, std::size_t) { return BlockSetup{}; },
                        [](const BlockCall& call) { call.outputs[0] = call.time; }, nullptr};
}

// ---- random -----------------------------------------------------------------------------

// SplitMix64 (Steele, Lea and Flood, 2014): draw number n (from 0) of the generator seeded
// with `seed` is mix(seed + (n + 1) * golden), all modulo 2^64. Fully specified here, so the
// sequence is the same on every platform and standard library.
std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t n) {
  std::uint64_t z = seed + (n + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The top 53 bits of a draw as a double in [0, 1): exact, every value a multiple of 2^-53.
double unit_interval(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

std::optional<std::string> valid_distribution(const json& value) {
  const auto& name = value.get_ref<const std::string&>();
  if (name != "uniform" && name != "normal") {
    return "must be \"uniform\" or \"normal\", got \"" + name + "\"";
  }
  return std::nullopt;
}

ComponentTypeInfo random_type() {
  ParameterSpec distribution = parameter("distribution", ParameterType::string, "uniform", "",
                                         "\"uniform\" (between `minimum` and `maximum`) or "
                                         "\"normal\" (Gaussian with `mean` and `stddev`).");
  distribution.check = valid_distribution;
  return ComponentTypeInfo{
      "random",
      "sources",
      "Seeded pseudo-random noise, one new sample per step. Sample n of seed s comes from the "
      "SplitMix64 sequence of s, so the same seed gives the same sequence on every run.",
      {parameter("seed", ParameterType::integer, 1, "", "Seed of the sequence (0 .. 2^53-1).", 0.0,
                 max_seed),
       distribution, real_parameter("minimum", 0.0, "", "Uniform: the lowest value."),
       real_parameter("maximum", 1.0, "", "Uniform: the upper end of the range."),
       real_parameter("mean", 0.0, "", "Normal: the mean."),
       real_parameter("stddev", 1.0, "", "Normal: the standard deviation.", 0.0)},
      [](const json&) {
        return Ports{{}, {real_output("y", "The noise sample of this step.")}};
      }};
}

// Parameters: seed, 0 (uniform) or 1 (normal), then minimum and maximum - minimum, or mean
// and stddev. State: the number of the sample to output next.
void random_uniform(const BlockCall& call) {
  const auto seed = static_cast<std::uint64_t>(call.parameters[0]);
  const auto n = static_cast<std::uint64_t>(call.state[0]);
  call.outputs[0] = call.parameters[2] + call.parameters[3] * unit_interval(splitmix64(seed, n));
}

// Box-Muller (cosine branch) from draws 2n and 2n+1: u1 in (0, 1], u2 in [0, 1).
void random_normal(const BlockCall& call) {
  const auto seed = static_cast<std::uint64_t>(call.parameters[0]);
  const auto n = static_cast<std::uint64_t>(call.state[0]);
  const double u1 = 1.0 - unit_interval(splitmix64(seed, 2 * n));
  const double u2 = unit_interval(splitmix64(seed, 2 * n + 1));
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  call.outputs[0] = call.parameters[2] + call.parameters[3] * z;
}

BlockBehaviour random_kernels() {
  return BlockBehaviour{[](const json& parameters, double, std::size_t) {
                          const bool normal =
                              parameters.at("distribution").get<std::string>() == "normal";
                          BlockSetup setup;
                          setup.parameters = {number(parameters, "seed"), normal ? 1.0 : 0.0};
                          if (normal) {
                            setup.parameters.push_back(number(parameters, "mean"));
                            setup.parameters.push_back(number(parameters, "stddev"));
                          } else {
                            const double minimum = number(parameters, "minimum");
                            setup.parameters.push_back(minimum);
                            setup.parameters.push_back(number(parameters, "maximum") - minimum);
                          }
                          setup.state = {0.0};
                          return setup;
                        },
                        [](const BlockCall& call) {
                          if (call.parameters[1] != 0.0) {
                            random_normal(call);
                          } else {
                            random_uniform(call);
                          }
                        },
                        [](const BlockCall& call) { call.state[0] += 1.0; }};
}

}  // namespace

void register_sources(TypeRegistry& registry) {
  registry.add(ramp_type(), ramp_kernels());
  registry.add(sine_type(), sine_kernels());
  registry.add(pulse_type(), pulse_kernels());
  registry.add(clock_type(), clock_kernels());
  registry.add(random_type(), random_kernels());
}

}  // namespace twinloop::sim::library
