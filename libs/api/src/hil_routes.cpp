// Hardware in the loop: a project's endpoints (OPC UA servers such as PLCs) and a model's
// bindings of signals to their nodes; the binding exchange of a simulation.
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "hil_bindings.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::api {

using nlohmann::json;

namespace {

constexpr std::size_t max_text_length = 4096;
constexpr double max_timeout = 600.0;
constexpr double max_exchange_period = 3600.0;

json endpoint_json(const store::EndpointRecord& endpoint) {
  return {{"id", endpoint.id},
          {"project_id", endpoint.project_id},
          {"name", endpoint.name},
          {"url", endpoint.url},
          {"security_mode", endpoint.security_mode},
          {"security_policy", endpoint.security_policy},
          {"username", endpoint.username ? json(*endpoint.username) : json(nullptr)},
          {"has_password", endpoint.password.has_value()},
          {"connect_timeout", endpoint.connect_timeout},
          {"request_timeout", endpoint.request_timeout},
          {"exchange_period",
           endpoint.exchange_period ? json(*endpoint.exchange_period) : json(nullptr)},
          {"fault_policy", endpoint.fault_policy},
          {"created_at", endpoint.created_at},
          {"updated_at", endpoint.updated_at}};
}

json binding_json(const store::BindingRecord& binding) {
  return {{"id", binding.id},
          {"model_id", binding.model_id},
          {"endpoint_id", binding.endpoint_id},
          {"signal", binding.signal},
          {"node_id", binding.node_id},
          {"direction", binding.direction},
          {"scale", binding.scale},
          {"offset", binding.offset},
          {"data_type", binding.data_type ? json(*binding.data_type) : json(nullptr)},
          {"created_at", binding.created_at},
          {"updated_at", binding.updated_at}};
}

template <typename Record, typename ToJson>
Response page_json(const store::Page<Record>& page, const store::PageRequest& request,
                   ToJson to_json) {
  json items = json::array();
  for (const auto& record : page.items)
    items.push_back(to_json(record));
  return json_response(200, {{"items", std::move(items)},
                             {"total", page.total},
                             {"limit", request.limit},
                             {"offset", request.offset}});
}

Response created_json(const json& body, std::string_view collection, core::Id id) {
  Response response = json_response(201, body);
  response.headers.emplace_back("Location", fmt::format("{}/{}/{}", api_prefix, collection, id));
  return response;
}

std::string bounded_text(const FieldReader& fields, std::string_view name, std::string value) {
  if (value.size() > max_text_length) {
    core::throw_unprocessable(fmt::format("'{}' is at most {} characters", name, max_text_length),
                              fields.pointer(name));
  }
  return value;
}

// opc.tcp://host[:port][/path], the form OPC 10000-6 gives for UA-TCP endpoints.
void check_endpoint_url(const std::string& url) {
  constexpr std::string_view scheme = "opc.tcp://";
  const auto refuse = [&](std::string_view why) {
    core::throw_unprocessable(
        fmt::format("'{}' is no OPC UA endpoint URL: {} (write it as opc.tcp://host:port, "
                    "e.g. opc.tcp://192.168.0.10:4840)",
                    url, why),
        "/url");
  };
  if (!url.starts_with(scheme)) refuse("it must start with opc.tcp://");
  const std::string_view rest = std::string_view(url).substr(scheme.size());
  const std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view host = authority;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) refuse("its IPv6 address has no closing ']'");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) refuse("a port follows ':'");
    if (after.size() > 1) {
      unsigned port = 0;
      const auto digits = after.substr(1);
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (error != std::errc{} || end != digits.data() + digits.size() || port == 0 ||
          port > 65535) {
        refuse("its port must be a number from 1 to 65535");
      }
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    const auto digits = authority.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (error != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      refuse("its port must be a number from 1 to 65535");
    }
  }
  if (host.empty()) refuse("it names no host");
  for (const char c : host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '@') refuse("its host name is malformed");
  }
}

