#pragma once

#include <fmt/format.h>

#include <memory>

#include "instance_support.hpp"
#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {

// Drives a co-simulation FMU of either FMI version. `Instance` wraps one instance (Fmi2Instance,
// Fmi3Instance): constructed from (fmu, interface, options), it offers initialize(options,
// inputs), set_inputs, get_outputs, time(), log() and do_step(t, dt) -> DoStepOutcome, and
// throws FmuError for Error and Fatal.
template <typename Instance>
class CoSimulationDriver final : public Driver {
 public:
  CoSimulationDriver(std::shared_ptr<const Fmu> fmu, const DriverOptions& options)
      : Driver(std::move(fmu), Interface::co_simulation),
        options_(options),
        instance_(*fmu_, Interface::co_simulation, options) {}

  void initialize(const double* inputs) override {
    require_order(initialized_, terminated_, CallOrder::before_initialisation, "initialize");
    instance_.initialize(options_, inputs);
    initialized_ = true;
  }

  void set_inputs(const double* values) override {
    require_order(initialized_, terminated_, CallOrder::running, "set_inputs");
    instance_.set_inputs(values);
  }

  StepResult step(double t, double dt) override {
    require_order(initialized_, terminated_, CallOrder::running, "step");
    const DoStepOutcome outcome = instance_.do_step(t, dt);
    if (outcome.terminate) {
      terminated_ = true;
      return {true, outcome.last_successful_time};
    }
    if (outcome.discarded) {
      // Honouring a discard means repeating the step from a saved state, which needs
      // fmiGetFMUState; twinloop does not do that.
      LogContext& log = instance_.log();
      throw FmuError(fmt::format("FMU instance \"{}\": {} returned Discard at t = {} after "
                                 "reaching only t = {}; twinloop cannot repeat a step{}",
                                 log.instance, Instance::do_step_name, t,
                                 outcome.last_successful_time, log.take_problem()),
                     Instance::do_step_name, Status::discard, t);
    }
    return {false, t + dt};
  }

  void get_outputs(double* values) override {
    require_order(initialized_, terminated_, CallOrder::initialised, "get_outputs");
    instance_.get_outputs(values);
  }

  void set_parameter(const std::string& name, const StartValue& value) override {
    require_order(initialized_, terminated_, CallOrder::any_but_terminated, "set_parameter");
    instance_.set_parameter(
        check_parameter_change(fmu_->description(), options_, initialized_, name, value));
  }

  void reset() override {
    instance_.reset(options_);
    initialized_ = false;
    terminated_ = false;
  }

  double time() const override { return initialized_ ? instance_.time() : options_.start_time; }

 private:
  DriverOptions options_;
  Instance instance_;
  bool initialized_ = false;
  bool terminated_ = false;
};

}  // namespace twinloop::fmi
