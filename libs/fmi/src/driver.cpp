#include "twinloop/fmi/driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <mutex>
#include <set>

#include "drivers.hpp"
#include "fmu_binary.hpp"
#include "instance_support.hpp"
#include "value_types.hpp"

namespace twinloop::fmi {

std::string_view to_string(Status status) {
  static constexpr std::array<std::string_view, 6> names{"OK",    "Warning", "Discard",
                                                         "Error", "Fatal",   "Pending"};
  const auto index = static_cast<std::size_t>(status);
  return index < names.size() ? names[index] : "?";
}

FmuError::FmuError(std::string detail, std::string function, Status status, double time)
    : core::Error(core::ErrorKind::unprocessable, std::move(detail), {}, "fmu-failed"),
      function_(std::move(function)),
      status_(status),
      time_(time) {}

namespace {

// The name of the FMI 2 variable that #<type><value reference># stands for, or nullptr.
const Variable* fmi2_variable(const ModelDescription& description, char type,
                              std::string_view digits) {
  std::uint32_t reference = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), reference);
  if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty()) {
    return nullptr;
  }
  for (const Variable& variable : description.variables) {
    if (variable.value_reference != reference) continue;
    const bool same_type = (type == 'r' && variable.type == VariableType::float64) ||
                           (type == 'i' && (variable.type == VariableType::int32 ||
                                            variable.type == VariableType::enumeration)) ||
                           (type == 'b' && variable.type == VariableType::boolean) ||
                           (type == 's' && variable.type == VariableType::string);
    if (same_type) return &variable;
  }
  return nullptr;
}

std::string expand_fmi2_references(const ModelDescription& description, std::string_view text) {
  std::string expanded;
  expanded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '#') {
      expanded += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '#') {
      expanded += '#';
      ++i;
      continue;
    }
    const std::size_t close = text.find('#', i + 1);
    const Variable* variable =
        close == std::string_view::npos || close < i + 3
            ? nullptr
            : fmi2_variable(description, text[i + 1], text.substr(i + 2, close - i - 2));
    if (variable == nullptr) {
      expanded += '#';
      continue;
    }
    expanded += variable->name;
    i = close;
  }
  return expanded;
}

}  // namespace

void LogContext::record(Status status, const char* category, std::string_view message) {
  std::string expanded;
  if (fmi2_variables != nullptr && message.find('#') != std::string_view::npos) {
    expanded = expand_fmi2_references(*fmi2_variables, message);
    message = expanded;
  }
  if (status >= Status::warning && status != Status::pending) last_problem.assign(message);
  if (sink) sink(LogMessage{instance, status, category != nullptr ? category : "", message});
}

std::string LogContext::take_problem() {
  if (last_problem.empty()) return {};
  std::string quoted = fmt::format(" (the FMU logged: {})", last_problem);
  last_problem.clear();
  return quoted;
}

Status status_of(fmi2Status status) {
  switch (status) {
    case fmi2OK:
      return Status::ok;
    case fmi2Warning:
      return Status::warning;
    case fmi2Discard:
      return Status::discard;
    case fmi2Error:
      return Status::error;
    case fmi2Fatal:
      return Status::fatal;
    case fmi2Pending:
      return Status::pending;
  }
  return Status::fatal;
}

Status status_of(fmi3Status status) {
  switch (status) {
    case fmi3OK:
      return Status::ok;
    case fmi3Warning:
      return Status::warning;
    case fmi3Discard:
      return Status::discard;
    case fmi3Error:
      return Status::error;
    case fmi3Fatal:
      return Status::fatal;
  }
  return Status::fatal;
}

void call_out_of_order(bool initialized, CallOrder order, const char* what) {
  if (order == CallOrder::before_initialisation) {
    throw core::Error(core::ErrorKind::internal, "the FMU instance is initialised already");
  }
  if (order != CallOrder::any_but_terminated && !initialized) {
    throw core::Error(core::ErrorKind::internal,
                      fmt::format("{} before the FMU instance was initialised", what));
  }
  throw core::Error(core::ErrorKind::internal,
                    fmt::format("{} after the FMU asked to terminate", what));
}

FmuError call_failed(LogContext& log, std::string_view function, Status status, double time) {
  return FmuError(fmt::format("FMU instance \"{}\": {} returned {} at t = {}{}", log.instance,
                              function, to_string(status), time, log.take_problem()),
                  std::string(function), status, time);
}

namespace {

std::mutex& slots_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::set<std::string>& taken_slots() {
  static std::set<std::string> slots;
  return slots;
}

}  // namespace

ProcessSlot::ProcessSlot(const Fmu& fmu, Interface interface) {
  const ModelDescription& description = fmu.description();
  const bool once = interface == Interface::co_simulation
                        ? description.co_simulation->can_be_instantiated_only_once_per_process
                        : description.model_exchange->can_be_instantiated_only_once_per_process;
  if (!once) return;
  std::string key = fmu.binary(interface).file.string();
  const std::lock_guard lock(slots_mutex());
  if (!taken_slots().insert(key).second) {
    core::throw_unprocessable(
        fmt::format("the FMU \"{}\" can be instantiated only once per process, and an instance "
                    "of it exists already",
                    description.model_name),
        {}, "fmu-instantiated-once");
  }
  key_ = std::move(key);
}

ProcessSlot::~ProcessSlot() {
  if (key_.empty()) return;
  const std::lock_guard lock(slots_mutex());
  taken_slots().erase(key_);
}