double bounded_seconds(const FieldReader& fields, std::string_view name, double current, double low,
                       double high) {
  const auto value = fields.nullable_number(name);
  if (!value) return current;
  if (!*value || !(**value >= low && **value <= high)) {
    core::throw_unprocessable(
        fmt::format("'{}' is a number of seconds from {} to {}", name, low, high),
        fields.pointer(name));
  }
  return **value;
}

// The endpoint `current` with the fields of `body` (a POST's or a PATCH's) applied, checked.
store::EndpointRecord endpoint_from(const json& body, store::EndpointRecord current,
                                    bool creating) {
  const FieldReader fields(body);
  fields.allow_only({"name", "url", "security_mode", "security_policy", "username", "password",
                     "connect_timeout", "request_timeout", "exchange_period", "fault_policy"},
                    {"id", "project_id", "has_password", "created_at", "updated_at"});
  if (creating || fields.has("name")) {
    current.name = fields.required_string("name");
    core::check_display_name(current.name, "/name");
  }
  if (creating || fields.has("url")) {
    current.url = bounded_text(fields, "url", fields.required_string("url"));
    check_endpoint_url(current.url);
  }
  for (const auto* name : {"security_mode", "security_policy"}) {
    const auto value = fields.string(name);
    if (value && *value != "None") {
      core::throw_unprocessable(
          fmt::format("'{}' can only be \"None\" for now: twinloop's OPC UA client neither "
                      "signs nor encrypts yet, so use it on a network you trust",
                      name),
          fields.pointer(name));
    }
  }
  if (const auto username = fields.nullable_string("username")) {
    current.username = *username;
    if (current.username) bounded_text(fields, "username", *current.username);
    if (current.username && current.username->empty()) current.username.reset();
  }
  if (const auto password = fields.nullable_string("password")) {
    current.password = *password;
    if (current.password) bounded_text(fields, "password", *current.password);
  }
  if (current.password && !current.username) {
    core::throw_unprocessable("a password needs a 'username' to go with it",
                              fields.has("password") ? "/password" : "/username");
  }
  current.connect_timeout =
      bounded_seconds(fields, "connect_timeout", current.connect_timeout, 0.01, max_timeout);
  current.request_timeout =
      bounded_seconds(fields, "request_timeout", current.request_timeout, 0.001, max_timeout);
  if (const auto period = fields.nullable_number("exchange_period")) {
    if (*period && !(**period > 0.0 && **period <= max_exchange_period)) {
      core::throw_unprocessable(
          fmt::format("'exchange_period' is a number of seconds above 0 and at most {}, or null "
                      "to exchange every step",
                      max_exchange_period),
          "/exchange_period");
    }
    current.exchange_period = *period;
  }
  if (const auto policy = fields.string("fault_policy")) {
    if (!hil::fault_policy_named(*policy)) {
      core::throw_unprocessable(
          fmt::format("'fault_policy' is hold, pause or fail, not '{}'", *policy), "/fault_policy");
    }
    current.fault_policy = *policy;
  }
  return current;
}

store::EndpointRecord existing_endpoint(store::Store& store, core::Id id) {
  auto endpoint = store.find_endpoint(id);
  if (!endpoint) core::throw_not_found(fmt::format("endpoint {} does not exist", id));
  return *endpoint;
}

store::BindingRecord existing_binding(store::Store& store, core::Id id) {
  auto binding = store.find_binding(id);
  if (!binding) core::throw_not_found(fmt::format("binding {} does not exist", id));
  return *binding;
}

core::Model existing_model(store::Store& store, core::Id id) {
  auto model = store.find_model(id);
  if (!model) core::throw_not_found(fmt::format("model {} does not exist", id));
  return *model;
}

