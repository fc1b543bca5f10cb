#pragma once
// Drives a compiled model step by step from a test: inputs are poked through the simulator's
// overrides (the way an engineer pokes a running twin) and signals are read by name.

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "model_builder.hpp"

namespace twinloop::sim::testing_support {

class Rig {
 public:
  explicit Rig(const Plan& plan) : plan_(std::make_shared<const Plan>(plan)), simulator_(plan_) {}

  // Feeds input "component.port" with `value` from the next step on.
  Rig& set(const std::string& input, double value) {
    for (std::uint32_t i = 0; i < plan_->inputs.size(); ++i) {
      if (plan_->inputs[i].name == input) {
        simulator_.set_override(i, value);
        return *this;
      }
    }
    throw std::invalid_argument("no input " + input);
  }
  Rig& set(const std::string& input, bool value) { return set(input, value ? 1.0 : 0.0); }

  void step() { simulator_.step(); }
  void steps(int count) {
    for (int i = 0; i < count; ++i)
      step();
  }

  // The value of output "component.port" computed in the last step.
  double operator[](const std::string& signal) const {
    for (const auto& planned : plan_->signals) {
      if (planned.name == signal) return simulator_.signals()[planned.slot];
    }
    throw std::invalid_argument("no signal " + signal);
  }
  bool on(const std::string& signal) const { return (*this)[signal] != 0.0; }

  // The number of steps done; the last one computed was at t = (steps_done() - 1) * dt.
  std::int64_t steps_done() const { return simulator_.steps_done(); }

 private:
  std::shared_ptr<const Plan> plan_;
  Simulator simulator_;
};

// A model of one component named "b" of `type`.
inline Plan single(const std::string& type, const json& parameters = json::object(),
                   double dt = 0.01) {
  return ModelBuilder().add("b", type, parameters).compile(dt);
}

}  // namespace twinloop::sim::testing_support
