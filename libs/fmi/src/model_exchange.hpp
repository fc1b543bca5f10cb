#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "instance_support.hpp"
#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {

struct CompletedStep {
  bool enter_event_mode = false;
  bool terminate = false;
};

// The answer of one fmi2NewDiscreteStates / fmi3UpdateDiscreteStates call.
struct EventUpdate {
  bool needs_update = false;
  bool terminate = false;
  bool nominals_changed = false;
  bool values_changed = false;
  bool next_event_defined = false;
  double next_event_time = 0.0;
};

// Drives a model-exchange FMU: twinloop integrates its continuous states and handles its
// events as chapter 3 of FMI 2.0 and FMI 3.0 describe. `Backend` wraps one instance of one FMI
// version and offers the calls below (it checks their status and throws FmuError):
//   Backend(const Fmu&, const DriverOptions&)             instantiate, set parameters
//   initialize(options, inputs)                            up to exit initialisation mode
//   state_count(), indicator_count()
//   set_continuous_inputs / set_discrete_inputs / get_outputs (const double* / double*)
//   set_time, set_states, get_derivatives, get_event_indicators, get_states, get_nominals
//   completed_integrator_step() -> CompletedStep, enter_event_mode(),
//   update_discrete_states() -> EventUpdate, enter_continuous_time_mode(), log()
//
// Per step: the continuous time between t and t + dt is split at time events, integrated with
// RK4 or Dormand-Prince; a sign change of an event indicator (z > 0 versus z <= 0) is located
// by bisection on re-computed steps, then the event is handled at the located time; a step
// event from fmiCompletedIntegratorStep is handled at the step's end. Event iteration repeats
// the discrete-state update until the FMU needs no more, then re-reads states and nominals
// when the FMU says they changed.
template <typename Backend>
class ModelExchangeDriver final : public Driver {
 public:
  ModelExchangeDriver(std::shared_ptr<const Fmu> fmu, const DriverOptions& options)
      : Driver(std::move(fmu), Interface::model_exchange),
        options_(options),
        backend_(*fmu_, options) {
    relative_tolerance_ =
        options.tolerance.value_or(fmu_->description().default_experiment.tolerance.value_or(1e-6));
    const std::vector<Port>& inputs = fmu_->ports().inputs;
    for (std::size_t port = 0; port < inputs.size(); ++port) {
      if (inputs[port].variability != Variability::continuous) {
        discrete_inputs_.push_back(port);
        last_discrete_values_.push_back(inputs[port].start);
      }
    }
  }

  void initialize(const double* inputs) override {
    require_order(initialized_, terminated_, CallOrder::before_initialisation, "initialize");
    backend_.initialize(options_, inputs);
    if (inputs != nullptr) remember_discrete_inputs(inputs);
    time_ = options_.start_time;
    const std::size_t n = backend_.state_count();
    const std::size_t m = backend_.indicator_count();
    states_.assign(n, 0.0);
    nominals_.assign(n, 1.0);
    start_states_.assign(n, 0.0);
    trial_states_.assign(n, 0.0);
    error_.assign(n, 0.0);
    for (auto& stage : stages_) {
      stage.assign(n, 0.0);
    }
    work_.assign(n, 0.0);
    located_states_.assign(n, 0.0);
    indicators_.assign(m, 0.0);
    trial_indicators_.assign(m, 0.0);
    located_indicators_.assign(m, 0.0);
    initialized_ = true;
    // After exiting initialisation mode the FMU is in event mode.
    event_iteration();
    if (!terminated_) {
      backend_.get_states(states_.data());
      backend_.get_nominals(nominals_.data());
      backend_.get_event_indicators(indicators_.data());
    }
  }

  void set_inputs(const double* values) override {
    require_order(initialized_, terminated_, CallOrder::running, "set_inputs");
    backend_.set_continuous_inputs(values);
    if (!discrete_inputs_changed(values)) return;
    // Discrete inputs change only in event mode, and the change is an event.
    backend_.enter_event_mode();
    backend_.set_discrete_inputs(values);
    remember_discrete_inputs(values);
    handle_event();
  }

  StepResult step(double t, double dt) override {
    require_order(initialized_, terminated_, CallOrder::running, "step");
    if (!(dt > 0)) throw core::Error(core::ErrorKind::internal, "the step size must be positive");
    const double t_end = t + dt;
    events_this_step_ = 0;
    while (!terminated_ && time_ < t_end) {
      if (next_event_defined_ && next_event_time_ <= time_) {
        ++statistics_.time_events;
        enter_event_at(time_);
        continue;
      }
      const double t_stop =
          next_event_defined_ && next_event_time_ < t_end ? next_event_time_ : t_end;
      advance(t_stop);
    }
    return {terminated_, time_};
  }

