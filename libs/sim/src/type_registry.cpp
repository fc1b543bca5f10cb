#include "twinloop/sim/type_registry.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace twinloop::sim {

namespace {

void check_declaration(const core::ComponentTypeInfo& info) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument("component type '" + info.type + "': " + why);
  };
  if (info.type.empty()) fail("empty type name");
  if (info.category.empty()) fail("no category");
  if (!info.ports) fail("no port declaration");
  std::set<std::string> parameter_names;
  for (const auto& parameter : info.parameters) {
    if (!parameter_names.insert(parameter.name).second)
      fail("duplicate parameter " + parameter.name);
  }
  const core::Ports ports = info.ports(info.default_parameters());
  std::set<std::string> port_names;
  for (const auto* list : {&ports.inputs, &ports.outputs}) {
    for (const auto& port : *list) {
      if (!port_names.insert(port.name).second) fail("duplicate port " + port.name);
    }
  }
}

}  // namespace

core::ParameterSpec sample_time_spec() {
  core::ParameterSpec spec;
  spec.name = std::string(sample_time_parameter);
  spec.data_type = core::ParameterType::real;
  spec.default_value = 0.0;
  spec.unit = "s";
  spec.min = 0.0;
  spec.description =
      "How often the block runs: 0 in every step, otherwise a whole multiple of the simulation's "
      "step size; between its ticks its outputs hold and its state rests";
  return spec;
}

void TypeRegistry::add(core::ComponentTypeInfo info, BlockBehaviour behaviour) {
  if (info.find_parameter(sample_time_parameter) == nullptr) {
    info.parameters.push_back(sample_time_spec());
  }
  check_declaration(info);
  if (behaviour.setup == nullptr || behaviour.output == nullptr) {
    throw std::invalid_argument("component type '" + info.type + "': no setup or output kernel");
  }
  const std::string name = info.type;
  if (!types_.emplace(name, Entry{std::move(info), behaviour}).second) {
    throw std::invalid_argument("component type '" + name + "' is registered twice");
  }
}

const core::ComponentTypeInfo* TypeRegistry::find(std::string_view type) const {
  const auto found = types_.find(type);
  return found == types_.end() ? nullptr : &found->second.info;
}

const BlockBehaviour* TypeRegistry::behaviour(std::string_view type) const {
  const auto found = types_.find(type);
  return found == types_.end() ? nullptr : &found->second.behaviour;
}

std::vector<const core::ComponentTypeInfo*> TypeRegistry::list() const {
  std::vector<const core::ComponentTypeInfo*> all;
  all.reserve(types_.size());
  for (const auto& entry : types_)
    all.push_back(&entry.second.info);
  std::stable_sort(all.begin(), all.end(), [](const auto* a, const auto* b) {
    return a->category != b->category ? a->category < b->category : a->type < b->type;
  });
  return all;
}

}  // namespace twinloop::sim
