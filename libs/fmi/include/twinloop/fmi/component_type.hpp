#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "twinloop/fmi/fmu.hpp"
#include "twinloop/sim/type_registry.hpp"

namespace twinloop::fmi {

// The component type that runs an uploaded FMU inside a model (docs/fmi.md).
inline constexpr std::string_view fmu_type = "fmu";

// Where the unpacked FMU of an id lives. The API implements it over the store; the engine
// knows FMUs only by id.
class FmuResolver {
 public:
  virtual ~FmuResolver() = default;
  // The directory the FMU with this id was unpacked into, or nullopt for an unknown id.
  virtual std::optional<std::filesystem::path> directory(std::int64_t fmu_id) const = 0;
};

// The FMUs the component type has opened, by unpacked directory: each is parsed and loaded
// once and shared by every component and run that uses it. Safe to use from many threads.
class FmuCatalogue {
 public:
  explicit FmuCatalogue(std::shared_ptr<const FmuResolver> resolver);

  // The opened FMU of that id. Throws core::Error (unprocessable, pointer `pointer`) for an
  // unknown id, and the loader's error for an FMU that does not open.
  std::shared_ptr<const Fmu> open(std::int64_t fmu_id, const std::string& pointer) const;
  // The FMU of that id when it exists and opens, else nullptr (never throws).
  std::shared_ptr<const Fmu> try_open(std::int64_t fmu_id) const;
  // Drops the opened FMU of a directory that is about to be removed; runs that hold it keep
  // their copy until they end.
  void forget(const std::filesystem::path& directory);

 private:
  std::shared_ptr<const FmuResolver> resolver_;
  mutable std::mutex mutex_;
  mutable std::map<std::filesystem::path, std::shared_ptr<const Fmu>> opened_;
};

// Registers the component type `fmu`: parameter `fmu` (the FMU's id), `values` (start values
// of the FMU's parameters by variable name), `interface`, `solver`, `tolerance`, `max_step`;
// ports from the FMU's input and output variables. The FMU's log goes to spdlog with the
// instance (component) name.
void register_fmu_type(sim::TypeRegistry& registry, std::shared_ptr<FmuCatalogue> catalogue);

}  // namespace twinloop::fmi