namespace {

[[noreturn]] void bad_parameter(const std::string& name, const std::string& problem) {
  core::throw_unprocessable(fmt::format("parameter \"{}\": {}", name, problem),
                            "/parameters/" + core::json_pointer_token(name));
}

std::string decode_hex(const std::string& name, const std::string& hex) {
  if (hex.size() % 2 != 0) bad_parameter(name, "a Binary value needs an even number of hex digits");
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    for (std::size_t j = i; j < i + 2; ++j) {
      const char c = hex[j];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        bad_parameter(name, fmt::format("\"{}\" is not hexadecimal", hex));
      }
    }
    bytes += static_cast<char>(value);
  }
  return bytes;
}

}  // namespace

CheckedParameter check_parameter(const ModelDescription& description, const std::string& name,
                                 const StartValue& value) {
  const Variable* variable = description.find(name);
  if (variable == nullptr) {
    bad_parameter(
        name, fmt::format("the FMU \"{}\" has no variable of that name", description.model_name));
  }
  if (variable->causality != Causality::parameter) {
    bad_parameter(name, fmt::format("its causality is {}; only parameters can be set",
                                    to_string(variable->causality)));
  }
  if (variable->variability == Variability::constant) {
    bad_parameter(name, "it is a constant");
  }
  if (variable->initial == Initial::calculated) bad_parameter(name, "it is calculated by the FMU");
  CheckedParameter checked;
  checked.variable = variable;
  if (variable->type == VariableType::clock) bad_parameter(name, "Clock variables cannot be set");
  if (variable->type == VariableType::string || variable->type == VariableType::binary) {
    const auto* text = std::get_if<std::string>(&value);
    if (text == nullptr || variable->element_count() != 1) {
      bad_parameter(name, fmt::format("expected a text value for this {} parameter",
                                      to_string(variable->type)));
    }
    checked.text = variable->type == VariableType::binary ? decode_hex(name, *text) : *text;
    return checked;
  }
  if (const auto* number = std::get_if<double>(&value)) {
    checked.numbers.push_back(*number);
  } else if (const auto* numbers = std::get_if<std::vector<double>>(&value)) {
    checked.numbers = *numbers;
  } else {
    bad_parameter(
        name, fmt::format("expected a number for this {} parameter", to_string(variable->type)));
  }
  if (checked.numbers.size() != variable->element_count()) {
    bad_parameter(name, fmt::format("expected {} values, got {}", variable->element_count(),
                                    checked.numbers.size()));
  }
  const auto [low, high] = value_range(variable->type, description.version);
  for (const double number : checked.numbers) {
    if (std::isnan(number) && variable->type != VariableType::float32 &&
        variable->type != VariableType::float64) {
      bad_parameter(name, "NaN is not a value of this type");
    }
    if (variable->type == VariableType::boolean && number != 0.0 && number != 1.0) {
      bad_parameter(name, fmt::format("a Boolean takes 0 or 1, got {}", number));
    }
    if (is_integer(variable->type) && number != std::floor(number)) {
      bad_parameter(
          name, fmt::format("{} takes whole numbers, got {}", to_string(variable->type), number));
    }
    if (number < low || number > high) {
      bad_parameter(
          name, fmt::format("{} is outside the range of {}", number, to_string(variable->type)));
    }
    if (variable->min && number < *variable->min) {
      bad_parameter(name, fmt::format("{} is below its minimum {}", number, *variable->min));
    }
    if (variable->max && number > *variable->max) {
      bad_parameter(name, fmt::format("{} is above its maximum {}", number, *variable->max));
    }
  }
  return checked;
}

std::vector<const char*> checked_log_categories(const ModelDescription& description,
                                                const DriverOptions& options) {
  std::vector<const char*> categories;
  for (const std::string& category : options.log_categories) {
    const auto& known = description.log_categories;
    if (std::find(known.begin(), known.end(), category) == known.end()) {
      core::throw_unprocessable(
          fmt::format("log category \"{}\" is not one of the FMU's <LogCategories>", category),
          "/log_categories");
    }
    categories.push_back(category.c_str());
  }
  return categories;
}

CheckedParameter check_parameter_change(const ModelDescription& description, DriverOptions& options,
                                        bool initialized, const std::string& name,
                                        const StartValue& value) {
  CheckedParameter checked = check_parameter(description, name, value);
  if (initialized && checked.variable->variability != Variability::tunable) {
    bad_parameter(name, fmt::format("its variability is {}; only tunable parameters can change "
                                    "after initialisation",
                                    to_string(checked.variable->variability)));
  }
  const auto earlier = std::find_if(options.parameters.begin(), options.parameters.end(),
                                    [&](const auto& setting) { return setting.first == name; });
  if (earlier != options.parameters.end()) {
    earlier->second = value;
  } else {
    options.parameters.emplace_back(name, value);
  }
  return checked;
}

std::unique_ptr<Driver> make_driver(std::shared_ptr<const Fmu> fmu, const DriverOptions& options) {
  const Interface interface = options.interface.value_or(fmu->preferred_interface());
  fmu->binary(interface);  // refuses an interface the FMU lacks
  for (const auto& [name, value] : options.parameters) {
    check_parameter(fmu->description(), name, value);
  }
  checked_log_categories(fmu->description(), options);
  if (fmu->description().version == FmiVersion::fmi2) {
    return interface == Interface::co_simulation
               ? make_fmi2_co_simulation(std::move(fmu), options)
               : make_fmi2_model_exchange(std::move(fmu), options);
  }
  return interface == Interface::co_simulation ? make_fmi3_co_simulation(std::move(fmu), options)
                                               : make_fmi3_model_exchange(std::move(fmu), options);
}

}  // namespace twinloop::fmi
