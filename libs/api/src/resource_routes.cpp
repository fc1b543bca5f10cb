// Projects, models, components and connections: CRUD with the model rules.
#include <fmt/format.h>

#include "model_rules.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::api {

using nlohmann::json;

namespace {

constexpr std::size_t max_description_length = 10000;

std::string checked_description(const FieldReader& fields) {
  auto description = fields.string("description").value_or("");
  if (description.size() > max_description_length) {
    core::throw_unprocessable(
        fmt::format("the description must be at most {} characters", max_description_length),
        fields.pointer("description"));
  }
  return description;
}

std::string location(std::string_view collection, core::Id id) {
  return fmt::format("{}/{}/{}", api_prefix, collection, id);
}

core::Project existing_project(store::Store& store, core::Id id) {
  auto project = store.find_project(id);
  if (!project) core::throw_not_found(fmt::format("project {} does not exist", id));
  return *project;
}

core::Model existing_model(store::Store& store, core::Id id) {
  auto model = store.find_model(id);
  if (!model) core::throw_not_found(fmt::format("model {} does not exist", id));
  return *model;
}

core::Component existing_component(store::Store& store, core::Id id) {
  auto component = store.find_component(id);
  if (!component) core::throw_not_found(fmt::format("component {} does not exist", id));
  return *component;
}

}  // namespace

void add_project_routes(Router& router, Services services) {
  auto& store = services.store;
  router.add("GET", "/api/v1/projects", [&store](const Call& call) {
    const auto page = page_request(call);
    return list_response(store.list_projects(page), page);
  });
  router.add("POST", "/api/v1/projects", [&store](const Call& call) {
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"name", "description"}, {"id", "created_at", "updated_at"});
    core::Project draft;
    draft.name = fields.required_string("name");
    core::check_display_name(draft.name, "/name");
    draft.description = checked_description(fields);
    const auto project = store.create_project(draft);
    return created(project, location("projects", project.id));
  });
  router.add("GET", "/api/v1/projects/{id}", [&store](const Call& call) {
    return entity_response(existing_project(store, call.id()));
  });
  router.add("PATCH", "/api/v1/projects/{id}", [&store](const Call& call) {
    existing_project(store, call.id());
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"name", "description"}, {"id", "created_at", "updated_at"});
    store::ProjectChanges changes;
    changes.name = fields.string("name");
    if (changes.name) core::check_display_name(*changes.name, "/name");
    if (fields.has("description")) changes.description = checked_description(fields);
    return entity_response(store.update_project(call.id(), changes));
  });
  router.add("DELETE", "/api/v1/projects/{id}", [&store](const Call& call) {
    if (!store.delete_project(call.id())) {
      core::throw_not_found(fmt::format("project {} does not exist", call.id()));
    }
    return no_content();
  });
}

void add_model_routes(Router& router, Services services) {
  auto& store = services.store;
  router.add("GET", "/api/v1/projects/{id}/models", [&store](const Call& call) {
    existing_project(store, call.id());
    const auto page = page_request(call);
    return list_response(store.list_models(call.id(), page), page);
  });
  router.add("POST", "/api/v1/projects/{id}/models", [&store](const Call& call) {
    existing_project(store, call.id());
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"name", "description", "step_size"},
                      {"id", "project_id", "created_at", "updated_at"});
    core::Model draft;
    draft.project_id = call.id();
    draft.name = fields.required_string("name");
    core::check_display_name(draft.name, "/name");
    draft.description = checked_description(fields);
    draft.step_size = fields.nullable_number("step_size").value_or(std::nullopt);
    check_step_size(draft.step_size, "/step_size");
    const auto model = store.create_model(draft);
    return created(model, location("models", model.id));
  });
  router.add("GET", "/api/v1/models/{id}", [&store](const Call& call) {
    return entity_response(existing_model(store, call.id()));
  });
  router.add("PATCH", "/api/v1/models/{id}", [&store](const Call& call) {
    existing_model(store, call.id());
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"name", "description", "step_size"},
                      {"id", "project_id", "created_at", "updated_at"});
    store::ModelChanges changes;
    changes.name = fields.string("name");
    if (changes.name) core::check_display_name(*changes.name, "/name");
    if (fields.has("description")) changes.description = checked_description(fields);
    changes.step_size = fields.nullable_number("step_size");
    if (changes.step_size) check_step_size(*changes.step_size, "/step_size");
    return entity_response(store.update_model(call.id(), changes));
  });
  router.add("DELETE", "/api/v1/models/{id}", [&store](const Call& call) {
    if (!store.delete_model(call.id())) {
      core::throw_not_found(fmt::format("model {} does not exist", call.id()));
    }
    return no_content();
  });
}

namespace {

// After a parameter change, the component's ports may differ (sum: one input per sign):
// refuse the change when it would leave a connection on a port that no longer fits.
void check_connections_still_fit(const Services& services, const core::Component& changed) {
  for (const auto& connection : services.store.connections_of(changed.id)) {
    auto source = connection.source.component_id == changed.id
                      ? changed
                      : existing_component(services.store, connection.source.component_id);
    auto target = connection.target.component_id == changed.id
                      ? changed
                      : existing_component(services.store, connection.target.component_id);
    try {
      check_connection(services.catalogue, source, target, connection, "");
    } catch (const core::Error& error) {
      core::throw_unprocessable(
          fmt::format("this change conflicts with connection {} ({}.{} -> {}.{}): {}; delete "
                      "the connection first",
                      connection.id, source.name, connection.source.port, target.name,
                      connection.target.port, error.what()),
          "/parameters");
    }
  }
}

}  // namespace

