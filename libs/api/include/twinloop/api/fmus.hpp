#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "twinloop/fmi/component_type.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::api {

// The default of --max-fmu-size: the largest FMU upload, in bytes.
inline constexpr std::size_t default_max_fmu_size = std::size_t{200} << 20;

// Resolves an FMU id through the store to the directory its archive was unpacked into:
// <fmu_directory>/<sha256>. For the component type `fmu` (fmi::register_fmu_type).
std::shared_ptr<fmi::FmuResolver> make_fmu_resolver(store::Store& store,
                                                    std::filesystem::path fmu_directory);

// Removes the unpacked FMUs under `fmu_directory` that no FMU row keeps (left behind when a
// project was deleted with its FMUs); returns how many. Call before serving.
std::size_t remove_unused_fmu_directories(store::Store& store,
                                          const std::filesystem::path& fmu_directory);

}  // namespace twinloop::api
