// Export of a model as one self-contained JSON document, and its import as a new model.
// Components are referred to by name inside the document, so it carries no ids.
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

#include "model_rules.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "twinloop/api/model_document.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::api {

using nlohmann::json;

namespace {

constexpr std::string_view document_format = "twinloop.model";
constexpr int document_format_version = 1;

json export_document(store::Store& store, const core::Model& model) {
  const auto components = store.all_components(model.id);
  const auto connections = store.all_connections(model.id);
  std::map<core::Id, std::string> names;
  json component_list = json::array();
  for (const auto& component : components) {
    names[component.id] = component.name;
    json entry{{"name", component.name},
               {"type", component.type},
               {"parameters", component.parameters},
               {"position", nullptr}};
    if (component.position) {
      entry["position"] = {{"x", component.position->x}, {"y", component.position->y}};
    }
    component_list.push_back(std::move(entry));
  }
  json connection_list = json::array();
  for (const auto& connection : connections) {
    connection_list.push_back(
        {{"source",
          {{"component", names[connection.source.component_id]}, {"port", connection.source.port}}},
         {"target",
          {{"component", names[connection.target.component_id]},
           {"port", connection.target.port}}}});
  }
  json model_entry{
      {"name", model.name}, {"description", model.description}, {"step_size", nullptr}};
  if (model.step_size) model_entry["step_size"] = *model.step_size;
  return json{{"format", document_format},
              {"format_version", document_format_version},
              {"exported_at", utc_now()},
              {"model", std::move(model_entry)},
              {"components", std::move(component_list)},
              {"connections", std::move(connection_list)}};
}

struct ImportedConnection {
  std::string source_component;
  std::string source_port;
  std::string target_component;
  std::string target_port;
};

struct ImportPlan {
  core::Model model;
  std::vector<core::Component> components;  // validated, ids unset
  std::vector<ImportedConnection> connections;
};

// Reads and checks the whole document before anything is written.
ImportPlan plan_import(const core::TypeCatalogue& catalogue, core::Id project_id,
                       const json& document, const std::optional<std::string>& name_override) {
  const FieldReader fields(document);
  fields.allow_only({"format", "format_version", "model", "components", "connections"},
                    {"exported_at"});
  if (fields.required_string("format") != document_format) {
    core::throw_unprocessable(
        fmt::format("'format' must be \"{}\" (a document from GET /models/{{id}}/export)",
                    document_format),
        "/format");
  }
  const auto version = fields.nullable_number("format_version").value_or(std::nullopt);
  if (!version || *version != document_format_version) {
    core::throw_unprocessable(
        fmt::format("this server reads format_version {}", document_format_version),
        "/format_version");
  }

  ImportPlan plan;
  const FieldReader model(fields.required_object("model"), "/model");
  model.allow_only({"name", "description", "step_size"});
  plan.model.project_id = project_id;
  plan.model.name = name_override ? *name_override : model.required_string("name");
  core::check_display_name(plan.model.name, name_override ? "" : "/model/name");
  plan.model.description = model.string("description").value_or("");
  plan.model.step_size = model.nullable_number("step_size").value_or(std::nullopt);
  check_step_size(plan.model.step_size, "/model/step_size");

  std::map<std::string, std::size_t> index_by_name;
  if (const json* components = fields.array("components")) {
    for (std::size_t i = 0; i < components->size(); ++i) {
      const std::string prefix = fmt::format("/components/{}", i);
      if (!(*components)[i].is_object()) {
        core::throw_bad_request("each component must be an object", prefix);
      }
      const FieldReader entry((*components)[i], prefix);
      entry.allow_only({"name", "type", "parameters", "position"});
      core::Component component;
      component.name = entry.required_string("name");
      component.type = entry.required_string("type");
      core::check_component_name(component.name, prefix + "/name");
      if (!index_by_name.emplace(component.name, i).second) {
        core::throw_unprocessable(
            fmt::format("the document has two components named '{}'", component.name),
            prefix + "/name");
      }
      const auto& type = component_type(catalogue, component.type, prefix + "/type");
      const json* parameters = entry.object("parameters");
      component.parameters = core::merge_parameters(
          type, json::object(), parameters ? *parameters : json::object(), prefix);
      component.position = entry.nullable_position("position").value_or(std::nullopt);
      plan.components.push_back(std::move(component));
    }
  }

  std::set<std::pair<std::string, std::string>> driven_inputs;
  if (const json* connections = fields.array("connections")) {
    for (std::size_t i = 0; i < connections->size(); ++i) {
      const std::string prefix = fmt::format("/connections/{}", i);
      if (!(*connections)[i].is_object()) {
        core::throw_bad_request("each connection must be an object", prefix);
      }
      const FieldReader entry((*connections)[i], prefix);
      entry.allow_only({"source", "target"});
      ImportedConnection imported;
      const core::Component* ends[2] = {nullptr, nullptr};
      core::Connection connection;
      for (int end = 0; end < 2; ++end) {
        const char* field = end == 0 ? "source" : "target";
        const FieldReader reference(entry.required_object(field), entry.pointer(field));
        reference.allow_only({"component", "port"});
        const auto component = reference.required_string("component");
        const auto port = reference.required_string("port");
        const auto found = index_by_name.find(component);
        if (found == index_by_name.end()) {
          core::throw_unprocessable(
              fmt::format("the document has no component named '{}'", component),
              reference.pointer("component"));
        }
        ends[end] = &plan.components[found->second];
        (end == 0 ? connection.source : connection.target).port = port;
        (end == 0 ? imported.source_component : imported.target_component) = component;
        (end == 0 ? imported.source_port : imported.target_port) = port;
      }
      check_connection(catalogue, *ends[0], *ends[1], connection, prefix);
      if (!driven_inputs.emplace(imported.target_component, imported.target_port).second) {
        core::throw_unprocessable(fmt::format("input '{}.{}' has more than one driver",
                                              imported.target_component, imported.target_port),
                                  prefix + "/target", "input-already-driven");
      }
      plan.connections.push_back(std::move(imported));
    }
  }
  return plan;
}

core::Model import_plan(store::Store& store, ImportPlan& plan) {
  core::Model model;
  store.transaction([&](store::Store& transaction) {
    model = transaction.create_model(plan.model);
    std::map<std::string, core::Id> ids;
    for (auto& component : plan.components) {
      component.model_id = model.id;
      ids[component.name] = transaction.create_component(component).id;
    }
    for (const auto& imported : plan.connections) {
      core::Connection connection;
      connection.model_id = model.id;
      connection.source = core::PortRef{ids.at(imported.source_component), imported.source_port};
      connection.target = core::PortRef{ids.at(imported.target_component), imported.target_port};
      transaction.create_connection(connection);
    }
  });
  return model;
}

}  // namespace

