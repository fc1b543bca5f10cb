#include "twinloop/core/model.hpp"

#include <fmt/format.h>

#include "twinloop/core/error.hpp"
#include "twinloop/core/json_text.hpp"

namespace twinloop::core {

ParameterValues ParameterValues::from_json_text(std::string text) {
  ParameterValues parameters;
  parameters.values_.reset();
  parameters.text_ = std::move(text);
  return parameters;
}

const nlohmann::json& ParameterValues::values() const {
  if (!values_) {
    auto parsed = nlohmann::json::parse(text_, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      throw Error(ErrorKind::internal,
                  fmt::format("stored parameters are not a JSON object: {:.60}", text_));
    }
    values_ = std::move(parsed);
  }
  return *values_;
}

std::string ParameterValues::json_text() const {
  if (!values_) return text_;
  try {
    return values_->dump();
  } catch (const nlohmann::json::exception& error) {
    throw_unprocessable(fmt::format("parameters cannot be stored: {}", error.what()),
                        "/parameters");
  }
}

namespace {

void append_optional(JsonText& text, const std::optional<double>& value) {
  if (value) {
    text.number(*value);
  } else {
    text.null();
  }
}

void append_port_ref(JsonText& text, const PortRef& ref) {
  text.raw("{").key("component_id", true).number(ref.component_id);
  text.key("port").string(ref.port).raw("}");
}

}  // namespace

void append_json(std::string& out, const Project& project) {
  JsonText text(out);
  text.raw("{").key("id", true).number(project.id);
  text.key("name").string(project.name);
  text.key("description").string(project.description);
  text.key("created_at").string(project.created_at);
  text.key("updated_at").string(project.updated_at).raw("}");
}

void append_json(std::string& out, const Model& model) {
  JsonText text(out);
  text.raw("{").key("id", true).number(model.id);
  text.key("project_id").number(model.project_id);
  text.key("name").string(model.name);
  text.key("description").string(model.description);
  append_optional(text.key("step_size"), model.step_size);
  text.key("created_at").string(model.created_at);
  text.key("updated_at").string(model.updated_at).raw("}");
}

void append_json(std::string& out, const Component& component) {
  JsonText text(out);
  text.raw("{").key("id", true).number(component.id);
  text.key("model_id").number(component.model_id);
  text.key("name").string(component.name);
  text.key("type").string(component.type);
  text.key("parameters").raw(component.parameters.json_text());
  text.key("position");
  if (component.position) {
    text.raw("{").key("x", true).number(component.position->x);
    text.key("y").number(component.position->y).raw("}");
  } else {
    text.null();
  }
  text.key("created_at").string(component.created_at);
  text.key("updated_at").string(component.updated_at).raw("}");
}

void append_json(std::string& out, const Connection& connection) {
  JsonText text(out);
  text.raw("{").key("id", true).number(connection.id);
  text.key("model_id").number(connection.model_id);
  append_port_ref(text.key("source"), connection.source);
  append_port_ref(text.key("target"), connection.target);
  text.key("created_at").string(connection.created_at).raw("}");
}

}  // namespace twinloop::core
