#include "model_rules.hpp"

#include <fmt/format.h>

#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::api {

const core::ComponentTypeInfo& component_type(const core::TypeCatalogue& catalogue,
                                              const std::string& type, const std::string& pointer) {
  if (const auto* info = catalogue.find(type)) return *info;
  std::string known;
  for (const auto* entry : catalogue.list())
    known += known.empty() ? entry->type : ", " + entry->type;
  core::throw_unprocessable(
      fmt::format("unknown component type '{}' (GET /api/v1/component-types lists them: {})", type,
                  known),
      pointer);
}

void check_step_size(const std::optional<double>& step_size, const std::string& pointer) {
  if (step_size && !(*step_size > 0.0)) {
    core::throw_unprocessable(
        fmt::format("the step size must be greater than 0 seconds, got {}", *step_size), pointer);
  }
}

void check_connection(const core::TypeCatalogue& catalogue, const core::Component& source,
                      const core::Component& target, const core::Connection& connection,
                      const std::string& prefix) {
  const auto& source_type = component_type(catalogue, source.type, prefix + "/source/component_id");
  const auto& target_type = component_type(catalogue, target.type, prefix + "/target/component_id");
  core::check_connection_ports(source, source_type, target, target_type, connection, prefix);
}

}  // namespace twinloop::api
