#include "twinloop/fmi/fmu.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "fmu_binary.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::fmi {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& problem) {
  core::throw_unprocessable(problem, {}, "invalid-fmu");
}

// Collects the functions a binary lacks, so one message names all of them.
class Resolver {
 public:
  explicit Resolver(const SharedLibrary& library) : library_(library) {}

  template <typename Function>
  void operator()(Function*& slot, const char* name) {
    void* symbol = library_.symbol(name);
    if (symbol == nullptr) {
      if (!missing_.empty()) missing_ += ", ";
      missing_ += name;
      return;
    }
    static_assert(sizeof(slot) == sizeof(symbol));
    std::memcpy(&slot, &symbol, sizeof(slot));
  }

  const std::string& missing() const { return missing_; }

 private:
  const SharedLibrary& library_;
  std::string missing_;
};

void resolve_fmi2(Resolver& resolve, Fmi2Functions& f, Interface interface) {
  resolve(f.get_types_platform, "fmi2GetTypesPlatform");
  resolve(f.get_version, "fmi2GetVersion");
  resolve(f.set_debug_logging, "fmi2SetDebugLogging");
  resolve(f.instantiate, "fmi2Instantiate");
  resolve(f.free_instance, "fmi2FreeInstance");
  resolve(f.setup_experiment, "fmi2SetupExperiment");
  resolve(f.enter_initialization_mode, "fmi2EnterInitializationMode");
  resolve(f.exit_initialization_mode, "fmi2ExitInitializationMode");
  resolve(f.terminate, "fmi2Terminate");
  resolve(f.reset, "fmi2Reset");
  resolve(f.get_real, "fmi2GetReal");
  resolve(f.get_integer, "fmi2GetInteger");
  resolve(f.get_boolean, "fmi2GetBoolean");
  resolve(f.get_string, "fmi2GetString");
  resolve(f.set_real, "fmi2SetReal");
  resolve(f.set_integer, "fmi2SetInteger");
  resolve(f.set_boolean, "fmi2SetBoolean");
  resolve(f.set_string, "fmi2SetString");
  if (interface == Interface::co_simulation) {
    resolve(f.do_step, "fmi2DoStep");
    resolve(f.cancel_step, "fmi2CancelStep");
    resolve(f.get_status, "fmi2GetStatus");
    resolve(f.get_real_status, "fmi2GetRealStatus");
    resolve(f.get_integer_status, "fmi2GetIntegerStatus");
    resolve(f.get_boolean_status, "fmi2GetBooleanStatus");
    resolve(f.get_string_status, "fmi2GetStringStatus");
  } else {
    resolve(f.enter_event_mode, "fmi2EnterEventMode");
    resolve(f.new_discrete_states, "fmi2NewDiscreteStates");
    resolve(f.enter_continuous_time_mode, "fmi2EnterContinuousTimeMode");
    resolve(f.completed_integrator_step, "fmi2CompletedIntegratorStep");
    resolve(f.set_time, "fmi2SetTime");
    resolve(f.set_continuous_states, "fmi2SetContinuousStates");
    resolve(f.get_derivatives, "fmi2GetDerivatives");
    resolve(f.get_event_indicators, "fmi2GetEventIndicators");
    resolve(f.get_continuous_states, "fmi2GetContinuousStates");
    resolve(f.get_nominals_of_continuous_states, "fmi2GetNominalsOfContinuousStates");
  }
}

