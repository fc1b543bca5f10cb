#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "twinloop/sim/plan.hpp"

namespace twinloop::sim {

// Runs a compiled plan one step at a time. Step k at t = k * dt computes the outputs of
// every block in plan order, then advances every state; after step() the signals hold the
// outputs computed in that step. Not thread-safe: one thread drives one simulator.
class Simulator {
 public:
  explicit Simulator(std::shared_ptr<const Plan> plan);

  // Back to step 0 with the initial states; overrides stay.
  void reset();
  void step();

  // Feeds the input (an index into Plan::inputs) with `value` instead of its driver from
  // the next step on; nullopt gives it back to its driver.
  void set_override(std::uint32_t input, std::optional<double> value);

  // Replaces the packed parameters of a component's block (`component` indexes
  // Plan::components; `packed` as pack_parameters gives them) from the next step on.
  void set_parameters(std::uint32_t component, std::span<const double> packed);

  std::int64_t steps_done() const { return steps_done_; }
  // The time of the step computed last: (steps_done() - 1) * dt.
  std::int64_t time_ns() const { return (steps_done_ - 1) * plan_->step_ns; }
  std::span<const double> signals() const { return signals_; }
  const Plan& plan() const { return *plan_; }

 private:
  std::shared_ptr<const Plan> plan_;
  std::vector<std::uint32_t> input_slots_;  // the plan's, with overridden inputs redirected
  std::vector<double> parameters_;          // the plan's, with tuned parameters replaced
  std::vector<double> signals_;             // the plan's signals, then one override per input
  std::vector<double> state_;
  std::int64_t steps_done_ = 0;
};

}  // namespace twinloop::sim