core::Model import_model_document(store::Store& store, const core::TypeCatalogue& catalogue,
                                  core::Id project_id, const nlohmann::json& document,
                                  const std::optional<std::string>& name) {
  auto plan = plan_import(catalogue, project_id, document, name);
  return import_plan(store, plan);
}

void add_model_document_routes(Router& router, Services services) {
  router.add("GET", "/api/v1/models/{id}/export", [services](const Call& call) {
    auto model = services.store.find_model(call.id());
    if (!model) core::throw_not_found(fmt::format("model {} does not exist", call.id()));
    Response response = json_response(200, export_document(services.store, *model));
    response.headers.emplace_back("Content-Disposition",
                                  fmt::format("attachment; filename=\"model-{}.json\"", model->id));
    return response;
  });
  router.add("POST", "/api/v1/projects/{id}/models/import", [services](const Call& call) {
    if (!services.store.find_project(call.id())) {
      core::throw_not_found(fmt::format("project {} does not exist", call.id()));
    }
    const json document = parse_json_object(call.request);
    auto name = call.query_parameter("name");
    if (name) {
      try {
        core::check_display_name(*name, "");
      } catch (const core::Error& error) {
        throw core::Error(core::ErrorKind::unprocessable, error.what(),
                          {core::FieldProblem{{}, error.what(), "name"}});
      }
    }
    const auto model =
        import_model_document(services.store, services.catalogue, call.id(), document, name);
    return created(model, fmt::format("{}/models/{}", api_prefix, model.id));
  });
}

}  // namespace twinloop::api
