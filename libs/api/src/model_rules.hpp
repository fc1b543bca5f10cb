#pragma once

#include <string>

#include "routes.hpp"
#include "twinloop/core/model.hpp"

namespace twinloop::api {

// Rules that need the store or the catalogue; shared by the resource handlers and the model
// import. Each throws core::Error naming the field by `prefix` + its pointer.

// The type of a component; unprocessable at `pointer` when the catalogue lacks it.
const core::ComponentTypeInfo& component_type(const core::TypeCatalogue& catalogue,
                                              const std::string& type, const std::string& pointer);

// A model's step size must be positive when set.
void check_step_size(const std::optional<double>& step_size, const std::string& pointer);

// Checks the ports and data types of a connection between two components of one model.
void check_connection(const core::TypeCatalogue& catalogue, const core::Component& source,
                      const core::Component& target, const core::Connection& connection,
                      const std::string& prefix);

}  // namespace twinloop::api
