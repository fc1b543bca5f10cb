#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "twinloop/fmi/driver.hpp"
#include "twinloop/fmi/fmi2_api.h"
#include "twinloop/fmi/fmi3_api.h"
#include "twinloop/fmi/fmu.hpp"

namespace twinloop::fmi {

// What an instance's logger callback writes to: the caller's sink, plus the latest problem the
// FMU reported, so that an error thrown for a failed call can quote it.
struct LogContext {
  std::string instance;
  LogSink sink;
  std::string last_problem;  // the latest message logged with status warning or worse
  // FMI 2 only: messages may name variables as #r12#, #i3#, #b0#, #s1# (type and value
  // reference) and write "#" as "##"; record() puts the names in.
  const ModelDescription* fmi2_variables = nullptr;

  void record(Status status, const char* category, std::string_view message);
  // " (the FMU logged: ...)" when it did, and forgets it.
  std::string take_problem();
};

// Held by an instance of an FMU whose interface says canBeInstantiatedOnlyOncePerProcess: a
// second instance of the same binary is refused while the first lives.
class ProcessSlot {
 public:
  ProcessSlot(const Fmu& fmu, Interface interface);
  ~ProcessSlot();
  ProcessSlot(const ProcessSlot&) = delete;
  ProcessSlot& operator=(const ProcessSlot&) = delete;

 private:
  std::string key_;  // empty when the FMU may be instantiated many times
};

// What a doStep reached: the whole step, a step the FMU discarded (it reached only
// last_successful_time), or the FMU asking to terminate at last_successful_time.
struct DoStepOutcome {
  bool discarded = false;
  bool terminate = false;
  double last_successful_time = 0.0;
};

// Where in an instance's life a driver call belongs; require_order throws core::Error
// (internal) for a call out of order.
enum class CallOrder { before_initialisation, initialised, running, any_but_terminated };
[[noreturn]] void call_out_of_order(bool initialized, CallOrder order, const char* what);

// Inline: it guards every step.
inline void require_order(bool initialized, bool terminated, CallOrder order, const char* what) {
  bool in_order = false;
  switch (order) {
    case CallOrder::before_initialisation:
      in_order = !initialized;
      break;
    case CallOrder::initialised:
      in_order = initialized;
      break;
    case CallOrder::running:
      in_order = initialized && !terminated;
      break;
    case CallOrder::any_but_terminated:
      in_order = !terminated;
      break;
  }
  if (!in_order) call_out_of_order(initialized, order, what);
}

// Owns an FMI 2 or FMI 3 instance: terminated only after a successful initialisation, freed
// unless the FMU returned Fatal (after which the standard allows no call at all).
template <typename Functions, typename Pointer>
struct InstanceHandle {
  const Functions* functions = nullptr;
  Pointer instance = nullptr;
  bool initialized = false;
  bool failed = false;
  bool fatal = false;

  InstanceHandle() = default;
  InstanceHandle(const InstanceHandle&) = delete;
  InstanceHandle& operator=(const InstanceHandle&) = delete;
  ~InstanceHandle() {
    if (instance == nullptr || fatal) return;
    if (initialized && !failed) functions->terminate(instance);
    functions->free_instance(instance);
  }
};

// Builds the FmuError for `function` returning `status` at `time`.
FmuError call_failed(LogContext& log, std::string_view function, Status status, double time);

// The status of the standard as twinloop's; a value outside the standard counts as fatal.
Status status_of(fmi2Status status);
Status status_of(fmi3Status status);

// A group of ports of one FMI type, exchanged with one getter or setter call: the value
// references (one per variable), the port of each element and a buffer of the FMI type.
template <typename T, bool boolean = std::is_same_v<T, bool>>
struct Channel {
  std::vector<std::uint32_t> references;
  std::vector<std::size_t> ports;
  std::unique_ptr<T[]> buffer;  // not a vector: std::vector<bool> has no data()

  bool empty() const { return references.empty(); }
  std::size_t size() const { return ports.size(); }

  void add(std::uint32_t reference, std::size_t first_port, std::size_t elements) {
    references.push_back(reference);
    for (std::size_t i = 0; i < elements; ++i)
      ports.push_back(first_port + i);
    buffer = std::make_unique<T[]>(ports.size());
  }

  // Converts the engine's doubles into the buffer: bools are "not zero", integers are rounded
  // and clamped to the type's range (NaN becomes 0), so no conversion is undefined.
  void load(const double* values) {
    for (std::size_t i = 0; i < ports.size(); ++i)
      buffer[i] = convert(values[ports[i]]);
  }

  void store(double* values) const {
    for (std::size_t i = 0; i < ports.size(); ++i) {
      if constexpr (boolean) {
        values[ports[i]] = buffer[i] ? 1.0 : 0.0;
      } else {
        values[ports[i]] = static_cast<double>(buffer[i]);
      }
    }
  }

