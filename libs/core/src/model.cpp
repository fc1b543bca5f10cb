#include "twinloop/core/model.hpp"

namespace twinloop::core {

using nlohmann::json;

json to_json(const Project& project) {
  return json{{"id", project.id},
              {"name", project.name},
              {"description", project.description},
              {"created_at", project.created_at},
              {"updated_at", project.updated_at}};
}

json to_json(const Model& model) {
  json out{{"id", model.id},
           {"project_id", model.project_id},
           {"name", model.name},
           {"description", model.description},
           {"step_size", nullptr},
           {"created_at", model.created_at},
           {"updated_at", model.updated_at}};
  if (model.step_size) out["step_size"] = *model.step_size;
  return out;
}

json to_json(const Component& component) {
  json out{{"id", component.id},
           {"model_id", component.model_id},
           {"name", component.name},
           {"type", component.type},
           {"parameters", component.parameters},
           {"position", nullptr},
           {"created_at", component.created_at},
           {"updated_at", component.updated_at}};
  if (component.position) {
    out["position"] = json{{"x", component.position->x}, {"y", component.position->y}};
  }
  return out;
}

json to_json(const Connection& connection) {
  return json{
      {"id", connection.id},
      {"model_id", connection.model_id},
      {"source",
       {{"component_id", connection.source.component_id}, {"port", connection.source.port}}},
      {"target",
       {{"component_id", connection.target.component_id}, {"port", connection.target.port}}},
      {"created_at", connection.created_at}};
}

}  // namespace twinloop::core
