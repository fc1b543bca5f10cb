#pragma once
// Builds models in code and runs them, for the engine and component library tests.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"
#include "twinloop/sim/simulator.hpp"

namespace twinloop::sim::testing_support {

using nlohmann::json;

inline const TypeRegistry& registry() {
  static const TypeRegistry types = [] {
    TypeRegistry built;
    register_builtin_types(built);
    return built;
  }();
  return types;
}

// The message with which `patch` over the type's defaults is refused, or "" if it is not.
inline std::string refusal(const std::string& type, const json& patch) {
  try {
    core::merge_parameters(*registry().find(type), json::object(), patch);
  } catch (const core::Error& error) {
    return error.what();
  }
  return "";
}

inline bool refused(const std::string& type, const json& patch) {
  return !refusal(type, patch).empty();
}

// A model built in code, the way the store hands it to the compiler.
class ModelBuilder {
 public:
  ModelBuilder& add(const std::string& name, const std::string& type, const json& parameters = {}) {
    core::Component component;
    component.id = static_cast<core::Id>(components_.size() + 1);
    component.name = name;
    component.type = type;
    component.parameters = core::merge_parameters(
        *registry().find(type), json::object(), parameters.is_null() ? json::object() : parameters);
    components_.push_back(component);
    return *this;
  }
  ModelBuilder& connect(const std::string& from, const std::string& to) {
    const auto [source, source_port] = split(from);
    const auto [target, target_port] = split(to);
    core::Connection connection;
    connection.id = static_cast<core::Id>(connections_.size() + 1);
    connection.source = core::PortRef{id_of(source), source_port};
    connection.target = core::PortRef{id_of(target), target_port};
    connections_.push_back(connection);
    return *this;
  }
  Plan compile(double dt = 0.01) const {
    return sim::compile(components_, connections_, registry(),
                        CompileOptions{static_cast<std::int64_t>(std::llround(dt * 1e9))});
  }

 private:
  static std::pair<std::string, std::string> split(const std::string& signal) {
    const auto dot = signal.find('.');
    return {signal.substr(0, dot), signal.substr(dot + 1)};
  }
  core::Id id_of(const std::string& name) const {
    for (const auto& component : components_) {
      if (component.name == name) return component.id;
    }
    throw std::invalid_argument("no component " + name);
  }

  std::vector<core::Component> components_;
  std::vector<core::Connection> connections_;
};

// Runs `steps` steps and returns the named signal's value after each.
inline std::vector<double> trace(const Plan& plan, const std::string& signal, int steps) {
  Simulator simulator(std::make_shared<const Plan>(plan));
  std::uint32_t slot = 0;
  bool found = false;
  for (const auto& planned : plan.signals) {
    if (planned.name == signal) {
      slot = planned.slot;
      found = true;
    }
  }
  EXPECT_TRUE(found) << signal;
  std::vector<double> values;
  for (int k = 0; k < steps; ++k) {
    simulator.step();
    values.push_back(simulator.signals()[slot]);
  }
  return values;
}

}  // namespace twinloop::sim::testing_support