// The signal's port must be an input for a read binding and an output for a write binding.
void check_binding_signal(const Services& services, const store::BindingRecord& binding,
                          hil::Direction direction) {
  const auto dot = binding.signal.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == binding.signal.size()) {
    core::throw_unprocessable(
        fmt::format("'{}' is no signal name: signals are named component.port", binding.signal),
        "/signal");
  }
  const std::string component_name = binding.signal.substr(0, dot);
  const std::string port = binding.signal.substr(dot + 1);
  const auto components = services.store.all_components(binding.model_id);
  const auto component =
      std::find_if(components.begin(), components.end(),
                   [&](const core::Component& entry) { return entry.name == component_name; });
  if (component == components.end()) {
    core::throw_unprocessable(fmt::format("the model has no component '{}'", component_name),
                              "/signal");
  }
  const auto* type = services.catalogue.find(component->type);
  if (type == nullptr) {
    core::throw_unprocessable(
        fmt::format("component '{}' has the unknown type '{}'", component_name, component->type),
        "/signal");
  }
  const core::Ports ports = type->ports(component->parameters);
  const bool is_input = core::find_port(ports.inputs, port) != nullptr;
  const bool is_output = core::find_port(ports.outputs, port) != nullptr;
  if (!is_input && !is_output) {
    core::throw_unprocessable(
        fmt::format("component '{}' ({}) has no port '{}'", component_name, component->type, port),
        "/signal");
  }
  if (direction == hil::Direction::write && !is_output) {
    core::throw_unprocessable(
        fmt::format("'{}' is an input: a write binding sends one of the model's outputs to the "
                    "PLC, a read binding (direction read) drives an input from it",
                    binding.signal),
        "/direction");
  }
  if (direction == hil::Direction::read && !is_input) {
    core::throw_unprocessable(
        fmt::format("'{}' is an output: a read binding drives one of the model's inputs from the "
                    "PLC, a write binding (direction write) sends an output to it",
                    binding.signal),
        "/direction");
  }
}

// The binding `current` with the fields of `body` applied, checked against the model, its
// project's endpoints and the model's other bindings.
store::BindingRecord binding_from(const Services& services, const json& body,
                                  store::BindingRecord current, bool creating) {
  const FieldReader fields(body);
  fields.allow_only(
      {"endpoint_id", "signal", "node_id", "direction", "scale", "offset", "data_type"},
      {"id", "model_id", "created_at", "updated_at"});
  if (creating || fields.has("endpoint_id"))
    current.endpoint_id = fields.required_id("endpoint_id");
  if (creating || fields.has("signal")) {
    current.signal = bounded_text(fields, "signal", fields.required_string("signal"));
  }
  if (creating || fields.has("node_id")) {
    current.node_id = bounded_text(fields, "node_id", fields.required_string("node_id"));
  }
  if (creating || fields.has("direction")) current.direction = fields.required_string("direction");
  for (const auto* name : {"scale", "offset"}) {
    const auto value = fields.nullable_number(name);
    if (!value) continue;
    if (!*value || !std::isfinite(**value)) {
      core::throw_unprocessable(fmt::format("'{}' must be a finite number", name),
                                fields.pointer(name));
    }
    (std::string_view(name) == "scale" ? current.scale : current.offset) = **value;
  }
  if (const auto data_type = fields.nullable_string("data_type")) {
    if (*data_type && !hil::bindable_type_named(**data_type)) {
      core::throw_unprocessable(
          fmt::format("'data_type' is one of Boolean, SByte, Byte, Int16, UInt16, Int32, UInt32, "
                      "Int64, UInt64, Float, Double, or null for the node's own; not '{}'",
                      **data_type),
          "/data_type");
    }
    current.data_type = *data_type;
  }

  const auto direction = hil::direction_named(current.direction);
  if (!direction) {
    core::throw_unprocessable(
        fmt::format("'direction' is read (PLC -> twin input) or write (twin output -> PLC), not "
                    "'{}'",
                    current.direction),
        "/direction");
  }
  if (!opcua::NodeId::parse(current.node_id)) {
    core::throw_unprocessable(
        fmt::format("'{}' is no NodeId: write it as ns=<index>;s=<name>, ns=<index>;i=<number>, "
                    "ns=<index>;g=<guid> or ns=<index>;b=<base64> (ns=0; may be left out)",
                    current.node_id),
        "/node_id");
  }
  const auto model = existing_model(services.store, current.model_id);
  const auto endpoint = services.store.find_endpoint(current.endpoint_id);
  if (!endpoint || endpoint->project_id != model.project_id) {
    core::throw_unprocessable(
        fmt::format("the model's project has no endpoint {} (GET /api/v1/projects/{}/endpoints "
                    "lists them)",
                    current.endpoint_id, model.project_id),
        "/endpoint_id");
  }
  check_binding_signal(services, current, *direction);
  if (*direction == hil::Direction::read) {
    for (const auto& other : services.store.all_bindings(current.model_id)) {
      if (other.id != current.id && other.direction == "read" && other.signal == current.signal) {
        core::throw_conflict(
            fmt::format("input '{}' is driven by binding {} already: an input has one driver",
                        current.signal, other.id),
            "/signal");
      }
    }
  }
  return current;
}

