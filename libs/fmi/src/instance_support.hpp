#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "twinloop/fmi/driver.hpp"
#include "twinloop/fmi/fmu.hpp"

namespace twinloop::fmi {

// What an instance's logger callback writes to: the caller's sink, plus the latest problem the
// FMU reported, so that an error thrown for a failed call can quote it.
struct LogContext {
  std::string instance;
  LogSink sink;
  std::string last_problem;  // the latest message logged with status warning or worse

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

// Builds the FmuError for `function` returning `status` at `time`.
FmuError call_failed(LogContext& log, std::string_view function, Status status, double time);

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

}  // namespace twinloop::fmi
