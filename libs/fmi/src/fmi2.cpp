// FMI 2.0 instances: the co-simulation driver and the model-exchange backend.
#include <fmt/format.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "co_simulation.hpp"
#include "drivers.hpp"
#include "fmu_binary.hpp"
#include "instance_support.hpp"
#include "model_exchange.hpp"

namespace twinloop::fmi {

namespace {

void log_message(fmi2ComponentEnvironment environment, fmi2String, fmi2Status status,
                 fmi2String category, fmi2String message, ...) {
  if (environment == nullptr || message == nullptr) return;
  std::va_list arguments;
  va_start(arguments, message);
  std::va_list measuring;
  va_copy(measuring, arguments);
  const int length = std::vsnprintf(nullptr, 0, message, measuring);
  va_end(measuring);
  std::string text;
  if (length > 0) {
    text.resize(static_cast<std::size_t>(length) + 1);
    std::vsnprintf(text.data(), text.size(), message, arguments);
    text.resize(static_cast<std::size_t>(length));
  }
  va_end(arguments);
  static_cast<LogContext*>(environment)->record(status_of(status), category, text);
}

void* allocate_memory(std::size_t count, std::size_t size) {
  return std::calloc(count, size);
}
void free_memory(void* memory) {
  std::free(memory);
}

// One FMI 2 instance: instantiation, status checks, parameters, value exchange and the end of
// its life. Terminated and freed by the destructor as the state machine allows: fmi2Terminate
// only after a successful initialisation, fmi2FreeInstance unless the FMU returned fmi2Fatal.
class Fmi2Instance
    : public InstanceCore<Fmi2Instance, Fmi2Functions, fmi2Component, fmi2CallbackFunctions> {
 public:
  Fmi2Instance(const Fmu& fmu, Interface interface, const DriverOptions& options)
      : InstanceCore(fmu, interface, options, fmu.binary(interface).fmi2) {
    log_.fmi2_variables = &description_;
    callbacks_ = {log_message, allocate_memory, free_memory, nullptr, &log_};
    handle_.instance =
        f_.instantiate(options.instance_name.c_str(),
                       interface == Interface::co_simulation ? fmi2CoSimulation : fmi2ModelExchange,
                       description_.instantiation_token.c_str(), fmu.resource_location().c_str(),
                       &callbacks_, fmi2False, options.logging_on ? fmi2True : fmi2False);
    set_up(options, "fmi2Instantiate");
    build(fmu.ports().inputs, PortSelection::continuous, continuous_inputs_);
    build(fmu.ports().inputs, PortSelection::discrete, discrete_inputs_);
    build(fmu.ports().outputs, PortSelection::all, outputs_);
  }

  static constexpr const char* reset_name = "fmi2Reset";
  static constexpr const char* set_debug_logging_name = "fmi2SetDebugLogging";

  void initialize(const DriverOptions& options, const double* inputs) {
    const bool tolerance_defined = options.tolerance.has_value();
    const bool stop_defined = options.stop_time.has_value();
    check(f_.setup_experiment(handle_.instance, tolerance_defined, options.tolerance.value_or(0.0),
                              options.start_time, stop_defined, options.stop_time.value_or(0.0)),
          "fmi2SetupExperiment");
    check(f_.enter_initialization_mode(handle_.instance), "fmi2EnterInitializationMode");
    handle_.initialized = true;
    if (inputs != nullptr) set_inputs(inputs);
    check(f_.exit_initialization_mode(handle_.instance), "fmi2ExitInitializationMode");
  }

  static constexpr const char* do_step_name = "fmi2DoStep";

  // Co-simulation. fmi2Discard: the FMU tells through fmi2GetBooleanStatus(fmi2Terminated)
  // whether it wants to terminate, and through fmi2GetRealStatus(fmi2LastSuccessfulTime) how
  // far it got.
  DoStepOutcome do_step(double t, double dt) {
    const fmi2Status status = f_.do_step(handle_.instance, t, dt, fmi2True);
    if (status == fmi2OK || status == fmi2Warning) {
      time_ = t + dt;
      return {};
    }
    if (status != fmi2Discard) fail(status, do_step_name);
    fmi2Boolean terminate = fmi2False;
    check(f_.get_boolean_status(handle_.instance, fmi2Terminated, &terminate),
          "fmi2GetBooleanStatus(fmi2Terminated)");
    fmi2Real last_successful = t;
    check(f_.get_real_status(handle_.instance, fmi2LastSuccessfulTime, &last_successful),
          "fmi2GetRealStatus(fmi2LastSuccessfulTime)");
    time_ = last_successful;
    return {true, terminate == fmi2True, last_successful};
  }

  void set_inputs(const double* values) {
    set_inputs(continuous_inputs_, values);
    set_inputs(discrete_inputs_, values);
  }
  void set_continuous_inputs(const double* values) { set_inputs(continuous_inputs_, values); }
  void set_discrete_inputs(const double* values) { set_inputs(discrete_inputs_, values); }

  void get_outputs(double* values) {
    if (!outputs_.reals.empty()) {
      check(f_.get_real(handle_.instance, outputs_.reals.references.data(),
                        outputs_.reals.references.size(), outputs_.reals.buffer.get()),
            "fmi2GetReal");
      outputs_.reals.store(values);
    }
    if (!outputs_.integers.empty()) {
      check(f_.get_integer(handle_.instance, outputs_.integers.references.data(),
                           outputs_.integers.references.size(), outputs_.integers.buffer.get()),
            "fmi2GetInteger");
      outputs_.integers.store(values);
    }
    if (!outputs_.booleans.empty()) {
      check(f_.get_boolean(handle_.instance, outputs_.booleans.references.data(),
                           outputs_.booleans.references.size(), outputs_.booleans.buffer.get()),
            "fmi2GetBoolean");
      outputs_.booleans.store(values);
    }
  }

  void set_parameter(const CheckedParameter& parameter) {
    const fmi2ValueReference reference = parameter.variable->value_reference;
    switch (parameter.variable->type) {
      case VariableType::float64: {
        const fmi2Real value = parameter.numbers.front();
        check(f_.set_real(handle_.instance, &reference, 1, &value), "fmi2SetReal");
        break;
      }
      case VariableType::boolean: {
        const fmi2Boolean value = parameter.numbers.front() != 0.0 ? fmi2True : fmi2False;
        check(f_.set_boolean(handle_.instance, &reference, 1, &value), "fmi2SetBoolean");
        break;
      }
      case VariableType::string: {
        const fmi2String value = parameter.text.c_str();
        check(f_.set_string(handle_.instance, &reference, 1, &value), "fmi2SetString");
        break;
      }
      default: {
        const auto value = static_cast<fmi2Integer>(parameter.numbers.front());
        check(f_.set_integer(handle_.instance, &reference, 1, &value), "fmi2SetInteger");
        break;
      }
    }
  }

 private:
  struct Channels {
    Channel<fmi2Real> reals;
    Channel<fmi2Integer> integers;  // Integer and Enumeration
    Channel<fmi2Boolean, true> booleans;
  };

  void build(const std::vector<Port>& ports, PortSelection selection, Channels& channels) {
    for_each_port_variable(ports, selection, [&](std::size_t index, std::size_t port, std::size_t) {
      const Variable& variable = description_.variables[index];
      if (variable.type == VariableType::float64) {
        channels.reals.add(variable.value_reference, port, 1);
      } else if (variable.type == VariableType::boolean) {
        channels.booleans.add(variable.value_reference, port, 1);
      } else {
        channels.integers.add(variable.value_reference, port, 1);
      }
    });
  }

  void set_inputs(Channels& channels, const double* values) {
    if (!channels.reals.empty()) {
      channels.reals.load(values);
      check(f_.set_real(handle_.instance, channels.reals.references.data(),
                        channels.reals.references.size(), channels.reals.buffer.get()),
            "fmi2SetReal");
    }
    if (!channels.integers.empty()) {
      channels.integers.load(values);
      check(f_.set_integer(handle_.instance, channels.integers.references.data(),
                           channels.integers.references.size(), channels.integers.buffer.get()),
            "fmi2SetInteger");
    }
    if (!channels.booleans.empty()) {
      channels.booleans.load(values);
      check(f_.set_boolean(handle_.instance, channels.booleans.references.data(),
                           channels.booleans.references.size(), channels.booleans.buffer.get()),
            "fmi2SetBoolean");
    }
  }

  Channels continuous_inputs_;
  Channels discrete_inputs_;
  Channels outputs_;
};

// The model-exchange calls of an FMI 2 instance, for ModelExchangeDriver.
class Fmi2ModelExchangeBackend {
 public:
  Fmi2ModelExchangeBackend(const Fmu& fmu, const DriverOptions& options)
      : instance_(fmu, Interface::model_exchange, options),
        f_(instance_.functions()),
        states_(fmu.description().number_of_continuous_states),
        indicators_(fmu.description().number_of_event_indicators),
        needs_completed_step_(
            !fmu.description().model_exchange->completed_integrator_step_not_needed) {}