  void get_outputs(double* values) override {
    require_order(initialized_, terminated_, CallOrder::initialised, "get_outputs");
    backend_.get_outputs(values);
  }

  void set_parameter(const std::string& name, const StartValue& value) override {
    require_order(initialized_, terminated_, CallOrder::any_but_terminated, "set_parameter");
    const CheckedParameter checked =
        check_parameter_change(fmu_->description(), options_, initialized_, name, value);
    if (!initialized_) {
      backend_.set_parameter(checked);
      return;
    }
    // Tunable parameters change in event mode, and the change is an event.
    backend_.enter_event_mode();
    backend_.set_parameter(checked);
    handle_event();
  }

  void reset() override {
    backend_.reset(options_);
    initialized_ = false;
    terminated_ = false;
    time_ = options_.start_time;
    statistics_ = {};
    proposed_step_ = 0.0;
    next_event_defined_ = false;
    const std::vector<Port>& inputs = fmu_->ports().inputs;
    for (std::size_t i = 0; i < discrete_inputs_.size(); ++i) {
      last_discrete_values_[i] = inputs[discrete_inputs_[i]].start;
    }
  }

  double time() const override { return time_; }
  IntegratorStatistics statistics() const override { return statistics_; }

 private:
  bool discrete_inputs_changed(const double* values) const {
    for (std::size_t i = 0; i < discrete_inputs_.size(); ++i) {
      if (values[discrete_inputs_[i]] != last_discrete_values_[i]) return true;
    }
    return false;
  }

  void remember_discrete_inputs(const double* values) {
    for (std::size_t i = 0; i < discrete_inputs_.size(); ++i) {
      last_discrete_values_[i] = values[discrete_inputs_[i]];
    }
  }

  void derivatives(double t, const double* x, double* dx) {
    backend_.set_time(t);
    backend_.set_states(x);
    backend_.get_derivatives(dx);
    ++statistics_.derivative_evaluations;
  }

  // One step of the method from (time_, start_states_) with the first stage in stages_[0];
  // the result goes to `out`, the Dormand-Prince error estimate to error_.
  void method_step(double h, std::vector<double>& out, bool estimate_error) {
    const std::size_t n = states_.size();
    const double t0 = time_;
    const double* x0 = start_states_.data();
    auto& k = stages_;
    const auto combine = [&](std::initializer_list<std::pair<std::size_t, double>> terms) {
      for (std::size_t i = 0; i < n; ++i) {
        double sum = 0.0;
        for (const auto& [stage, weight] : terms)
          sum += weight * k[stage][i];
        work_[i] = x0[i] + h * sum;
      }
    };
    if (options_.solver == Solver::rk4) {
      combine({{0, 0.5}});
      derivatives(t0 + 0.5 * h, work_.data(), k[1].data());
      combine({{1, 0.5}});
      derivatives(t0 + 0.5 * h, work_.data(), k[2].data());
      combine({{2, 1.0}});
      derivatives(t0 + h, work_.data(), k[3].data());
      for (std::size_t i = 0; i < n; ++i) {
        out[i] = x0[i] + h / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
      }
      return;
    }
    // Dormand and Prince (1980), RK5(4)7M.
    combine({{0, 1.0 / 5.0}});
    derivatives(t0 + h / 5.0, work_.data(), k[1].data());
    combine({{0, 3.0 / 40.0}, {1, 9.0 / 40.0}});
    derivatives(t0 + 3.0 * h / 10.0, work_.data(), k[2].data());
    combine({{0, 44.0 / 45.0}, {1, -56.0 / 15.0}, {2, 32.0 / 9.0}});
    derivatives(t0 + 4.0 * h / 5.0, work_.data(), k[3].data());
    combine({{0, 19372.0 / 6561.0},
             {1, -25360.0 / 2187.0},
             {2, 64448.0 / 6561.0},
             {3, -212.0 / 729.0}});
    derivatives(t0 + 8.0 * h / 9.0, work_.data(), k[4].data());
    combine({{0, 9017.0 / 3168.0},
             {1, -355.0 / 33.0},
             {2, 46732.0 / 5247.0},
             {3, 49.0 / 176.0},
             {4, -5103.0 / 18656.0}});
    derivatives(t0 + h, work_.data(), k[5].data());
    combine({{0, 35.0 / 384.0},
             {2, 500.0 / 1113.0},
             {3, 125.0 / 192.0},
             {4, -2187.0 / 6784.0},
             {5, 11.0 / 84.0}});
    out = work_;
    if (!estimate_error) return;
    derivatives(t0 + h, out.data(), k[6].data());
    for (std::size_t i = 0; i < n; ++i) {
      error_[i] =
          h * (71.0 / 57600.0 * k[0][i] - 71.0 / 16695.0 * k[2][i] + 71.0 / 1920.0 * k[3][i] -
               17253.0 / 339200.0 * k[4][i] + 22.0 / 525.0 * k[5][i] - 1.0 / 40.0 * k[6][i]);
    }
  }

