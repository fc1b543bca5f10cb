// Declarations (ports, parameters, documentation) of the built-in component library.
// Reference: docs/components.md.
#include <optional>
#include <string>

#include "builtin_kernels.hpp"
#include "library/declare.hpp"
#include "library/library.hpp"
#include "twinloop/sim/type_registry.hpp"

namespace twinloop::sim {

namespace {

using core::ComponentTypeInfo;
using core::ParameterSpec;
using core::ParameterType;
using core::Ports;
using core::PortSpec;
using core::SignalType;
using nlohmann::json;

PortSpec real_input(std::string name, bool feedthrough, std::string description) {
  return PortSpec{std::move(name), SignalType::real, "", 0.0, feedthrough, std::move(description)};
}

PortSpec real_output(std::string name, std::string description) {
  return PortSpec{std::move(name), SignalType::real, "", 0.0, false, std::move(description)};
}

using library::positive;
using library::real_parameter;

constexpr std::size_t max_sum_inputs = 32;

std::optional<std::string> valid_signs(const json& value) {
  const auto& signs = value.get_ref<const std::string&>();
  if (signs.empty() || signs.size() > max_sum_inputs) {
    return "must have 1 to " + std::to_string(max_sum_inputs) + " characters, one per input";
  }
  if (signs.find_first_not_of("+-") != std::string::npos) {
    return "may contain only '+' and '-', got \"" + signs + "\"";
  }
  return std::nullopt;
}

ComponentTypeInfo constant() {
  return ComponentTypeInfo{"constant",
                           "sources",
                           "Outputs a constant value.",
                           {real_parameter("value", 0.0, "", "The output value.")},
                           [](const json&) {
                             return Ports{{}, {real_output("y", "The constant value.")}};
                           }};
}

ComponentTypeInfo step() {
  return ComponentTypeInfo{"step",
                           "sources",
                           "Outputs `initial` before `step_time` and `final` from `step_time` on.",
                           {real_parameter("step_time", 1.0, "s", "Time of the step.", 0.0),
                            real_parameter("initial", 0.0, "", "Output before the step."),
                            real_parameter("final", 1.0, "", "Output from the step on.")},
                           [](const json&) {
                             return Ports{{}, {real_output("y", "The step signal.")}};
                           }};
}

ComponentTypeInfo gain() {
  return ComponentTypeInfo{
      "gain",
      "math",
      "Multiplies the input by a constant: y = k * u.",
      {real_parameter("k", 1.0, "", "The gain.")},
      [](const json&) {
        return Ports{{real_input("u", true, "The input.")}, {real_output("y", "k * u.")}};
      }};
}

ComponentTypeInfo sum() {
  ParameterSpec signs;
  signs.name = "signs";
  signs.data_type = ParameterType::string;
  signs.default_value = "++";
  signs.description =
      "One sign per input, '+' adds and '-' subtracts it; the number of signs is the number "
      "of inputs u1..un.";
  signs.check = valid_signs;
  return ComponentTypeInfo{
      "sum",
      "math",
      "Adds and subtracts its inputs: y = s1*u1 + s2*u2 + ... + sn*un.",
      {signs},
      [](const json& parameters) {
        const auto& pattern = parameters.at("signs").get_ref<const std::string&>();
        Ports ports;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
          ports.inputs.push_back(real_input("u" + std::to_string(i + 1), true,
                                            pattern[i] == '+' ? "Added." : "Subtracted."));
        }
        ports.outputs.push_back(real_output("y", "The signed sum."));
        return ports;
      }};
}

ComponentTypeInfo integrator() {
  ParameterSpec limited;
  limited.name = "limited";
  limited.data_type = ParameterType::boolean;
  limited.default_value = false;
  limited.description = "Keep the output between lower and upper (the state stops at a limit).";
  return ComponentTypeInfo{
      "integrator",
      "dynamics",
      "Integrates its input over time: y(t) = initial + integral of u from 0 to t, exact for an "
      "input held over each step. The output depends only on the state (and on reset), so u "
      "breaks algebraic loops.",
      {real_parameter("initial", 0.0, "", "The output at t = 0 and after a reset."), limited,
       real_parameter("lower", -1.0, "", "The lowest output when limited."),
       real_parameter("upper", 1.0, "", "The highest output when limited.")},
      [](const json&) {
        PortSpec reset{"reset", SignalType::boolean,
                       "",      0.0,
                       true,    "While true the output is `initial` and the integral starts over."};
        return Ports{{real_input("u", false, "The rate of change of y."), reset},
                     {real_output("y", "The integral.")}};
      }};
}

ComponentTypeInfo pt1() {
  ParameterSpec time_constant =
      real_parameter("t", 1.0, "s", "The time constant (greater than 0).", 0.0);
  time_constant.check = positive;
  return ComponentTypeInfo{
      "pt1",
      "dynamics",
      "First-order lag: t * dy/dt + y = k * u, discretised exactly for a step-wise constant "
      "input. The output depends only on the state, so it breaks algebraic loops.",
      {real_parameter("k", 1.0, "", "The static gain."), time_constant},
      [](const json&) {
        return Ports{{real_input("u", false, "The input.")},
                     {real_output("y", "The lagged output.")}};
      }};
}

ComponentTypeInfo unit_delay() {
  return ComponentTypeInfo{
      "unit_delay",
      "dynamics",
      "Delays its input by one step: y(k) = u(k-1), y(0) = initial. Breaks algebraic loops.",
      {real_parameter("initial", 0.0, "", "The output in the first step.")},
      [](const json&) {
        return Ports{{real_input("u", false, "The input.")},
                     {real_output("y", "The input of the previous step.")}};
      }};
}

}  // namespace

void register_builtin_types(TypeRegistry& registry) {
  registry.add(constant(), kernels::constant());
  registry.add(step(), kernels::step());
  registry.add(gain(), kernels::gain());
  registry.add(sum(), kernels::sum());
  registry.add(integrator(), kernels::integrator());
  registry.add(pt1(), kernels::pt1());
  registry.add(unit_delay(), kernels::unit_delay());
  library::register_sources(registry);
  library::register_math(registry);
  library::register_expression(registry);
  library::register_logic(registry);
  library::register_dynamics(registry);
  library::register_motion(registry);
  library::register_plant(registry);
  library::register_conveyor(registry);
}

}  // namespace twinloop::sim
