#pragma once

#include <memory>

#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {

// The four drivers behind make_driver, after it checked the interface and the parameters.
std::unique_ptr<Driver> make_fmi2_co_simulation(std::shared_ptr<const Fmu> fmu,
                                                const DriverOptions& options);
std::unique_ptr<Driver> make_fmi2_model_exchange(std::shared_ptr<const Fmu> fmu,
                                                 const DriverOptions& options);
std::unique_ptr<Driver> make_fmi3_co_simulation(std::shared_ptr<const Fmu> fmu,
                                                const DriverOptions& options);
std::unique_ptr<Driver> make_fmi3_model_exchange(std::shared_ptr<const Fmu> fmu,
                                                 const DriverOptions& options);

}  // namespace twinloop::fmi
