#include "twinloop/sim/simulator.hpp"

namespace twinloop::sim {

Simulator::Simulator(std::shared_ptr<const Plan> plan) : plan_(std::move(plan)) {
  reset();
}

void Simulator::reset() {
  signals_ = plan_->initial_signals;
  state_ = plan_->initial_state;
  steps_done_ = 0;
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
                 static_cast<double>(time_ns) * 1e-9,
                 static_cast<double>(plan.step_ns) * 1e-9};
  const auto point_at = [&](const PlannedBlock& block) {
    call.inputs = plan.input_slots.data() + block.first_input;
    call.outputs = signals_.data() + block.first_output;
    call.state = state_.data() + block.first_state;
    call.parameters = plan.parameters.data() + block.first_parameter;
  };
  for (const PlannedBlock& block : plan.blocks) {
    point_at(block);
    block.output(call);
  }
  for (const PlannedBlock& block : plan.blocks) {
    if (block.update == nullptr) continue;
    point_at(block);
    block.update(call);
  }
  ++steps_done_;
}

}  // namespace twinloop::sim
