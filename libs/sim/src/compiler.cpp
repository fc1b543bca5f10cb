#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <queue>

#include "twinloop/core/error.hpp"
#include "twinloop/core/sim_time.hpp"
#include "twinloop/core/validation.hpp"
#include "twinloop/sim/plan.hpp"

namespace twinloop::sim {

namespace {

constexpr std::uint32_t unconnected = std::numeric_limits<std::uint32_t>::max();

struct CompiledComponent {
  const core::Component* component = nullptr;
  const core::ComponentTypeInfo* info = nullptr;
  const BlockBehaviour* behaviour = nullptr;
  core::Ports ports;
  std::uint32_t first_output = 0;
  std::vector<std::uint32_t> input_slots;
};

std::uint32_t port_index(const std::vector<core::PortSpec>& ports, const std::string& name) {
  for (std::uint32_t i = 0; i < ports.size(); ++i) {
    if (ports[i].name == name) return i;
  }
  return unconnected;
}

// The components on one cycle of `predecessors` among the nodes not yet ordered, in the
// direction of the signal flow, starting at the lowest index.
std::vector<std::uint32_t> find_cycle(const std::vector<std::vector<std::uint32_t>>& predecessors,
                                      const std::vector<bool>& ordered) {
  std::uint32_t node = 0;
  while (ordered[node])
    ++node;
  // Every node left has a predecessor that is left too, so walking backwards must repeat.
  std::vector<std::uint32_t> path;
  std::vector<std::int64_t> position(predecessors.size(), -1);
  while (position[node] < 0) {
    position[node] = static_cast<std::int64_t>(path.size());
    path.push_back(node);
    for (std::uint32_t predecessor : predecessors[node]) {
      if (!ordered[predecessor]) {
        node = predecessor;
        break;
      }
    }
  }
  std::vector<std::uint32_t> cycle(path.begin() + position[node], path.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  return cycle;
}

// How many steps apart the component runs, from its sample_time parameter.
std::uint32_t period_of(const std::string& name, const nlohmann::json& parameters,
                        std::int64_t step_ns) {
  const auto found = parameters.find(sample_time_parameter);
  if (found == parameters.end() || !found->is_number()) return 1;
  const double sample_time = found->get<double>();
  if (sample_time == 0.0) return 1;
  const double steps = sample_time * 1e9 / static_cast<double>(step_ns);
  const double whole = std::round(steps);
  if (!(whole >= 1.0) || std::abs(steps - whole) > 1e-9 * whole ||
      whole > std::numeric_limits<std::uint32_t>::max()) {
    core::throw_unprocessable(
        fmt::format("component '{}' has a sample time of {} s, which is not a whole multiple of "
                    "the step size of {} s",
                    name, sample_time, core::to_seconds(step_ns)),
        "", "sample-time");
  }
  return static_cast<std::uint32_t>(whole);
}

// A setup that refuses a combination of parameters says which component it refused.
BlockSetup named_setup(const core::Component& component, const BlockBehaviour& behaviour, double dt,
                       std::size_t input_count) {
  try {
    return behaviour.setup(component.parameters, dt, input_count);
  } catch (const core::Error& error) {
    throw core::Error(error.kind(), fmt::format("component '{}': {}", component.name, error.what()),
                      error.fields(), error.type_slug());
  }
}

}  // namespace

Plan compile(const std::vector<core::Component>& components,
             const std::vector<core::Connection>& connections, const TypeRegistry& registry,
             const CompileOptions& options) {
  if (options.step_ns <= 0) core::throw_bad_request("the step size must be greater than 0");
  const double dt = core::to_seconds(options.step_ns);

  Plan plan;
  plan.step_ns = options.step_ns;
  std::vector<CompiledComponent> compiled(components.size());
  std::map<core::Id, std::uint32_t> index_of;
  std::uint32_t next_slot = 0;
  for (std::uint32_t i = 0; i < components.size(); ++i) {
    const core::Component& component = components[i];
    CompiledComponent& entry = compiled[i];
    entry.component = &component;
    entry.info = registry.find(component.type);
    entry.behaviour = registry.behaviour(component.type);
    if (entry.info == nullptr || entry.behaviour == nullptr) {
      core::throw_unprocessable(
          fmt::format("component '{}' has the unknown type '{}'", component.name, component.type));
    }
    entry.ports = entry.info->ports(component.parameters);
    entry.first_output = next_slot;
    for (const auto& port : entry.ports.outputs) {
      plan.signals.push_back(
          PlannedSignal{component.name + "." + port.name, port.data_type, next_slot++});
    }
    entry.input_slots.assign(entry.ports.inputs.size(), unconnected);
    index_of[component.id] = i;
    plan.components.push_back(component.name);
  }

  // Feedthrough connections order the blocks; the others only carry values between steps.
  std::vector<std::vector<std::uint32_t>> successors(components.size());
  std::vector<std::vector<std::uint32_t>> predecessors(components.size());
  for (const auto& connection : connections) {
    const auto source = index_of.find(connection.source.component_id);
    const auto target = index_of.find(connection.target.component_id);
    if (source == index_of.end() || target == index_of.end()) {
      core::throw_unprocessable(fmt::format(
          "connection {} refers to a component that is not in the model", connection.id));
    }
    CompiledComponent& from = compiled[source->second];
    CompiledComponent& to = compiled[target->second];
    core::check_connection_ports(*from.component, *from.info, *to.component, *to.info, connection);
    const auto output = port_index(from.ports.outputs, connection.source.port);
    const auto input = port_index(to.ports.inputs, connection.target.port);
    if (to.input_slots[input] != unconnected) {
      core::throw_unprocessable(fmt::format("input '{}.{}' has more than one driver",
                                            to.component->name, connection.target.port),
                                "", "input-already-driven");
    }
    to.input_slots[input] = from.first_output + output;
    if (to.ports.inputs[input].feedthrough) {
      successors[source->second].push_back(target->second);
      predecessors[target->second].push_back(source->second);
    }
  }

  plan.initial_signals.assign(next_slot, 0.0);
  for (auto& entry : compiled) {
    for (std::size_t i = 0; i < entry.input_slots.size(); ++i) {
      if (entry.input_slots[i] != unconnected) continue;
      entry.input_slots[i] = next_slot++;
      plan.initial_signals.push_back(entry.ports.inputs[i].default_value);
    }
  }

  // Kahn's algorithm, taking the lowest model index first, so that the order is the model's
  // wherever the connections leave a choice: deterministic and easy to follow.
  std::vector<std::uint32_t> waiting_for(components.size());
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> ready;
  for (std::uint32_t i = 0; i < components.size(); ++i) {
    waiting_for[i] = static_cast<std::uint32_t>(predecessors[i].size());
    if (waiting_for[i] == 0) ready.push(i);
  }
  std::vector<std::uint32_t> order;
  std::vector<bool> ordered(components.size(), false);
  while (!ready.empty()) {
    const std::uint32_t next = ready.top();
    ready.pop();
    order.push_back(next);
    ordered[next] = true;
    for (std::uint32_t successor : successors[next]) {
      if (--waiting_for[successor] == 0) ready.push(successor);
    }
  }
  if (order.size() != components.size()) {
    const auto cycle = find_cycle(predecessors, ordered);
    std::string names;
    for (std::uint32_t node : cycle)
      names += compiled[node].component->name + " -> ";
    names += compiled[cycle.front()].component->name;
    core::throw_unprocessable(
        fmt::format("algebraic loop: {}; every input on it feeds through to the output in the "
                    "same step. Break the loop with a block that has no feedthrough (unit_delay, "
                    "integrator, pt1)",
                    names),
        "", "algebraic-loop");
  }

  std::vector<std::uint32_t> first_input(components.size());
  for (std::uint32_t index : order) {
    const CompiledComponent& entry = compiled[index];
    first_input[index] = static_cast<std::uint32_t>(plan.input_slots.size());
    const std::uint32_t period =
        period_of(entry.component->name, entry.component->parameters, options.step_ns);
    const BlockSetup setup =
        named_setup(*entry.component, *entry.behaviour, dt * period, entry.input_slots.size());
    std::uint32_t instance = PlannedBlock::no_instance;
    if (entry.behaviour->instantiate) {
      instance = static_cast<std::uint32_t>(plan.instance_factories.size());
      plan.instance_factories.emplace_back(
          [make = entry.behaviour->instantiate,
           parameters = nlohmann::json(entry.component->parameters), block_dt = dt * period,
           name = entry.component->name] { return make(parameters, block_dt, name); });
    }
    plan.blocks.push_back(
        PlannedBlock{entry.behaviour->output, entry.behaviour->update,
                     static_cast<std::uint32_t>(plan.input_slots.size()), entry.first_output,
                     static_cast<std::uint32_t>(plan.initial_state.size()),
                     static_cast<std::uint32_t>(plan.parameters.size()), index, period, instance});
    plan.input_slots.insert(plan.input_slots.end(), entry.input_slots.begin(),
                            entry.input_slots.end());
    plan.parameters.insert(plan.parameters.end(), setup.parameters.begin(), setup.parameters.end());
    plan.initial_state.insert(plan.initial_state.end(), setup.state.begin(), setup.state.end());
  }
  for (std::uint32_t index = 0; index < compiled.size(); ++index) {
    const auto& inputs = compiled[index].ports.inputs;
    for (std::uint32_t port = 0; port < inputs.size(); ++port) {
      plan.inputs.push_back(PlannedSignal{compiled[index].component->name + "." + inputs[port].name,
                                          inputs[port].data_type, first_input[index] + port});
    }
  }
  return plan;
}

}  // namespace twinloop::sim

namespace twinloop::sim {

std::uint32_t block_of(const Plan& plan, std::uint32_t component) {
  for (std::uint32_t block = 0; block < plan.blocks.size(); ++block) {
    if (plan.blocks[block].component == component) return block;
  }
  throw std::out_of_range(fmt::format("the plan has no component {}", component));
}

std::vector<double> pack_parameters(const Plan& plan, std::uint32_t component,
                                    const TypeRegistry& registry, const core::Component& compiled,
                                    const nlohmann::json& parameters) {
  const auto* info = registry.find(compiled.type);
  const auto* behaviour = registry.behaviour(compiled.type);
  if (info == nullptr || behaviour == nullptr) {
    throw std::invalid_argument(fmt::format("unknown type '{}'", compiled.type));
  }
  const auto refuse = [&](std::string_view why) {
    core::throw_unprocessable(
        fmt::format("component '{}' cannot take these parameters while it runs: {}; change the "
                    "component and start a new simulation",
                    compiled.name, why),
        "", "not-tunable");
  };
  const auto same_ports = [](const std::vector<core::PortSpec>& a,
                             const std::vector<core::PortSpec>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
      return x.name == y.name && x.data_type == y.data_type;
    });
  };
  const core::Ports before = info->ports(compiled.parameters);
  const core::Ports after = info->ports(parameters);
  if (!same_ports(before.inputs, after.inputs) || !same_ports(before.outputs, after.outputs)) {
    refuse("they change its ports");
  }
  const std::uint32_t block_index = block_of(plan, component);
  const PlannedBlock& block = plan.blocks[block_index];
  if (period_of(compiled.name, parameters, plan.step_ns) != block.period) {
    refuse("they change its sample time");
  }
  const double dt = core::to_seconds(plan.step_ns) * block.period;
  BlockSetup setup = behaviour->setup(parameters, dt, after.inputs.size());
  const std::size_t end = block_index + 1 < plan.blocks.size()
                              ? plan.blocks[block_index + 1].first_parameter
                              : plan.parameters.size();
  if (setup.parameters.size() != end - block.first_parameter) {
    refuse("they change the size of its state or parameters");
  }
  return std::move(setup.parameters);
}

}  // namespace twinloop::sim
