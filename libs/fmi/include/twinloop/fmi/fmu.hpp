#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "twinloop/fmi/model_description.hpp"

namespace twinloop::fmi {

enum class Interface { co_simulation, model_exchange };

std::string_view to_string(Interface interface);

// One scalar signal of an FMU seen as a block: an input or output variable, or one element
// of an FMI 3 array variable ("name[2]", "name[1,3]": 1-based, row-major). Drivers exchange
// values as one double per port, in this order.
struct Port {
  std::string name;
  std::size_t variable = 0;  // index into ModelDescription::variables
  std::size_t element = 0;   // element of an array variable, 0 for scalars
  VariableType type = VariableType::float64;
  Variability variability = Variability::continuous;
  std::string unit;
  double start = 0.0;  // the variable's start value, 0 when it has none
};

// The ports of an FMU: every input and output variable of a numeric, Boolean or Enumeration
// type, in the order of ModelVariables. String, Binary and Clock inputs and outputs have no
// port (docs/fmi.md).
struct PortLayout {
  std::vector<Port> inputs;
  std::vector<Port> outputs;
};

PortLayout port_layout(const ModelDescription& description);

// For each input port: whether some output depends on it without delay when the FMU is driven
// through model exchange, by the dependencies of ModelStructure's outputs (an output that lists
// none, or is not listed, depends on every input). Co-simulation FMUs have no direct
// feedthrough for the engine: their outputs after a step belong to the step's end.
std::vector<bool> direct_feedthrough(const ModelDescription& description, const PortLayout& ports);

struct FmuBinary;  // the loaded library of one interface (private)

// An unpacked FMU, parsed and loaded: the model description, and for each interface it
// declares its shared library, opened with RTLD_LOCAL and with every function twinloop calls
// resolved. Shared by all instances of the FMU; the libraries close with the last one.
class Fmu {
 public:
  // Opens the unpacked FMU in `directory`. Throws core::Error (unprocessable) when
  // modelDescription.xml is missing or invalid, the binary for this platform
  // (binaries/linux64 for FMI 2, binaries/x86_64-linux for FMI 3) is missing or cannot be
  // loaded, it does not export a function twinloop calls, or it reports another FMI version.
  static std::shared_ptr<const Fmu> open(const std::filesystem::path& directory);

  ~Fmu();
  Fmu(const Fmu&) = delete;
  Fmu& operator=(const Fmu&) = delete;

  const ModelDescription& description() const { return description_; }
  const std::filesystem::path& directory() const { return directory_; }
  const PortLayout& ports() const { return ports_; }
  bool supports(Interface interface) const;
  // Co-simulation when the FMU offers it, model exchange otherwise.
  Interface preferred_interface() const;

  // The library of one interface; for the drivers.
  const FmuBinary& binary(Interface interface) const;
  // The resources location as the standard asks: a file URI for FMI 2 ("file:///.../resources/"),
  // an absolute path with a trailing separator for FMI 3 (empty when there is no resources
  // folder, which the FMU then gets as NULL).
  const std::string& resource_location() const { return resource_location_; }

 private:
  Fmu() = default;

  std::filesystem::path directory_;
  ModelDescription description_;
  PortLayout ports_;
  std::string resource_location_;
  std::unique_ptr<FmuBinary> co_simulation_;
  std::unique_ptr<FmuBinary> model_exchange_;
};

}  // namespace twinloop::fmi
