// FMI 3.0 instances: the co-simulation driver and the model-exchange backend.
#include <fmt/format.h>

#include <tuple>

#include "co_simulation.hpp"
#include "drivers.hpp"
#include "fmu_binary.hpp"
#include "instance_support.hpp"
#include "model_exchange.hpp"

namespace twinloop::fmi {

namespace {

void log_message(fmi3InstanceEnvironment environment, fmi3Status status, fmi3String category,
                 fmi3String message) {
  if (environment == nullptr || message == nullptr) return;
  static_cast<LogContext*>(environment)->record(status_of(status), category, message);
}

// The getter and setter of each FMI 3 value type.
template <typename T>
struct Accessors;

#define TWINLOOP_FMI3_ACCESSORS(Type, member, Name)                    \
  template <>                                                          \
  struct Accessors<Type> {                                             \
    static constexpr const char* get_name = "fmi3Get" Name;            \
    static constexpr const char* set_name = "fmi3Set" Name;            \
    static auto get(const Fmi3Functions& f) { return f.get_##member; } \
    static auto set(const Fmi3Functions& f) { return f.set_##member; } \
  };
TWINLOOP_FMI3_ACCESSORS(fmi3Float32, float32, "Float32")
TWINLOOP_FMI3_ACCESSORS(fmi3Float64, float64, "Float64")
TWINLOOP_FMI3_ACCESSORS(fmi3Int8, int8, "Int8")
TWINLOOP_FMI3_ACCESSORS(fmi3UInt8, uint8, "UInt8")
TWINLOOP_FMI3_ACCESSORS(fmi3Int16, int16, "Int16")
TWINLOOP_FMI3_ACCESSORS(fmi3UInt16, uint16, "UInt16")
TWINLOOP_FMI3_ACCESSORS(fmi3Int32, int32, "Int32")
TWINLOOP_FMI3_ACCESSORS(fmi3UInt32, uint32, "UInt32")
TWINLOOP_FMI3_ACCESSORS(fmi3Int64, int64, "Int64")
TWINLOOP_FMI3_ACCESSORS(fmi3UInt64, uint64, "UInt64")
TWINLOOP_FMI3_ACCESSORS(fmi3Boolean, boolean, "Boolean")
#undef TWINLOOP_FMI3_ACCESSORS

// Calls `visit(T{})` with the C type that carries values of `type` (Enumeration: Int64).
template <typename Visitor>
void visit_value_type(VariableType type, Visitor&& visit) {
  switch (type) {
    case VariableType::float32:
      return visit(fmi3Float32{});
    case VariableType::float64:
      return visit(fmi3Float64{});
    case VariableType::int8:
      return visit(fmi3Int8{});
    case VariableType::uint8:
      return visit(fmi3UInt8{});
    case VariableType::int16:
      return visit(fmi3Int16{});
    case VariableType::uint16:
      return visit(fmi3UInt16{});
    case VariableType::int32:
      return visit(fmi3Int32{});
    case VariableType::uint32:
      return visit(fmi3UInt32{});
    case VariableType::uint64:
      return visit(fmi3UInt64{});
    case VariableType::boolean:
      return visit(fmi3Boolean{});
    default:
      return visit(fmi3Int64{});
  }
}

using Channels =
    std::tuple<Channel<fmi3Float32>, Channel<fmi3Float64>, Channel<fmi3Int8>, Channel<fmi3UInt8>,
               Channel<fmi3Int16>, Channel<fmi3UInt16>, Channel<fmi3Int32>, Channel<fmi3UInt32>,
               Channel<fmi3Int64>, Channel<fmi3UInt64>, Channel<fmi3Boolean>>;

// FMI 3 passes its callbacks as arguments; there is no structure to keep alive.
struct NoCallbacks {};

// One FMI 3 instance: instantiation, status checks, parameters, value exchange and the end of
// its life.
class Fmi3Instance : public InstanceCore<Fmi3Instance, Fmi3Functions, fmi3Instance, NoCallbacks> {
 public:
  Fmi3Instance(const Fmu& fmu, Interface interface, const DriverOptions& options)
      : InstanceCore(fmu, interface, options, fmu.binary(interface).fmi3) {
    const char* resources =
        fmu.resource_location().empty() ? nullptr : fmu.resource_location().c_str();
    const bool logging_on = options.logging_on;
    if (interface == Interface::co_simulation) {
      handle_.instance = f_.instantiate_co_simulation(
          options.instance_name.c_str(), description_.instantiation_token.c_str(), resources,
          fmi3False, logging_on, fmi3False, fmi3False, nullptr, 0, &log_, log_message, nullptr);
    } else {
      handle_.instance = f_.instantiate_model_exchange(
          options.instance_name.c_str(), description_.instantiation_token.c_str(), resources,
          fmi3False, logging_on, &log_, log_message);
    }
    set_up(options, interface == Interface::co_simulation ? "fmi3InstantiateCoSimulation"
                                                          : "fmi3InstantiateModelExchange");
    build(fmu.ports().inputs, PortSelection::continuous, continuous_inputs_);
    build(fmu.ports().inputs, PortSelection::discrete, discrete_inputs_);
    build(fmu.ports().outputs, PortSelection::all, outputs_);
  }

  static constexpr const char* reset_name = "fmi3Reset";
  static constexpr const char* set_debug_logging_name = "fmi3SetDebugLogging";

  void initialize(const DriverOptions& options, const double* inputs) {
    check(f_.enter_initialization_mode(
              handle_.instance, options.tolerance.has_value(), options.tolerance.value_or(0.0),
              options.start_time, options.stop_time.has_value(), options.stop_time.value_or(0.0)),
          "fmi3EnterInitializationMode");
    handle_.initialized = true;
    if (inputs != nullptr) set_inputs(inputs);
    check(f_.exit_initialization_mode(handle_.instance), "fmi3ExitInitializationMode");
  }

  static constexpr const char* do_step_name = "fmi3DoStep";

  // Co-simulation without event mode and early return: the FMU may discard the step or ask to
  // terminate, with lastSuccessfulTime telling how far it got.
  DoStepOutcome do_step(double t, double dt) {
    fmi3Boolean event_handling_needed = fmi3False;
    fmi3Boolean terminate = fmi3False;
    fmi3Boolean early_return = fmi3False;
    fmi3Float64 last_successful = t + dt;
    const fmi3Status status = f_.do_step(handle_.instance, t, dt, fmi3True, &event_handling_needed,
                                         &terminate, &early_return, &last_successful);
    if (status != fmi3OK && status != fmi3Warning && status != fmi3Discard) {
      fail(status, do_step_name);
    }
    const bool discarded = status == fmi3Discard;
    time_ = terminate || discarded ? last_successful : t + dt;
    return {discarded, terminate, last_successful};
  }

  void set_inputs(const double* values) {
    set_inputs(continuous_inputs_, values);
    set_inputs(discrete_inputs_, values);
  }
  void set_continuous_inputs(const double* values) { set_inputs(continuous_inputs_, values); }
  void set_discrete_inputs(const double* values) { set_inputs(discrete_inputs_, values); }

  void get_outputs(double* values) {
    std::apply([&](auto&... channels) { (get_channel(channels, values), ...); }, outputs_);
  }

  void set_parameter(const CheckedParameter& parameter) {
    const fmi3ValueReference reference = parameter.variable->value_reference;
    if (parameter.variable->type == VariableType::string) {
      const fmi3String value = parameter.text.c_str();
      check(f_.set_string(handle_.instance, &reference, 1, &value, 1), "fmi3SetString");
      return;
    }
    if (parameter.variable->type == VariableType::binary) {
      const std::size_t size = parameter.text.size();
      const auto* bytes = reinterpret_cast<const fmi3Byte*>(parameter.text.data());
      check(f_.set_binary(handle_.instance, &reference, 1, &size, &bytes, 1), "fmi3SetBinary");
      return;
    }
    visit_value_type(parameter.variable->type, [&](auto type) {
      using T = decltype(type);
      Channel<T> channel;
      channel.add(reference, 0, parameter.numbers.size());
      set_channel(channel, parameter.numbers.data());
    });
  }

 private:
  void build(const std::vector<Port>& ports, PortSelection selection, Channels& channels) {
    for_each_port_variable(
        ports, selection, [&](std::size_t index, std::size_t port, std::size_t elements) {
          const Variable& variable = description_.variables[index];
          visit_value_type(variable.type, [&](auto value) {
            using T = decltype(value);
            std::get<Channel<T>>(channels).add(variable.value_reference, port, elements);
          });
        });
  }

  template <typename T>
  void set_channel(Channel<T>& channel, const double* values) {
    if (channel.empty()) return;
    channel.load(values);
    check(Accessors<T>::set(f_)(handle_.instance, channel.references.data(),
                                channel.references.size(), channel.buffer.get(), channel.size()),
          Accessors<T>::set_name);
  }

  template <typename T>
  void get_channel(Channel<T>& channel, double* values) {
    if (channel.empty()) return;
    check(Accessors<T>::get(f_)(handle_.instance, channel.references.data(),
                                channel.references.size(), channel.buffer.get(), channel.size()),
          Accessors<T>::get_name);
    channel.store(values);
  }

  void set_inputs(Channels& channels, const double* values) {
    std::apply([&](auto&... channel) { (set_channel(channel, values), ...); }, channels);
  }

  Channels continuous_inputs_;
  Channels discrete_inputs_;
  Channels outputs_;
};

// The model-exchange calls of an FMI 3 instance, for ModelExchangeDriver.
class Fmi3ModelExchangeBackend {
 public:
  Fmi3ModelExchangeBackend(const Fmu& fmu, const DriverOptions& options)
      : instance_(fmu, Interface::model_exchange, options),
        f_(instance_.functions()),
        needs_completed_step_(fmu.description().model_exchange->needs_completed_integrator_step) {}

  void initialize(const DriverOptions& options, const double* inputs) {
    instance_.initialize(options, inputs);
    instance_.check(f_.get_number_of_continuous_states(i(), &states_),
                    "fmi3GetNumberOfContinuousStates");
    instance_.check(f_.get_number_of_event_indicators(i(), &indicators_),
                    "fmi3GetNumberOfEventIndicators");
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
    instance_.check(f_.set_time(i(), time), "fmi3SetTime");
  }
  void set_states(const double* x) {
    if (states_ == 0) return;
    instance_.check(f_.set_continuous_states(i(), x, states_), "fmi3SetContinuousStates");
  }
  void get_derivatives(double* dx) {
    if (states_ == 0) return;
    instance_.check(f_.get_continuous_state_derivatives(i(), dx, states_),
                    "fmi3GetContinuousStateDerivatives");
  }
  void get_event_indicators(double* z) {
    if (indicators_ == 0) return;
    instance_.check(f_.get_event_indicators(i(), z, indicators_), "fmi3GetEventIndicators");
  }
  void get_states(double* x) {
    if (states_ == 0) return;
    instance_.check(f_.get_continuous_states(i(), x, states_), "fmi3GetContinuousStates");
  }
  void get_nominals(double* nominals) {
    if (states_ == 0) return;
    instance_.check(f_.get_nominals_of_continuous_states(i(), nominals, states_),
                    "fmi3GetNominalsOfContinuousStates");
  }
  CompletedStep completed_integrator_step() {
    if (!needs_completed_step_) return {};
    fmi3Boolean enter_event_mode = fmi3False;
    fmi3Boolean terminate = fmi3False;
    instance_.check(f_.completed_integrator_step(i(), fmi3True, &enter_event_mode, &terminate),
                    "fmi3CompletedIntegratorStep");
    return {enter_event_mode, terminate};
  }
  void enter_event_mode() { instance_.check(f_.enter_event_mode(i()), "fmi3EnterEventMode"); }
  EventUpdate update_discrete_states() {
    fmi3Boolean needs_update = fmi3False;
    fmi3Boolean terminate = fmi3False;
    fmi3Boolean nominals_changed = fmi3False;
    fmi3Boolean values_changed = fmi3False;
    fmi3Boolean next_defined = fmi3False;
    fmi3Float64 next_time = 0.0;
    instance_.check(f_.update_discrete_states(i(), &needs_update, &terminate, &nominals_changed,
                                              &values_changed, &next_defined, &next_time),
                    "fmi3UpdateDiscreteStates");
    return {needs_update, terminate, nominals_changed, values_changed, next_defined, next_time};
  }
  void enter_continuous_time_mode() {
    instance_.check(f_.enter_continuous_time_mode(i()), "fmi3EnterContinuousTimeMode");
  }

 private:
  fmi3Instance i() const { return instance_.instance(); }

  Fmi3Instance instance_;
  const Fmi3Functions& f_;
  std::size_t states_ = 0;
  std::size_t indicators_ = 0;
  bool needs_completed_step_;
};

}  // namespace

std::unique_ptr<Driver> make_fmi3_co_simulation(std::shared_ptr<const Fmu> fmu,
                                                const DriverOptions& options) {
  return std::make_unique<CoSimulationDriver<Fmi3Instance>>(std::move(fmu), options);
}

std::unique_ptr<Driver> make_fmi3_model_exchange(std::shared_ptr<const Fmu> fmu,
                                                 const DriverOptions& options) {
  return std::make_unique<ModelExchangeDriver<Fmi3ModelExchangeBackend>>(std::move(fmu), options);
}

}  // namespace twinloop::fmi
