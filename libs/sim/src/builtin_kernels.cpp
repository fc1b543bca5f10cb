#include "builtin_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace twinloop::sim::kernels {

namespace {

using nlohmann::json;

double number(const json& parameters, const char* name) {
  return parameters.at(name).get<double>();
}

// Outputs the state (blocks without feedthrough).
void output_state(const BlockCall& call) {
  call.outputs[0] = call.state[0];
}

}  // namespace

BlockBehaviour constant() {
  return BlockBehaviour{[](const json& parameters, double, std::size_t) {
                          return BlockSetup{{number(parameters, "value")}, {}};
                        },
                        [](const BlockCall& call) { call.outputs[0] = call.parameters[0]; },
                        nullptr};
}

BlockBehaviour step() {
  // The step time in nanoseconds, so the switch happens at exactly the first step k with
  // k * dt >= step_time, without rounding in seconds.
  return BlockBehaviour{[](const json& parameters, double, std::size_t) {
                          return BlockSetup{
                              {std::round(number(parameters, "step_time") * 1e9),
                               number(parameters, "initial"), number(parameters, "final")},
                              {}};
                        },
                        [](const BlockCall& call) {
                          call.outputs[0] = static_cast<double>(call.time_ns) >= call.parameters[0]
                                                ? call.parameters[2]
                                                : call.parameters[1];
                        },
                        nullptr};
}

BlockBehaviour gain() {
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t) {
        return BlockSetup{{number(parameters, "k")}, {}};
      },
      [](const BlockCall& call) { call.outputs[0] = call.parameters[0] * call.input(0); }, nullptr};
}

BlockBehaviour sum() {
  // Parameters: the number of inputs, then +1 or -1 per input.
  return BlockBehaviour{[](const json& parameters, double, std::size_t input_count) {
                          BlockSetup setup;
                          setup.parameters.push_back(static_cast<double>(input_count));
                          for (char sign : parameters.at("signs").get<std::string>()) {
                            setup.parameters.push_back(sign == '-' ? -1.0 : 1.0);
                          }
                          return setup;
                        },
                        [](const BlockCall& call) {
                          const auto count = static_cast<std::size_t>(call.parameters[0]);
                          double total = 0.0;
                          for (std::size_t i = 0; i < count; ++i)
                            total += call.parameters[i + 1] * call.input(i);
                          call.outputs[0] = total;
                        },
                        nullptr};
}

BlockBehaviour integrator() {
  // Exact for an input held constant over each step (zero-order hold): y += u * dt, then
  // clamped when limited. Parameters: initial (clamped, so a reset stays within the limits),
  // lower, upper (lower > upper clamps to lower; unlimited uses infinite bounds).
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t) {
        const bool limited = parameters.at("limited").get<bool>();
        const double infinity = std::numeric_limits<double>::infinity();
        const double lower = limited ? number(parameters, "lower") : -infinity;
        const double upper = limited ? number(parameters, "upper") : infinity;
        const double initial = std::max(lower, std::min(upper, number(parameters, "initial")));
        return BlockSetup{{initial, lower, upper}, {initial}};
      },
      [](const BlockCall& call) {
        call.outputs[0] = call.input(1) != 0.0 ? call.parameters[0] : call.state[0];
      },
      [](const BlockCall& call) {
        const double next =
            call.input(1) != 0.0 ? call.parameters[0] : call.state[0] + call.input(0) * call.dt;
        call.state[0] = std::max(call.parameters[1], std::min(call.parameters[2], next));
      }};
}

BlockBehaviour pt1() {
  // Exact discretisation under zero-order hold: y(k+1) = a*y(k) + k*(1-a)*u(k),
  // a = exp(-dt/t). Parameters: a and k*(1-a).
  return BlockBehaviour{
      [](const json& parameters, double dt, std::size_t) {
        const double decay = std::exp(-dt / number(parameters, "t"));
        return BlockSetup{{decay, number(parameters, "k") * (1.0 - decay)}, {0.0}};
      },
      output_state,
      [](const BlockCall& call) {
        call.state[0] = call.parameters[0] * call.state[0] + call.parameters[1] * call.input(0);
      }};
}

BlockBehaviour unit_delay() {
  return BlockBehaviour{[](const json& parameters, double, std::size_t) {
                          return BlockSetup{{}, {number(parameters, "initial")}};
                        },
                        output_state, [](const BlockCall& call) { call.state[0] = call.input(0); }};
}

}  // namespace twinloop::sim::kernels