void resolve_fmi3(Resolver& resolve, Fmi3Functions& f, Interface interface) {
  resolve(f.get_version, "fmi3GetVersion");
  resolve(f.set_debug_logging, "fmi3SetDebugLogging");
  resolve(f.free_instance, "fmi3FreeInstance");
  resolve(f.enter_initialization_mode, "fmi3EnterInitializationMode");
  resolve(f.exit_initialization_mode, "fmi3ExitInitializationMode");
  resolve(f.enter_event_mode, "fmi3EnterEventMode");
  resolve(f.terminate, "fmi3Terminate");
  resolve(f.reset, "fmi3Reset");
  resolve(f.get_float32, "fmi3GetFloat32");
  resolve(f.set_float32, "fmi3SetFloat32");
  resolve(f.get_float64, "fmi3GetFloat64");
  resolve(f.set_float64, "fmi3SetFloat64");
  resolve(f.get_int8, "fmi3GetInt8");
  resolve(f.set_int8, "fmi3SetInt8");
  resolve(f.get_uint8, "fmi3GetUInt8");
  resolve(f.set_uint8, "fmi3SetUInt8");
  resolve(f.get_int16, "fmi3GetInt16");
  resolve(f.set_int16, "fmi3SetInt16");
  resolve(f.get_uint16, "fmi3GetUInt16");
  resolve(f.set_uint16, "fmi3SetUInt16");
  resolve(f.get_int32, "fmi3GetInt32");
  resolve(f.set_int32, "fmi3SetInt32");
  resolve(f.get_uint32, "fmi3GetUInt32");
  resolve(f.set_uint32, "fmi3SetUInt32");
  resolve(f.get_int64, "fmi3GetInt64");
  resolve(f.set_int64, "fmi3SetInt64");
  resolve(f.get_uint64, "fmi3GetUInt64");
  resolve(f.set_uint64, "fmi3SetUInt64");
  resolve(f.get_boolean, "fmi3GetBoolean");
  resolve(f.set_boolean, "fmi3SetBoolean");
  resolve(f.get_string, "fmi3GetString");
  resolve(f.set_string, "fmi3SetString");
  resolve(f.get_binary, "fmi3GetBinary");
  resolve(f.set_binary, "fmi3SetBinary");
  if (interface == Interface::co_simulation) {
    resolve(f.instantiate_co_simulation, "fmi3InstantiateCoSimulation");
    resolve(f.enter_step_mode, "fmi3EnterStepMode");
    resolve(f.do_step, "fmi3DoStep");
  } else {
    resolve(f.instantiate_model_exchange, "fmi3InstantiateModelExchange");
    resolve(f.get_number_of_continuous_states, "fmi3GetNumberOfContinuousStates");
    resolve(f.get_number_of_event_indicators, "fmi3GetNumberOfEventIndicators");
    resolve(f.update_discrete_states, "fmi3UpdateDiscreteStates");
    resolve(f.enter_continuous_time_mode, "fmi3EnterContinuousTimeMode");
    resolve(f.completed_integrator_step, "fmi3CompletedIntegratorStep");
    resolve(f.set_time, "fmi3SetTime");
    resolve(f.set_continuous_states, "fmi3SetContinuousStates");
    resolve(f.get_continuous_state_derivatives, "fmi3GetContinuousStateDerivatives");
    resolve(f.get_event_indicators, "fmi3GetEventIndicators");
    resolve(f.get_continuous_states, "fmi3GetContinuousStates");
    resolve(f.get_nominals_of_continuous_states, "fmi3GetNominalsOfContinuousStates");
  }
}

// RFC 3986 / RFC 8089: a file URI with an empty authority; everything outside the unreserved
// characters and "/" is percent-encoded.
std::string file_uri(const fs::path& directory) {
  std::string uri = "file://";
  for (unsigned char c : directory.string()) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '/';
    if (unreserved) {
      uri += static_cast<char>(c);
    } else {
      uri += fmt::format("%{:02X}", c);
    }
  }
  if (uri.back() != '/') uri += '/';
  return uri;
}

std::string element_suffix(const Variable& variable, std::size_t element) {
  if (variable.dimensions.empty()) return {};
  std::vector<std::size_t> indices(variable.dimensions.size());
  for (std::size_t d = variable.dimensions.size(); d-- > 0;) {
    const auto size = static_cast<std::size_t>(variable.dimensions[d].size);
    indices[d] = element % size + 1;
    element /= size;
  }
  std::string suffix = "[";
  for (std::size_t d = 0; d < indices.size(); ++d) {
    if (d > 0) suffix += ',';
    suffix += std::to_string(indices[d]);
  }
  return suffix + "]";
}

bool has_port_type(VariableType type) {
  return type != VariableType::string && type != VariableType::binary &&
         type != VariableType::clock;
}

}  // namespace

std::string_view to_string(Interface interface) {
  return interface == Interface::co_simulation ? "CoSimulation" : "ModelExchange";
}

PortLayout port_layout(const ModelDescription& description) {
  PortLayout layout;
  for (std::size_t index = 0; index < description.variables.size(); ++index) {
    const Variable& variable = description.variables[index];
    if (!has_port_type(variable.type)) continue;
    std::vector<Port>* ports = nullptr;
    if (variable.causality == Causality::input) ports = &layout.inputs;
    if (variable.causality == Causality::output) ports = &layout.outputs;
    if (ports == nullptr) continue;
    const std::size_t count = variable.element_count();
    for (std::size_t element = 0; element < count; ++element) {
      Port port;
      port.name = variable.name + element_suffix(variable, element);
      port.variable = index;
      port.element = element;
      port.type = variable.type;
      port.variability = variable.variability;
      port.unit = variable.unit;
      if (element < variable.start.size()) port.start = variable.start[element];
      ports->push_back(std::move(port));
    }
  }
  return layout;
}