  void initialize(const DriverOptions& options, const double* inputs) {
    instance_.initialize(options, inputs);
  }
  std::size_t state_count() const { return states_; }
  std::size_t indicator_count() const { return indicators_; }
  LogContext& log() { return instance_.log(); }

  void set_parameter(const CheckedParameter& parameter) { instance_.set_parameter(parameter); }
  void reset(const DriverOptions& options) { instance_.reset(options); }
  void set_continuous_inputs(const double* values) { instance_.set_continuous_inputs(values); }
  void set_discrete_inputs(const double* values) { instance_.set_discrete_inputs(values); }
  void get_outputs(double* values) { instance_.get_outputs(values); }

  void set_time(double time) {
    instance_.set_time_reached(time);
    instance_.check(f_.set_time(c(), time), "fmi2SetTime");
  }
  void set_states(const double* x) {
    if (states_ == 0) return;
    instance_.check(f_.set_continuous_states(c(), x, states_), "fmi2SetContinuousStates");
  }
  void get_derivatives(double* dx) {
    if (states_ == 0) return;
    instance_.check(f_.get_derivatives(c(), dx, states_), "fmi2GetDerivatives");
  }
  void get_event_indicators(double* z) {
    if (indicators_ == 0) return;
    instance_.check(f_.get_event_indicators(c(), z, indicators_), "fmi2GetEventIndicators");
  }
  void get_states(double* x) {
    if (states_ == 0) return;
    instance_.check(f_.get_continuous_states(c(), x, states_), "fmi2GetContinuousStates");
  }
  void get_nominals(double* nominals) {
    if (states_ == 0) return;
    instance_.check(f_.get_nominals_of_continuous_states(c(), nominals, states_),
                    "fmi2GetNominalsOfContinuousStates");
  }
  CompletedStep completed_integrator_step() {
    if (!needs_completed_step_) return {};
    fmi2Boolean enter_event_mode = fmi2False;
    fmi2Boolean terminate = fmi2False;
    instance_.check(f_.completed_integrator_step(c(), fmi2True, &enter_event_mode, &terminate),
                    "fmi2CompletedIntegratorStep");
    return {enter_event_mode == fmi2True, terminate == fmi2True};
  }
  void enter_event_mode() { instance_.check(f_.enter_event_mode(c()), "fmi2EnterEventMode"); }
  EventUpdate update_discrete_states() {
    fmi2EventInfo info{};
    instance_.check(f_.new_discrete_states(c(), &info), "fmi2NewDiscreteStates");
    return {info.newDiscreteStatesNeeded == fmi2True,
            info.terminateSimulation == fmi2True,
            info.nominalsOfContinuousStatesChanged == fmi2True,
            info.valuesOfContinuousStatesChanged == fmi2True,
            info.nextEventTimeDefined == fmi2True,
            info.nextEventTime};
  }
  void enter_continuous_time_mode() {
    instance_.check(f_.enter_continuous_time_mode(c()), "fmi2EnterContinuousTimeMode");
  }

 private:
  fmi2Component c() const { return instance_.instance(); }

  Fmi2Instance instance_;
  const Fmi2Functions& f_;
  std::size_t states_;
  std::size_t indicators_;
  bool needs_completed_step_;
};

}  // namespace

std::unique_ptr<Driver> make_fmi2_co_simulation(std::shared_ptr<const Fmu> fmu,
                                                const DriverOptions& options) {
  return std::make_unique<CoSimulationDriver<Fmi2Instance>>(std::move(fmu), options);
}

std::unique_ptr<Driver> make_fmi2_model_exchange(std::shared_ptr<const Fmu> fmu,
                                                 const DriverOptions& options) {
  return std::make_unique<ModelExchangeDriver<Fmi2ModelExchangeBackend>>(std::move(fmu), options);
}

}  // namespace twinloop::fmi
