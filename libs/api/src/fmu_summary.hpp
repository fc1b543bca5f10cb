#pragma once

#include <nlohmann/json.hpp>

#include "twinloop/fmi/model_description.hpp"

namespace twinloop::api {

// The model description as GET /fmus/{id} shows it (docs/API.md, "FMUs").
nlohmann::json fmu_summary(const fmi::ModelDescription& description);

}  // namespace twinloop::api