void add_component_routes(Router& router, Services services) {
  auto& store = services.store;
  const auto& catalogue = services.catalogue;
  router.add("GET", "/api/v1/models/{id}/components", [&store](const Call& call) {
    existing_model(store, call.id());
    const auto page = page_request(call);
    return list_response(store.list_components(call.id(), page), page);
  });
  router.add("POST", "/api/v1/models/{id}/components", [&store, &catalogue](const Call& call) {
    existing_model(store, call.id());
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"name", "type", "parameters", "position"},
                      {"id", "model_id", "created_at", "updated_at"});
    core::Component draft;
    draft.model_id = call.id();
    draft.name = fields.required_string("name");
    draft.type = fields.required_string("type");
    const json* parameters = fields.object("parameters");
    draft.position = fields.nullable_position("position").value_or(std::nullopt);
    core::check_component_name(draft.name, "/name");
    const auto& type = component_type(catalogue, draft.type, "/type");
    draft.parameters =
        core::merge_parameters(type, json::object(), parameters ? *parameters : json::object());
    const auto component = store.create_component(draft);
    return created(component, location("components", component.id));
  });
  router.add("GET", "/api/v1/components/{id}", [&store](const Call& call) {
    return entity_response(existing_component(store, call.id()));
  });
  router.add("PATCH", "/api/v1/components/{id}", [services](const Call& call) {
    const auto current = existing_component(services.store, call.id());
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"name", "type", "parameters", "position"},
                      {"id", "model_id", "created_at", "updated_at"});
    store::ComponentChanges changes;
    changes.name = fields.string("name");
    if (changes.name) core::check_component_name(*changes.name, "/name");
    if (auto type = fields.string("type"); type && *type != current.type) {
      core::throw_unprocessable(
          fmt::format("the type of a component cannot change (it is '{}'); create a new "
                      "component of type '{}' instead",
                      current.type, *type),
          "/type");
    }
    changes.position = fields.nullable_position("position");
    if (const json* parameters = fields.object("parameters")) {
      const auto& type = component_type(services.catalogue, current.type, "/type");
      auto changed = current;
      changed.parameters = core::merge_parameters(type, current.parameters, *parameters);
      check_connections_still_fit(services, changed);
      changes.parameters = std::move(changed.parameters);
    }
    return entity_response(services.store.update_component(call.id(), changes));
  });
  router.add("DELETE", "/api/v1/components/{id}", [&store](const Call& call) {
    if (!store.delete_component(call.id())) {
      core::throw_not_found(fmt::format("component {} does not exist", call.id()));
    }
    return no_content();
  });
}

namespace {

core::Component connection_end(store::Store& store, core::Id model_id, core::Id component_id,
                               const std::string& pointer) {
  auto component = store.find_component(component_id);
  if (!component) {
    core::throw_unprocessable(fmt::format("component {} does not exist", component_id), pointer);
  }
  if (component->model_id != model_id) {
    core::throw_unprocessable(
        fmt::format("component {} ('{}') belongs to model {}, not to "
                    "model {}",
                    component_id, component->name, component->model_id, model_id),
        pointer);
  }
  return *component;
}

core::PortRef port_ref(const FieldReader& fields, std::string_view end) {
  const FieldReader reference(fields.required_object(end), fields.pointer(end));
  reference.allow_only({"component_id", "port"});
  return core::PortRef{reference.required_id("component_id"), reference.required_string("port")};
}

}  // namespace

void add_connection_routes(Router& router, Services services) {
  auto& store = services.store;
  router.add("GET", "/api/v1/models/{id}/connections", [&store](const Call& call) {
    existing_model(store, call.id());
    const auto page = page_request(call);
    return list_response(store.list_connections(call.id(), page), page);
  });
  router.add("POST", "/api/v1/models/{id}/connections", [&store, services](const Call& call) {
    existing_model(store, call.id());
    const json body = parse_json_object(call.request);
    const FieldReader fields(body);
    fields.allow_only({"source", "target"}, {"id", "model_id", "created_at"});
    core::Connection draft;
    draft.model_id = call.id();
    draft.source = port_ref(fields, "source");
    draft.target = port_ref(fields, "target");
    const auto source =
        connection_end(store, call.id(), draft.source.component_id, "/source/component_id");
    const auto target =
        connection_end(store, call.id(), draft.target.component_id, "/target/component_id");
    check_connection(services.catalogue, source, target, draft, "");
    for (const auto& existing : store.connections_of(target.id)) {
      if (existing.target == draft.target) {
        const auto driver = store.find_component(existing.source.component_id);
        core::throw_unprocessable(
            fmt::format("input '{}.{}' already has a driver: '{}.{}' (connection {}); an input "
                        "takes one driver, delete that connection first",
                        target.name, draft.target.port, driver ? driver->name : "?",
                        existing.source.port, existing.id),
            "/target", "input-already-driven");
      }
    }
    const auto connection = store.create_connection(draft);
    return created(connection, location("connections", connection.id));
  });
  router.add("GET", "/api/v1/connections/{id}", [&store](const Call& call) {
    auto connection = store.find_connection(call.id());
    if (!connection) core::throw_not_found(fmt::format("connection {} does not exist", call.id()));
    return entity_response(*connection);
  });
  router.add("DELETE", "/api/v1/connections/{id}", [&store](const Call& call) {
    if (!store.delete_connection(call.id())) {
      core::throw_not_found(fmt::format("connection {} does not exist", call.id()));
    }
    return no_content();
  });
}

}  // namespace twinloop::api