hil::EndpointConfig endpoint_config(const store::EndpointRecord& endpoint, double step_size) {
  using std::chrono::milliseconds;
  hil::EndpointConfig config;
  config.id = endpoint.id;
  config.name = endpoint.name;
  config.url = endpoint.url;
  if (endpoint.username) {
    config.user = opcua::UserCredentials{*endpoint.username, endpoint.password.value_or("")};
  }
  config.connect_timeout = milliseconds(std::llround(endpoint.connect_timeout * 1000.0));
  config.request_timeout =
      milliseconds(std::max<long long>(1, std::llround(endpoint.request_timeout * 1000.0)));
  if (endpoint.exchange_period) {
    config.exchange_every = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::llround(*endpoint.exchange_period / step_size)));
  }
  config.fault_policy =
      hil::fault_policy_named(endpoint.fault_policy).value_or(hil::FaultPolicy::hold);
  return config;
}

}  // namespace

bool model_has_bindings(store::Store& store, core::Id model_id) {
  return !store.list_bindings(model_id, {.limit = 1, .offset = 0}).items.empty();
}

std::shared_ptr<hil::BindingExchange> binding_exchange(const Services& services,
                                                       const core::Model& model,
                                                       std::shared_ptr<const sim::Plan> plan,
                                                       double step_size, double realtime_factor) {
  const auto bindings = services.store.all_bindings(model.id);
  if (bindings.empty()) return nullptr;
  std::vector<hil::EndpointConfig> endpoints;
  std::vector<hil::BindingConfig> configs;
  for (const auto& binding : bindings) {
    if (std::none_of(endpoints.begin(), endpoints.end(),
                     [&](const auto& endpoint) { return endpoint.id == binding.endpoint_id; })) {
      const auto endpoint = services.store.find_endpoint(binding.endpoint_id);
      if (!endpoint) continue;  // deleted meanwhile; its bindings would have stopped it
      endpoints.push_back(endpoint_config(*endpoint, step_size));
    }
    hil::BindingConfig config;
    config.id = binding.id;
    config.endpoint_id = binding.endpoint_id;
    config.signal = binding.signal;
    config.node = opcua::NodeId::parse(binding.node_id).value_or(opcua::NodeId());
    config.direction = hil::direction_named(binding.direction).value_or(hil::Direction::read);
    config.scale = binding.scale;
    config.offset = binding.offset;
    if (binding.data_type) config.data_type = hil::bindable_type_named(*binding.data_type);
    configs.push_back(std::move(config));
  }
  const double step_wall_seconds = realtime_factor > 0.0 ? step_size / realtime_factor : 0.0;
  return std::make_shared<hil::BindingExchange>(std::move(plan), std::move(endpoints),
                                                std::move(configs), step_wall_seconds);
}

