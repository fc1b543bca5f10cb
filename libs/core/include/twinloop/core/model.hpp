#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace twinloop::core {

using Id = std::int64_t;

// Timestamps are ISO 8601 UTC strings ("2026-11-25T10:46:44.123Z"), set by the store.
struct Project {
  Id id = 0;
  std::string name;
  std::string description;
  std::string created_at;
  std::string updated_at;
};

struct Model {
  Id id = 0;
  Id project_id = 0;
  std::string name;
  std::string description;
  std::optional<double> step_size;  // seconds; the default for new simulations
  std::string created_at;
  std::string updated_at;
};

struct Position {
  double x = 0;
  double y = 0;
  bool operator==(const Position&) const = default;
};

// A component's parameter values: a JSON object. Read from storage it stays the stored text
// until someone looks at the values, because listing components only copies that text into
// the response and parsing it was a third of a list request's time. A Component is a value
// owned by one thread; the lazily parsed values are not guarded for sharing.
class ParameterValues {
 public:
  ParameterValues() : values_(nlohmann::json::object()) {}
  ParameterValues(nlohmann::json values) : values_(std::move(values)) {}  // NOLINT: implicit
  // `text` must be a JSON object as json_text() wrote it (the store's schema checks that).
  static ParameterValues from_json_text(std::string text);

  // Throws core::Error(internal) if stored text was not JSON after all.
  const nlohmann::json& values() const;
  operator const nlohmann::json&() const { return values(); }  // NOLINT: implicit
  // Throws core::Error(unprocessable, "/parameters") for values that are no valid JSON text
  // (strings that are not UTF-8).
  std::string json_text() const;

  bool operator==(const ParameterValues& other) const { return values() == other.values(); }
  bool operator==(const nlohmann::json& other) const { return values() == other; }

 private:
  mutable std::optional<nlohmann::json> values_;
  std::string text_;  // set when built from text
};

struct Component {
  Id id = 0;
  Id model_id = 0;
  std::string name;
  std::string type;
  // Every declared parameter of the type with its effective value (defaults filled in).
  ParameterValues parameters;
  std::optional<Position> position;
  std::string created_at;
  std::string updated_at;
};

struct PortRef {
  Id component_id = 0;
  std::string port;
  bool operator==(const PortRef&) const = default;
};

// From an output port to an input port of components of the same model.
struct Connection {
  Id id = 0;
  Id model_id = 0;
  PortRef source;
  PortRef target;
  std::string created_at;
};

// Appends the API's JSON shape of an entity (DESIGN.md, "Core JSON shapes") to `out`.
void append_json(std::string& out, const Project& project);
void append_json(std::string& out, const Model& model);
void append_json(std::string& out, const Component& component);
void append_json(std::string& out, const Connection& connection);

template <typename Entity>
std::string json_text(const Entity& entity) {
  std::string out;
  append_json(out, entity);
  return out;
}

}  // namespace twinloop::core
