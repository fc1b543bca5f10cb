// The twin as OPC UA server: what publishing costs a step. A model of n gain blocks (n
// outputs, n inputs) steps with its TwinPublication hook around each step, pushing every step
// (push period 0) or at the default bounded rate, against the step alone. The server runs and
// no client is connected: the figure is the step's cost, not a client's.
#include <benchmark/benchmark.h>

#include <string>

#include "twinloop/core/validation.hpp"
#include "twinloop/hil/twin_server.hpp"
#include "twinloop/sim/simulator.hpp"

namespace {

using nlohmann::json;

const twinloop::sim::TypeRegistry& registry() {
  static const twinloop::sim::TypeRegistry types = [] {
    twinloop::sim::TypeRegistry built;
    twinloop::sim::register_builtin_types(built);
    return built;
  }();
  return types;
}

std::shared_ptr<const twinloop::sim::Plan> gains(std::int64_t count) {
  std::vector<twinloop::core::Component> components;
  for (std::int64_t i = 0; i < count; ++i) {
    twinloop::core::Component component;
    component.id = i + 1;
    component.name = "g" + std::to_string(i);
    component.type = "gain";
    component.parameters = twinloop::core::merge_parameters(*registry().find("gain"),
                                                            json::object(), json{{"k", 2.0}});
    components.push_back(std::move(component));
  }
  return std::make_shared<const twinloop::sim::Plan>(
      twinloop::sim::compile(components, {}, registry(), {1'000'000}));
}

void StepAlone(benchmark::State& state) {
  twinloop::sim::Simulator simulator(gains(state.range(0)));
  for (auto _ : state)
    simulator.step();
  state.SetItemsProcessed(state.iterations());
}

void publishing(benchmark::State& state, std::chrono::microseconds push_period) {
  twinloop::hil::TwinServerOptions options;
  options.server.port = 0;
  options.push_period = push_period;
  twinloop::hil::TwinServer twin(options);
  twin.start();
  const auto plan = gains(state.range(0));
  const auto publication = twin.prepare(plan);
  twin.publish(*publication, "1");
  twinloop::sim::Simulator simulator(plan);
  std::int64_t step = 0;
  for (auto _ : state) {
    publication->exchange_before(step);
    publication->apply(simulator);
    simulator.step();
    publication->capture(simulator);
    publication->exchange_after(step);
    ++step;
  }
  state.SetItemsProcessed(state.iterations());
}

void StepPushingEveryStep(benchmark::State& state) {
  publishing(state, std::chrono::microseconds(0));
}

void StepPushingEveryMillisecond(benchmark::State& state) {
  publishing(state, std::chrono::microseconds(1000));
}

BENCHMARK(StepAlone)->Arg(100)->Arg(1000);
BENCHMARK(StepPushingEveryStep)->Arg(100)->Arg(1000);
BENCHMARK(StepPushingEveryMillisecond)->Arg(100)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