json endpoint_status_json(const std::vector<hil::EndpointStatus>& endpoints) {
  json all = json::array();
  for (const auto& status : endpoints) {
    all.push_back(
        {{"endpoint_id", status.endpoint_id},
         {"name", status.name},
         {"url", status.url},
         {"state", hil::to_string(status.state)},
         {"connected", status.state == hil::EndpointStatus::State::connected},
         {"bindings", status.bindings},
         {"cycles", status.cycles},
         {"errors", status.errors},
         {"overruns", status.overruns},
         {"reconnects", status.reconnects},
         {"last_exchange_ms", status.last_exchange_seconds * 1e3},
         {"p99_exchange_ms", status.p99_exchange_seconds * 1e3},
         {"last_error", status.last_error.empty() ? json(nullptr) : json(status.last_error)}});
  }
  return all;
}

void add_hil_routes(Router& router, Services services) {
  auto& store = services.store;
  router.add("GET", "/api/v1/projects/{id}/endpoints", [&store](const Call& call) {
    if (!store.find_project(call.id())) {
      core::throw_not_found(fmt::format("project {} does not exist", call.id()));
    }
    const auto page = page_request(call);
    return page_json(store.list_endpoints(call.id(), page), page, endpoint_json);
  });
  router.add("POST", "/api/v1/projects/{id}/endpoints", [&store](const Call& call) {
    if (!store.find_project(call.id())) {
      core::throw_not_found(fmt::format("project {} does not exist", call.id()));
    }
    store::EndpointRecord draft;
    draft.project_id = call.id();
    const auto endpoint =
        store.create_endpoint(endpoint_from(parse_json_object(call.request), draft, true));
    return created_json(endpoint_json(endpoint), "endpoints", endpoint.id);
  });
  router.add("GET", "/api/v1/endpoints/{id}", [&store](const Call& call) {
    return json_response(200, endpoint_json(existing_endpoint(store, call.id())));
  });
  router.add("PATCH", "/api/v1/endpoints/{id}", [&store](const Call& call) {
    const auto current = existing_endpoint(store, call.id());
    const auto changed = endpoint_from(parse_json_object(call.request), current, false);
    const auto updated = store.update_endpoint(changed);
    if (!updated) core::throw_not_found(fmt::format("endpoint {} does not exist", call.id()));
    return json_response(200, endpoint_json(*updated));
  });
  router.add("DELETE", "/api/v1/endpoints/{id}", [&store](const Call& call) {
    if (!store.delete_endpoint(call.id())) {
      core::throw_not_found(fmt::format("endpoint {} does not exist", call.id()));
    }
    return no_content();
  });

  router.add("GET", "/api/v1/models/{id}/bindings", [&store](const Call& call) {
    existing_model(store, call.id());
    const auto page = page_request(call);
    return page_json(store.list_bindings(call.id(), page), page, binding_json);
  });
  router.add("POST", "/api/v1/models/{id}/bindings", [services](const Call& call) {
    existing_model(services.store, call.id());
    store::BindingRecord draft;
    draft.model_id = call.id();
    const auto binding = services.store.create_binding(
        binding_from(services, parse_json_object(call.request), draft, true));
    return created_json(binding_json(binding), "bindings", binding.id);
  });
  router.add("GET", "/api/v1/bindings/{id}", [&store](const Call& call) {
    return json_response(200, binding_json(existing_binding(store, call.id())));
  });
  router.add("PATCH", "/api/v1/bindings/{id}", [services](const Call& call) {
    const auto current = existing_binding(services.store, call.id());
    const auto changed = binding_from(services, parse_json_object(call.request), current, false);
    const auto updated = services.store.update_binding(changed);
    if (!updated) core::throw_not_found(fmt::format("binding {} does not exist", call.id()));
    return json_response(200, binding_json(*updated));
  });
  router.add("DELETE", "/api/v1/bindings/{id}", [&store](const Call& call) {
    if (!store.delete_binding(call.id())) {
      core::throw_not_found(fmt::format("binding {} does not exist", call.id()));
    }
    return no_content();
  });
}

}  // namespace twinloop::api
