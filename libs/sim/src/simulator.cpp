#include "twinloop/sim/simulator.hpp"

#include <algorithm>

#include "twinloop/core/sim_time.hpp"

namespace twinloop::sim {

Simulator::Simulator(std::shared_ptr<const Plan> plan)
    : plan_(std::move(plan)), input_slots_(plan_->input_slots), parameters_(plan_->parameters) {
  signals_ = plan_->initial_signals;
  signals_.resize(plan_->initial_signals.size() + plan_->inputs.size(), 0.0);
  state_ = plan_->initial_state;
}

void Simulator::reset() {
  std::copy(plan_->initial_signals.begin(), plan_->initial_signals.end(), signals_.begin());
  state_ = plan_->initial_state;
  steps_done_ = 0;
}

void Simulator::set_override(std::uint32_t input, std::optional<double> value) {
  const std::uint32_t position = plan_->inputs.at(input).slot;
  if (!value) {
    input_slots_[position] = plan_->input_slots[position];
    return;
  }
  const auto override_slot = static_cast<std::uint32_t>(plan_->initial_signals.size() + input);
  signals_[override_slot] = *value;
  input_slots_[position] = override_slot;
}

void Simulator::set_parameters(std::uint32_t component, std::span<const double> packed) {
  const PlannedBlock& block = plan_->blocks[block_of(*plan_, component)];
  std::copy(packed.begin(), packed.end(),
            parameters_.begin() + static_cast<std::ptrdiff_t>(block.first_parameter));
}

void Simulator::step() {
  const Plan& plan = *plan_;
  const std::int64_t time_ns = steps_done_ * plan.step_ns;
  BlockCall call{signals_.data(),
                 nullptr,
                 nullptr,
                 nullptr,
                 nullptr,
                 time_ns,
                 core::to_seconds(time_ns),
                 core::to_seconds(plan.step_ns)};
  const double dt = call.dt;
  // A block with a longer sample time sits out the steps between its ticks, and sees its own
  // period as dt when it runs.
  const auto point_at = [&](const PlannedBlock& block) {
    if (block.period != 1) {
      if (steps_done_ % block.period != 0) return false;
      call.dt = dt * block.period;
    } else {
      call.dt = dt;
    }
    call.inputs = input_slots_.data() + block.first_input;
    call.outputs = signals_.data() + block.first_output;
    call.state = state_.data() + block.first_state;
    call.parameters = parameters_.data() + block.first_parameter;
    return true;
  };
  for (const PlannedBlock& block : plan.blocks) {
    if (point_at(block)) block.output(call);
  }
  for (const PlannedBlock& block : plan.blocks) {
    if (block.update != nullptr && point_at(block)) block.update(call);
  }
  ++steps_done_;
}

}  // namespace twinloop::sim
