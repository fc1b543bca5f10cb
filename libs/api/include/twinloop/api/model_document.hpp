#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "twinloop/core/component_type.hpp"
#include "twinloop/core/model.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::api {

// Imports a model document (the format of GET /api/v1/models/{id}/export) into a project as
// a new model, all or nothing, with the rules and errors of POST .../models/import: a
// core::Error naming the offending field of the document by JSON pointer. `name` replaces
// the document's model name.
core::Model import_model_document(store::Store& store, const core::TypeCatalogue& catalogue,
                                  core::Id project_id, const nlohmann::json& document,
                                  const std::optional<std::string>& name = std::nullopt);

}  // namespace twinloop::api
