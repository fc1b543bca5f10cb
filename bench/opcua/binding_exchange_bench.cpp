// The binding exchange in the loop (docs/PERFORMANCE.md, "HIL bindings"): a twin of n gain
// blocks paced to the wall clock reads n Double inputs from a PLC before every step and writes
// n Double outputs after it (one batched Read, one batched Write), against twinloop's own OPC
// UA server and node-opcua's, each in a process of its own on loopback. Per server and rate:
// missed step deadlines, the exchange's duration p50/p99, exchanges longer than a step.
//   binding_exchange_bench [--seconds N] [--signals N] [--rates 1000,100] [--priority 1..99]
// (--priority: the run's thread under SCHED_FIFO, RunSettings::realtime_priority)
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "peer_process.hpp"
#include "twinloop/core/validation.hpp"
#include "twinloop/hil/bindings.hpp"
#include "twinloop/sim/simulator.hpp"

using namespace twinloop;

namespace {

const sim::TypeRegistry& registry() {
  static const sim::TypeRegistry types = [] {
    sim::TypeRegistry built;
    sim::register_builtin_types(built);
    return built;
  }();
  return types;
}

std::shared_ptr<const sim::Plan> gains(int count, std::int64_t step_ns) {
  std::vector<core::Component> components;
  for (int i = 0; i < count; ++i) {
    core::Component component;
    component.id = i + 1;
    component.name = "g" + std::to_string(i);
    component.type = "gain";
    component.parameters =
        core::merge_parameters(*registry().find("gain"), nlohmann::json::object(), {{"k", 2.0}});
    components.push_back(std::move(component));
  }
  return std::make_shared<const sim::Plan>(sim::compile(components, {}, registry(), {step_ns}));
}

struct Figures {
  std::string server;
  int rate = 0;
  std::int64_t steps = 0;
  std::int64_t missed = 0;  // steps that started more than a step late
  double jitter_p99_ms = 0;
  double jitter_max_ms = 0;
  hil::EndpointStatus exchange;
  std::string error;
};

Figures measure(const std::string& server, const std::string& url, const std::string& prefix,
                int signals, int rate, double seconds, int realtime_priority) {
  const std::int64_t step_ns = 1'000'000'000 / rate;
  const auto plan = gains(signals, step_ns);
  hil::EndpointConfig endpoint;
  endpoint.id = 1;
  endpoint.name = server;
  endpoint.url = url;
  endpoint.fault_policy = hil::FaultPolicy::fail;
  std::vector<hil::BindingConfig> bindings;
  for (int i = 0; i < signals; ++i) {
    for (const auto direction : {hil::Direction::read, hil::Direction::write}) {
      hil::BindingConfig binding;
      binding.id = static_cast<std::int64_t>(bindings.size()) + 1;
      binding.endpoint_id = 1;
      const bool read = direction == hil::Direction::read;
      binding.signal = fmt::format("g{}.{}", i, read ? "u" : "y");
      binding.node = *opcua::NodeId::parse(prefix + std::to_string(read ? i : signals + i));
      binding.direction = direction;
      bindings.push_back(binding);
    }
  }
  auto exchange =
      std::make_shared<hil::BindingExchange>(plan, std::vector{endpoint}, bindings, 1.0 / rate);
  sim::RunSettings settings;
  settings.realtime_factor = 1.0;
  settings.realtime_priority = realtime_priority;
  settings.hooks.push_back(exchange);
  settings.decimation = rate;  // the recording is not what is measured
  sim::SimulationRun run(plan, settings);
  exchange->attach(run);
  // For `seconds` of wall-clock time: a run that cannot keep up falls behind, and its missed
  // deadlines are what is measured, not how long it takes to catch up.
  run.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  run.stop();
  run.wait_until_ended();
  const auto statistics = run.statistics();
  Figures figures;
  figures.server = server;
  figures.rate = rate;
  figures.steps = statistics.steps_done;
  figures.missed = statistics.overruns;
  figures.jitter_p99_ms = statistics.jitter_p99 * 1e3;
  figures.jitter_max_ms = statistics.jitter_max * 1e3;
  figures.exchange = exchange->status().at(0);
  figures.error = statistics.error.empty() ? statistics.warning : statistics.error;
  return figures;
}

std::vector<int> parse_rates(const std::string& text) {
  std::vector<int> rates;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');)
    rates.push_back(std::atoi(item.c_str()));
  return rates;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 60;
  int signals = 100;
  std::vector<int> rates{1000, 100};
  int realtime_priority = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--seconds") seconds = std::atof(argv[i + 1]);
    if (option == "--signals") signals = std::atoi(argv[i + 1]);
    if (option == "--rates") rates = parse_rates(argv[i + 1]);
    if (option == "--priority") realtime_priority = std::atoi(argv[i + 1]);
  }
  const std::string many = std::to_string(2 * signals);
  interop::PeerProcess ours(TWINLOOP_INTEROP_SERVER, {"--many", many},
                            interop::interop_directory());
  interop::PeerProcess theirs("node", {"node_server.mjs", "--many", many},
                              interop::interop_directory());
  struct Server {
    std::string name, url, prefix;
  };
  const std::vector<Server> servers{{"twinloop", ours.url(), "ns=2;s=Demo.Many."},
                                    {"node-opcua", theirs.url(), "ns=1;s=Demo.Many."}};
  std::printf("%d read + %d write Double bindings, paced runs of %.0f s of wall-clock time each:\n",
              signals, signals, seconds);
  std::printf(
      "| server | rate | steps | missed deadlines | lateness p99 / max ms | exchange p50 / p99 / "
      "max ms | exchanges > 1 step | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const int rate : rates) {
    for (const auto& server : servers) {
      const auto figures = measure(server.name, server.url, server.prefix, signals, rate, seconds,
                                   realtime_priority);
      std::printf(
          "| %s | %d Hz | %lld | %lld | %.2f / %.1f | %.3f / %.3f / %.1f | %llu | %llu |%s\n",
          figures.server.c_str(), figures.rate, static_cast<long long>(figures.steps),
          static_cast<long long>(figures.missed), figures.jitter_p99_ms, figures.jitter_max_ms,
          figures.exchange.p50_exchange_seconds * 1e3, figures.exchange.p99_exchange_seconds * 1e3,
          figures.exchange.max_exchange_seconds * 1e3,
          static_cast<unsigned long long>(figures.exchange.overruns),
          static_cast<unsigned long long>(figures.exchange.errors),
          figures.error.empty() ? "" : (" " + figures.error).c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
