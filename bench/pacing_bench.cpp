// Pacing to the wall clock: a 1 kHz run for 60 s (BENCH_PACING_SECONDS to change), without and
// with spinning for the last 200 µs of each wait, at normal priority and under SCHED_FIFO 50
// (when permitted: the run's warning says when not); reports the lateness of the steps against
// their absolute deadlines (p50, p99, max) and the overruns (steps that started more than a
// step late).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "twinloop/core/validation.hpp"
#include "twinloop/sim/run.hpp"

namespace {

using nlohmann::json;

// A small plant: step -> pt1 -> gain, plus a 100-block chain so each step does some work.
std::shared_ptr<const twinloop::sim::Plan> plant() {
  static const twinloop::sim::TypeRegistry registry = [] {
    twinloop::sim::TypeRegistry built;
    twinloop::sim::register_builtin_types(built);
    return built;
  }();
  std::vector<twinloop::core::Component> components;
  std::vector<twinloop::core::Connection> connections;
  const auto add = [&](const std::string& type, const json& parameters) {
    twinloop::core::Component component;
    component.id = static_cast<twinloop::core::Id>(components.size() + 1);
    component.name = "c" + std::to_string(component.id);
    component.type = type;
    component.parameters =
        twinloop::core::merge_parameters(*registry.find(type), json::object(), parameters);
    components.push_back(component);
    return component.id;
  };
  auto previous = add("step", {{"step_time", 0.1}});
  for (int i = 0; i < 100; ++i) {
    const auto id = add(i % 2 == 0 ? "pt1" : "gain", json::object());
    twinloop::core::Connection connection;
    connection.id = static_cast<twinloop::core::Id>(connections.size() + 1);
    connection.source = {previous, "y"};
    connection.target = {id, "u"};
    connections.push_back(connection);
    previous = id;
  }
  return std::make_shared<const twinloop::sim::Plan>(
      twinloop::sim::compile(components, connections, registry, {1'000'000}));
}

double pacing_seconds() {
  const char* text = std::getenv("BENCH_PACING_SECONDS");
  return text != nullptr ? std::atof(text) : 60.0;
}

void Pacing1kHz(benchmark::State& state) {
  const auto plan = plant();
  twinloop::sim::RunStatistics statistics;
  for (auto _ : state) {
    twinloop::sim::RunSettings settings;
    settings.last_step = static_cast<std::int64_t>(pacing_seconds() * 1000.0);
    settings.realtime_factor = 1.0;
    settings.spin_ns = state.range(0) * 1000;
    settings.realtime_priority = static_cast<int>(state.range(1));
    twinloop::sim::SimulationRun run(plan, settings);
    run.start();
    run.wait_until_ended();
    statistics = run.statistics();
  }
  state.counters["steps"] = static_cast<double>(statistics.steps_done);
  state.counters["overruns"] = static_cast<double>(statistics.overruns);
  state.counters["jitter_p50_us"] = statistics.jitter_p50 * 1e6;
  state.counters["jitter_p99_us"] = statistics.jitter_p99 * 1e6;
  state.counters["jitter_max_us"] = statistics.jitter_max * 1e6;
  if (!statistics.warning.empty()) state.SetLabel(statistics.warning);
}
BENCHMARK(Pacing1kHz)
    ->ArgNames({"spin_us", "fifo_priority"})
    ->Args({0, 0})
    ->Args({200, 0})
    ->Args({0, 50})
    ->Args({200, 50})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
