#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "twinloop/core/error.hpp"
#include "twinloop/fmi/fmu.hpp"

namespace twinloop::fmi {

// The status an FMU returns or logs with (fmi2Status / fmi3Status).
enum class Status { ok, warning, discard, error, fatal, pending };

std::string_view to_string(Status status);

struct LogMessage {
  std::string_view instance;
  Status status;
  std::string_view category;
  std::string_view message;
};

// Receives every message the FMU logs, with the instance name. Called on the thread that
// calls the driver.
using LogSink = std::function<void(const LogMessage&)>;

// A start value set before initialisation: a number (Booleans 0/1), one number per element for
// FMI 3 arrays, or text for String variables (Binary ones take hexadecimal digits).
using StartValue = std::variant<double, std::vector<double>, std::string>;

enum class Solver {
  rk4,             // classic fourth-order Runge-Kutta with a fixed step
  dormand_prince,  // adaptive Runge-Kutta 5(4) with step size control
};

struct DriverOptions {
  std::string instance_name = "fmu";
  std::optional<Interface> interface;  // default: Fmu::preferred_interface()
  LogSink log;
  // Asks the FMU to log more (loggingOn), limited to these of its <LogCategories> when given.
  bool logging_on = false;
  std::vector<std::string> log_categories;
  // Start values of parameters (causality parameter, variability fixed or tunable), set after
  // instantiation and before initialisation.
  std::vector<std::pair<std::string, StartValue>> parameters;
  double start_time = 0.0;
  std::optional<double> stop_time;
  // Co-simulation: passed to the FMU. Model exchange: the relative tolerance of the adaptive
  // solver (default: the FMU's DefaultExperiment tolerance, else 1e-6), also passed to the FMU.
  std::optional<double> tolerance;

  // Model exchange only.
  Solver solver = Solver::dormand_prince;
  // RK4: the integration step (0: one step per communication step). Dormand-Prince: the
  // largest step (0: no bound beyond the communication step).
  double max_step = 0.0;
  double absolute_tolerance = 1e-8;  // per state, scaled with the state's nominal value
  // Events within one communication step beyond this count are taken for chattering.
  std::size_t max_events_per_step = 10'000;
};

// What a step reached. `terminated` is set when the FMU asked to end the simulation (FMI 2:
// fmi2Discard with fmi2Terminated; FMI 3: terminateSimulation; model exchange: terminate from
// an event or a completed integrator step); `time` is then where it stopped.
struct StepResult {
  bool terminated = false;
  double time = 0.0;
};

// Counters of the model-exchange integrator (zero for co-simulation).
struct IntegratorStatistics {
  std::uint64_t steps = 0;
  std::uint64_t rejected_steps = 0;
  std::uint64_t derivative_evaluations = 0;
  std::uint64_t state_events = 0;
  std::uint64_t time_events = 0;
  std::uint64_t step_events = 0;
};

// A call into the FMU failed (fmi2Error/fmi3Error, fatal, or a discard twinloop cannot honour).
// The message names the instance, the function, the time and what the FMU logged.
class FmuError : public core::Error {
 public:
  FmuError(std::string detail, std::string function, Status status, double time);
  const std::string& function() const noexcept { return function_; }
  Status status() const noexcept { return status_; }
  double time() const noexcept { return time_; }

 private:
  std::string function_;
  Status status_;
  double time_;
};

// One instance of an FMU, driven the way the engine steps a block: the constructor
// instantiates it and sets the parameters; `initialize` runs the initialisation sequence of the
// standard; then, once per engine step, `set_inputs`, `step(t, dt)` and `get_outputs`. Values
// are one double per port of `ports()` (bools 0/1, integers integral). The instance is
// terminated and freed by the destructor, on every path. No call after construction allocates
// memory unless the FMU logs.
class Driver {
 public:
  virtual ~Driver() = default;

  const PortLayout& ports() const { return fmu_->ports(); }
  const Fmu& fmu() const { return *fmu_; }
  Interface interface() const { return interface_; }

  // `inputs`, when given, are set in initialisation mode (one per input port).
  virtual void initialize(const double* inputs = nullptr) = 0;
  virtual void set_inputs(const double* values) = 0;
  // Advances from t to t + dt (t must be where the previous step ended). Throws FmuError.
  virtual StepResult step(double t, double dt) = 0;
  virtual void get_outputs(double* values) = 0;
  // Sets a parameter: before `initialize` any settable one (as a start value); afterwards only
  // tunable ones, between steps (under model exchange that is an event). Kept across reset().
  // Throws core::Error (unprocessable) as make_driver does for bad parameters.
  virtual void set_parameter(const std::string& name, const StartValue& value) = 0;
  // fmiReset: back to the state after construction, with the parameters set again, so that
  // `initialize` may start a new run. Not possible after the FMU returned Fatal.
  virtual void reset() = 0;
  // Where the instance is in simulated time.
  virtual double time() const = 0;
  virtual IntegratorStatistics statistics() const { return {}; }

 protected:
  Driver(std::shared_ptr<const Fmu> fmu, Interface interface)
      : fmu_(std::move(fmu)), interface_(interface) {}

  std::shared_ptr<const Fmu> fmu_;
  Interface interface_;
};

// Instantiates the FMU with the interface the options ask for (or its preferred one). Throws
// core::Error (unprocessable) for an interface the FMU lacks, an unknown parameter, a value of
// the wrong type or out of range; FmuError when instantiation fails.
std::unique_ptr<Driver> make_driver(std::shared_ptr<const Fmu> fmu,
                                    const DriverOptions& options = {});

}  // namespace twinloop::fmi