std::vector<bool> direct_feedthrough(const ModelDescription& description, const PortLayout& ports) {
  std::vector<bool> reached(description.variables.size(), false);
  bool everything = false;
  for (std::size_t index = 0; index < description.variables.size() && !everything; ++index) {
    if (description.variables[index].causality != Causality::output) continue;
    const auto listed = std::find_if(
        description.model_structure.outputs.begin(), description.model_structure.outputs.end(),
        [&](const Unknown& unknown) { return unknown.variable == index; });
    if (listed == description.model_structure.outputs.end() || !listed->dependencies) {
      everything = true;
      break;
    }
    for (const std::size_t dependency : *listed->dependencies)
      reached[dependency] = true;
  }
  std::vector<bool> feedthrough;
  feedthrough.reserve(ports.inputs.size());
  for (const Port& input : ports.inputs)
    feedthrough.push_back(everything || reached[input.variable]);
  return feedthrough;
}

SharedLibrary::SharedLibrary(const fs::path& file) {
  handle_ = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* reason = ::dlerror();
    refuse(fmt::format("the FMU's binary {} cannot be loaded: {}", file.string(),
                       reason != nullptr ? reason : "unknown reason"));
  }
}

SharedLibrary::~SharedLibrary() {
  ::dlclose(handle_);
}

void* SharedLibrary::symbol(const char* name) const {
  return ::dlsym(handle_, name);
}

FmuBinary::FmuBinary(const fs::path& file_, FmiVersion version, Interface interface)
    : file(file_), library(file_) {
  Resolver resolve(library);
  if (version == FmiVersion::fmi2) {
    resolve_fmi2(resolve, fmi2, interface);
  } else {
    resolve_fmi3(resolve, fmi3, interface);
  }
  if (!resolve.missing().empty()) {
    refuse(fmt::format("the FMU's binary binaries/{}/{} does not export {} (needed for {})",
                       platform_folder(version), file.filename().string(), resolve.missing(),
                       to_string(interface)));
  }
  const char* reported = nullptr;
  if (version == FmiVersion::fmi2) {
    const char* platform = fmi2.get_types_platform();
    if (platform == nullptr || std::string_view(platform) != "default") {
      refuse(fmt::format("the FMU's binary {} reports types platform \"{}\", expected \"default\"",
                         file.filename().string(), platform != nullptr ? platform : ""));
    }
    reported = fmi2.get_version();
  } else {
    reported = fmi3.get_version();
  }
  const std::string_view expected = version == FmiVersion::fmi2 ? "2." : "3.";
  if (reported == nullptr || !std::string_view(reported).starts_with(expected)) {
    refuse(fmt::format(
        "the FMU's binary {} reports FMI version \"{}\", but its "
        "modelDescription.xml declares FMI {}.0",
        file.filename().string(), reported != nullptr ? reported : "", expected.front()));
  }
}

Fmu::~Fmu() = default;

std::shared_ptr<const Fmu> Fmu::open(const fs::path& directory) {
  std::shared_ptr<Fmu> fmu(new Fmu());
  fmu->directory_ = fs::absolute(directory).lexically_normal();
  fmu->description_ = read_model_description(fmu->directory_ / "modelDescription.xml");
  fmu->ports_ = port_layout(fmu->description_);
  const ModelDescription& description = fmu->description_;
  const fs::path binaries = fmu->directory_ / "binaries" / platform_folder(description.version);
  const auto load = [&](const std::string& identifier, Interface interface) {
    const fs::path file = binaries / (identifier + ".so");
    if (!fs::is_regular_file(file)) {
      refuse(fmt::format(
          "the FMU has no binary for this platform: binaries/{}/{}.so is missing "
          "(<{}> modelIdentifier=\"{}\")",
          platform_folder(description.version), identifier, to_string(interface), identifier));
    }
    return std::make_unique<FmuBinary>(file, description.version, interface);
  };
  if (description.co_simulation) {
    fmu->co_simulation_ =
        load(description.co_simulation->model_identifier, Interface::co_simulation);
  }
  if (description.model_exchange) {
    fmu->model_exchange_ =
        load(description.model_exchange->model_identifier, Interface::model_exchange);
  }
  const fs::path resources = fmu->directory_ / "resources";
  if (description.version == FmiVersion::fmi2) {
    fmu->resource_location_ = file_uri(resources);
  } else if (fs::is_directory(resources)) {
    fmu->resource_location_ = resources.string() + "/";
  }
  return fmu;
}

bool Fmu::supports(Interface interface) const {
  return interface == Interface::co_simulation ? co_simulation_ != nullptr
                                               : model_exchange_ != nullptr;
}

Interface Fmu::preferred_interface() const {
  return supports(Interface::co_simulation) ? Interface::co_simulation : Interface::model_exchange;
}

const FmuBinary& Fmu::binary(Interface interface) const {
  const std::unique_ptr<FmuBinary>& binary =
      interface == Interface::co_simulation ? co_simulation_ : model_exchange_;
  if (!binary) {
    core::throw_unprocessable(fmt::format("the FMU \"{}\" does not support {}",
                                          description_.model_name, to_string(interface)),
                              {}, "unsupported-interface");
  }
  return *binary;
}

}  // namespace twinloop::fmi
