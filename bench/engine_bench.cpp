// The simulation engine: component updates per second for large models, and compile time.
#include <benchmark/benchmark.h>

#include <string>

#include "twinloop/core/validation.hpp"
#include "twinloop/sim/simulator.hpp"

namespace {

using nlohmann::json;
using twinloop::core::Component;
using twinloop::core::Connection;
using twinloop::sim::Plan;

const twinloop::sim::TypeRegistry& registry() {
  static const twinloop::sim::TypeRegistry types = [] {
    twinloop::sim::TypeRegistry built;
    twinloop::sim::register_builtin_types(built);
    return built;
  }();
  return types;
}

struct Model {
  std::vector<Component> components;
  std::vector<Connection> connections;

  twinloop::core::Id add(const std::string& type, const json& parameters = json::object()) {
    Component component;
    component.id = static_cast<twinloop::core::Id>(components.size() + 1);
    component.name = "c" + std::to_string(component.id);
    component.type = type;
    component.parameters =
        twinloop::core::merge_parameters(*registry().find(type), json::object(), parameters);
    components.push_back(std::move(component));
    return components.back().id;
  }
  void connect(twinloop::core::Id from, twinloop::core::Id to, const std::string& port) {
    Connection connection;
    connection.id = static_cast<twinloop::core::Id>(connections.size() + 1);
    connection.source = {from, "y"};
    connection.target = {to, port};
    connections.push_back(std::move(connection));
  }
  Plan compile() const {
    return twinloop::sim::compile(components, connections, registry(), {1'000'000});
  }
};

// A chain of `length` blocks cycling through gain, pt1, sum, integrator and unit_delay.
Model mixed_chain(int length) {
  Model model;
  auto previous = model.add("step", {{"step_time", 0.001}});
  const char* cycle[] = {"gain", "pt1", "sum", "integrator", "unit_delay"};
  for (int i = 0; i < length; ++i) {
    const std::string type = cycle[i % 5];
    const auto id = model.add(type, type == "gain" ? json{{"k", 0.999}} : json::object());
    model.connect(previous, id, type == "sum" ? "u1" : "u");
    previous = id;
  }
  return model;
}

// A side x side grid of sums, each fed by its left and upper neighbour: every output fans
// out to two inputs, and the whole grid is one feedthrough graph to order.
Model grid(int side) {
  Model model;
  const auto source = model.add("constant", {{"value", 1e-3}});
  std::vector<twinloop::core::Id> cells(static_cast<std::size_t>(side * side));
  for (int row = 0; row < side; ++row) {
    for (int column = 0; column < side; ++column) {
      const auto id = model.add("sum", {{"signs", "+-"}});
      cells[static_cast<std::size_t>(row * side + column)] = id;
      model.connect(column > 0 ? cells[static_cast<std::size_t>(row * side + column - 1)] : source,
                    id, "u1");
      model.connect(row > 0 ? cells[static_cast<std::size_t>((row - 1) * side + column)] : source,
                    id, "u2");
    }
  }
  return model;
}

void run_steps(benchmark::State& state, const Model& model) {
  const auto plan = std::make_shared<const Plan>(model.compile());
  twinloop::sim::Simulator simulator(plan);
  for (auto _ : state) {
    simulator.step();
    benchmark::DoNotOptimize(simulator.signals().data());
  }
  state.counters["component_updates_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(plan->blocks.size()),
      benchmark::Counter::kIsRate);
}

void MixedChain10000(benchmark::State& state) {
  run_steps(state, mixed_chain(10'000));
}
BENCHMARK(MixedChain10000);

void Grid100x100(benchmark::State& state) {
  run_steps(state, grid(100));
}
BENCHMARK(Grid100x100);

void Compile100000(benchmark::State& state) {
  const Model model = mixed_chain(100'000);
  std::size_t plan_bytes = 0;
  for (auto _ : state) {
    const Plan plan = model.compile();
    plan_bytes =
        plan.blocks.size() * sizeof(twinloop::sim::PlannedBlock) +
        plan.input_slots.size() * sizeof(std::uint32_t) +
        (plan.parameters.size() + plan.initial_state.size() + plan.initial_signals.size()) *
            sizeof(double);
    for (const auto& signal : plan.signals)
      plan_bytes += sizeof(signal) + signal.name.capacity();
    for (const auto& name : plan.components)
      plan_bytes += sizeof(name) + name.capacity();
    benchmark::DoNotOptimize(plan.blocks.data());
  }
  // What a Simulator of the plan adds: its own copies of the input slots and parameters, the
  // signals with one override slot per input, and the states.
  const Plan plan = model.compile();
  const std::size_t simulator_bytes = plan.input_slots.size() * sizeof(std::uint32_t) +
                                      (plan.initial_signals.size() + plan.inputs.size() +
                                       plan.initial_state.size() + plan.parameters.size()) *
                                          sizeof(double);
  const auto per_component = [&](std::size_t bytes) {
    return static_cast<double>(bytes) / static_cast<double>(model.components.size());
  };
  state.counters["plan_bytes_per_component"] = per_component(plan_bytes);
  state.counters["simulator_bytes_per_component"] = per_component(simulator_bytes);
  state.counters["total_bytes_per_component"] = per_component(plan_bytes + simulator_bytes);
}
BENCHMARK(Compile100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