  static T convert(double value) {
    if constexpr (boolean) {
      return static_cast<T>(value != 0.0);
    } else if constexpr (std::is_floating_point_v<T>) {
      // A double beyond the float range has no float value to convert to: saturate to infinity.
      constexpr double largest = static_cast<double>(std::numeric_limits<T>::max());
      if (value > largest) return std::numeric_limits<T>::infinity();
      if (value < -largest) return -std::numeric_limits<T>::infinity();
      return static_cast<T>(value);
    } else {
      if (std::isnan(value)) return 0;
      constexpr double high = static_cast<double>(std::numeric_limits<T>::max());
      constexpr double low = static_cast<double>(std::numeric_limits<T>::lowest());
      if (value >= high) return std::numeric_limits<T>::max();
      if (value <= low) return std::numeric_limits<T>::lowest();
      return static_cast<T>(std::nearbyint(value));
    }
  }
};

// Which ports of a layout a channel set takes.
enum class PortSelection { all, continuous, discrete };

inline bool selected(const Port& port, PortSelection selection) {
  if (selection == PortSelection::all) return true;
  const bool continuous = port.variability == Variability::continuous;
  return continuous == (selection == PortSelection::continuous);
}

// Calls `add(variable, first_port, element_count)` once per variable of the selected ports.
template <typename Add>
void for_each_port_variable(const std::vector<Port>& ports, PortSelection selection, Add add) {
  for (std::size_t index = 0; index < ports.size(); ++index) {
    if (ports[index].element != 0 || !selected(ports[index], selection)) continue;
    std::size_t elements = 1;
    while (index + elements < ports.size() &&
           ports[index + elements].variable == ports[index].variable) {
      ++elements;
    }
    add(ports[index].variable, index, elements);
  }
}

// A parameter setting checked against the variable it names.
struct CheckedParameter {
  const Variable* variable = nullptr;
  std::vector<double> numbers;  // numeric, Boolean and Enumeration types: one per element
  std::string text;             // String; Binary as its bytes
};

// Checks one setting of DriverOptions::parameters: the variable exists, is a parameter that
// may be set before initialisation, and the value has its type, element count and range.
// Throws core::Error (unprocessable) pointing at /parameters/<name>.
CheckedParameter check_parameter(const ModelDescription& description, const std::string& name,
                                 const StartValue& value);

// The categories of DriverOptions::log_categories, checked against the FMU's <LogCategories>;
// throws core::Error (unprocessable) for one the FMU does not declare.
std::vector<const char*> checked_log_categories(const ModelDescription& description,
                                                const DriverOptions& options);

// Checks a parameter set through Driver::set_parameter: after initialisation only tunable ones
// may change. Records it in `options` (replacing an earlier setting) so that a reset keeps it.
CheckedParameter check_parameter_change(const ModelDescription& description, DriverOptions& options,
                                        bool initialized, const std::string& name,
                                        const StartValue& value);

// What an FMI 2 and an FMI 3 instance have in common: the once-per-process slot, the
// functions, the logger's context, the handle that frees the instance, the time reached, and
// the status checks. `Callbacks` is what the FMU keeps a pointer to (FMI 2's callback
// structure); it is declared before the handle so that it outlives the instance.
//
// `Derived` (the version's instance class) names its functions for messages (reset_name,
// set_debug_logging_name) and sets one checked parameter (set_parameter).
template <typename Derived, typename Functions, typename Pointer, typename Callbacks>
class InstanceCore {
 public:
  InstanceCore(const Fmu& fmu, Interface interface, const DriverOptions& options,
               const Functions& functions)
      : slot_(fmu, interface), f_(functions), description_(fmu.description()) {
    log_.instance = options.instance_name;
    log_.sink = options.log;
    handle_.functions = &f_;
    time_ = options.start_time;
  }
  InstanceCore(const InstanceCore&) = delete;
  InstanceCore& operator=(const InstanceCore&) = delete;

  const Functions& functions() const { return f_; }
  Pointer instance() const { return handle_.instance; }
  LogContext& log() { return log_; }
  double time() const { return time_; }
  void set_time_reached(double time) { time_ = time; }

  // Throws for anything worse than a warning; remembers what the state machine then allows.
  template <typename FmiStatus>
  void check(FmiStatus status, const char* function) {
    // OK and Warning are 0 and 1 in both versions; this runs on every call into the FMU.
    if (static_cast<unsigned>(status) <= 1u) return;
    fail(status, function);
  }

  template <typename FmiStatus>
  [[noreturn]] void fail(FmiStatus status, const char* function) {
    handle_.failed = true;
    handle_.fatal = handle_.fatal || status_of(status) == Status::fatal;
    throw call_failed(log_, function, status_of(status), time_);
  }

  void apply_parameters(const DriverOptions& options) {
    for (const auto& [name, value] : options.parameters) {
      static_cast<Derived*>(this)->set_parameter(check_parameter(description_, name, value));
    }
  }

  // fmiReset: back to the instantiated state, with the parameters set again.
  void reset(const DriverOptions& options) {
    if (handle_.fatal) {
      throw core::Error(
          core::ErrorKind::unprocessable,
          fmt::format("FMU instance \"{}\" cannot be reset after a fatal error", log_.instance));
    }
    check(f_.reset(handle_.instance), Derived::reset_name);
    handle_.initialized = false;
    handle_.failed = false;
    time_ = options.start_time;
    apply_parameters(options);
  }

 protected:
  // Once the derived class has instantiated: refuses a failed instantiation, asks for the
  // chosen log categories and sets the parameters.
  void set_up(const DriverOptions& options, const char* instantiate_name) {
    if (handle_.instance == nullptr) {
      throw call_failed(log_, instantiate_name, Status::error, options.start_time);
    }
    if (options.logging_on && !options.log_categories.empty()) {
      const std::vector<const char*> categories = checked_log_categories(description_, options);
      check(f_.set_debug_logging(handle_.instance, true, categories.size(), categories.data()),
            Derived::set_debug_logging_name);
    }
    apply_parameters(options);
  }

 protected:
  ProcessSlot slot_;
  const Functions& f_;
  const ModelDescription& description_;
  LogContext log_;
  Callbacks callbacks_{};
  InstanceHandle<Functions, Pointer> handle_;  // last: the FMU may log while it is freed
  double time_ = 0.0;
};

}  // namespace twinloop::fmi