  double error_norm() const {
    if (states_.empty()) return 0.0;
    double sum = 0.0;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const double scale =
          options_.absolute_tolerance * std::abs(nominals_[i]) +
          relative_tolerance_ * std::max(std::abs(start_states_[i]), std::abs(trial_states_[i]));
      const double ratio = error_[i] / scale;
      sum += ratio * ratio;
    }
    return std::sqrt(sum / static_cast<double>(states_.size()));
  }

  double initial_step(double remaining) {
    if (states_.empty()) return remaining;
    double state_norm = 0.0;
    double derivative_norm = 0.0;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const double scale = options_.absolute_tolerance * std::abs(nominals_[i]) +
                           relative_tolerance_ * std::abs(states_[i]);
      state_norm = std::max(state_norm, std::abs(states_[i]) / scale);
      derivative_norm = std::max(derivative_norm, std::abs(stages_[0][i]) / scale);
    }
    const double guess =
        state_norm < 1e-5 || derivative_norm < 1e-5 ? 1e-6 : 0.01 * state_norm / derivative_norm;
    return std::min(guess, remaining);
  }

  double snapped(double t_next, double t_stop) const {
    const double resolution = 1e-12 * std::max(1.0, std::abs(t_stop));
    return t_stop - t_next <= resolution ? t_stop : t_next;
  }

  bool crossed(const std::vector<double>& before, const std::vector<double>& after) const {
    for (std::size_t j = 0; j < before.size(); ++j) {
      if ((before[j] > 0.0) != (after[j] > 0.0)) return true;
    }
    return false;
  }

  // Integrates from time_ towards t_stop with one accepted step, then handles the events it
  // found. Leaves the FMU at (time_, states_).
  void advance(double t_stop) {
    start_states_ = states_;
    derivatives(time_, states_.data(), stages_[0].data());
    const double remaining = t_stop - time_;
    double h = 0.0;
    if (options_.solver == Solver::rk4) {
      h = options_.max_step > 0 ? std::min(options_.max_step, remaining) : remaining;
      h = snapped(time_ + h, t_stop) - time_;
      method_step(h, trial_states_, false);
    } else {
      if (proposed_step_ <= 0) proposed_step_ = initial_step(remaining);
      for (;;) {
        h = std::min(proposed_step_, remaining);
        if (options_.max_step > 0) h = std::min(h, options_.max_step);
        h = snapped(time_ + h, t_stop) - time_;
        method_step(h, trial_states_, true);
        const double error = error_norm();
        const double factor =
            error == 0.0 ? 5.0 : std::clamp(0.9 * std::pow(error, -0.2), 0.2, 5.0);
        if (error <= 1.0) {
          // Only a full step tells how large the next may be.
          if (h == std::min(proposed_step_, remaining) || factor < 1.0) {
            proposed_step_ = h * factor;
          }
          break;
        }
        ++statistics_.rejected_steps;
        proposed_step_ = h * factor;
        if (proposed_step_ < 1e-14 * std::max(1.0, std::abs(time_))) {
          throw FmuError(fmt::format("FMU instance \"{}\": the step size fell below {} at t = {} "
                                     "(the model may be stiff or discontinuous)",
                                     options_.instance_name, proposed_step_, time_),
                         "integrator", Status::error, time_);
        }
      }
    }
    ++statistics_.steps;
    double t_next = h == t_stop - time_ ? t_stop : time_ + h;
    backend_.set_time(t_next);
    backend_.set_states(trial_states_.data());
    backend_.get_event_indicators(trial_indicators_.data());
    bool state_event = crossed(indicators_, trial_indicators_);
    if (state_event) t_next = locate_root(h);
    time_ = t_next;
    states_ = trial_states_;
    indicators_ = trial_indicators_;
    const CompletedStep completed = backend_.completed_integrator_step();
    if (completed.terminate) {
      terminated_ = true;
      return;
    }
    const bool time_event = next_event_defined_ && time_ == next_event_time_;
    if (state_event) ++statistics_.state_events;
    if (time_event) ++statistics_.time_events;
    if (completed.enter_event_mode) ++statistics_.step_events;
    if (state_event || time_event || completed.enter_event_mode) enter_event_at(time_);
  }

  // Bisection over the fraction of the step at which an indicator first changes sign; each
  // trial re-computes the step with that length. Returns the event time, the earliest trial
  // at which the sign has changed, with its states and indicators in trial_*.
  double locate_root(double h) {
    const double resolution =
        std::max(1e-12, 4 * std::numeric_limits<double>::epsilon() * std::abs(time_ + h));
    double low = 0.0;
    double high = h;
    std::vector<double>& best_states = located_states_;
    std::vector<double>& best_indicators = located_indicators_;
    best_states = trial_states_;
    best_indicators = trial_indicators_;
    while (high - low > resolution) {
      const double middle = 0.5 * (low + high);
      method_step(middle, trial_states_, false);
      backend_.set_time(time_ + middle);
      backend_.set_states(trial_states_.data());
      backend_.get_event_indicators(trial_indicators_.data());
      if (crossed(indicators_, trial_indicators_)) {
        high = middle;
        best_states = trial_states_;
        best_indicators = trial_indicators_;
      } else {
        low = middle;
      }
    }
    trial_states_ = best_states;
    trial_indicators_ = best_indicators;
    const double t_event = time_ + high;
    backend_.set_time(t_event);
    backend_.set_states(trial_states_.data());
    return t_event;
  }

  void enter_event_at(double t) {
    if (++events_this_step_ > options_.max_events_per_step) {
      throw FmuError(fmt::format("FMU instance \"{}\": more than {} events within one step at "
                                 "t = {} (chattering?)",
                                 options_.instance_name, options_.max_events_per_step, t),
                     "event handling", Status::error, t);
    }
    backend_.enter_event_mode();
    handle_event();
  }

  // Event iteration in event mode, then back to continuous-time mode.
  void handle_event() {
    event_iteration();
    if (terminated_) return;
    if (values_changed_) backend_.get_states(states_.data());
    if (nominals_changed_) backend_.get_nominals(nominals_.data());
    backend_.get_event_indicators(indicators_.data());
    proposed_step_ = 0.0;  // the solution may have jumped: choose the step afresh
  }

  void event_iteration() {
    values_changed_ = false;
    nominals_changed_ = false;
    for (int iteration = 0;; ++iteration) {
      if (iteration == 1000) {
        throw FmuError(fmt::format("FMU instance \"{}\": the event iteration at t = {} did not "
                                   "converge in 1000 updates",
                                   options_.instance_name, time_),
                       "event iteration", Status::error, time_);
      }
      const EventUpdate update = backend_.update_discrete_states();
      values_changed_ = values_changed_ || update.values_changed;
      nominals_changed_ = nominals_changed_ || update.nominals_changed;
      next_event_defined_ = update.next_event_defined;
      next_event_time_ = update.next_event_time;
      if (update.terminate) {
        terminated_ = true;
        return;
      }
      if (!update.needs_update) break;
    }
    backend_.enter_continuous_time_mode();
  }

  DriverOptions options_;
  Backend backend_;
  double relative_tolerance_ = 1e-6;
  bool initialized_ = false;
  bool terminated_ = false;
  double time_ = 0.0;
  std::vector<double> states_;
  std::vector<double> nominals_;
  std::vector<double> start_states_;
  std::vector<double> trial_states_;
  std::vector<double> located_states_;
  std::vector<double> error_;
  std::vector<double> stages_[7];
  std::vector<double> work_;
  std::vector<double> indicators_;
  std::vector<double> trial_indicators_;
  std::vector<double> located_indicators_;
  std::vector<std::size_t> discrete_inputs_;
  std::vector<double> last_discrete_values_;
  double proposed_step_ = 0.0;
  bool next_event_defined_ = false;
  double next_event_time_ = 0.0;
  bool values_changed_ = false;
  bool nominals_changed_ = false;
  std::size_t events_this_step_ = 0;
  IntegratorStatistics statistics_;
};

}  // namespace twinloop::fmi
