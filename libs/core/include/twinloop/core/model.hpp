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

struct Component {
  Id id = 0;
  Id model_id = 0;
  std::string name;
  std::string type;
  // Every declared parameter of the type with its effective value (defaults filled in).
  nlohmann::json parameters = nlohmann::json::object();
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

// The API's JSON shapes of the entities (DESIGN.md, "Core JSON shapes").
nlohmann::json to_json(const Project& project);
nlohmann::json to_json(const Model& model);
nlohmann::json to_json(const Component& component);
nlohmann::json to_json(const Connection& connection);

}  // namespace twinloop::core
