// OPC UA figures on loopback, in one run:
//  1. Read of 1000 Double values per request, one request at a time: requests/s, p50 and p99
//     latency for every pair of (twinloop, node-opcua) client and (twinloop, node-opcua) server.
//  2. Subscription throughput: data-change notifications/s our client receives from our server
//     for 10,000 monitored items whose values all change every 10 ms.
// Each server runs in a process of its own; node-opcua peers come from tests/interop.
//   opcua_bench [--seconds N]
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "peer_process.hpp"
#include "twinloop/opcua/client.hpp"
#include "twinloop/opcua/server.hpp"

using namespace twinloop;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct ReadFigures {
  std::string client;
  std::string server;
  double requests_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

ReadFigures measure_our_client(const std::string& url, const std::string& prefix, double seconds) {
  opcua::Client client;
  client.connect(url);
  opcua::ReadRequest request;
  request.timestamps_to_return = opcua::TimestampsToReturn::Both;
  for (int i = 0; i < 1000; ++i) {
    opcua::ReadValueId item;
    item.node_id = *opcua::NodeId::parse(prefix + std::to_string(i));
    request.nodes_to_read.push_back(item);
  }
  opcua::ReadResponse response;
  for (int i = 0; i < 20; ++i)
    client.read(request, response);
  for (const auto& value : response.results) {
    if (value.status.is_bad())
      throw std::runtime_error("a value did not read: " + value.status.name());
  }
  std::vector<double> latencies;
  const auto started = Clock::now();
  const auto until =
      started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (auto now = started; now < until; now = Clock::now()) {
    client.read(request, response);
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - now).count());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::sort(latencies.begin(), latencies.end());
  const auto percentile = [&](double p) {
    return latencies[std::min(latencies.size() - 1,
                              static_cast<std::size_t>(p * latencies.size()))];
  };
  client.disconnect();
  return {"twinloop", "", latencies.size() / elapsed, percentile(0.5), percentile(0.99)};
}

ReadFigures measure_node_client(const std::string& url, const std::string& prefix, double seconds) {
  const auto home =
      std::filesystem::temp_directory_path() / ("twinloop-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(home);
  const std::string command = "cd '" + interop::interop_directory().string() + "' && HOME='" +
                              home.string() + "' node bench_read_client.mjs '" + url + "' '" +
                              prefix + "' " + std::to_string(seconds) + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[512];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe))
    output += buffer;
  if (pipe) pclose(pipe);
  std::filesystem::remove_all(home);
  const auto at = output.find("RESULT ");
  if (at == std::string::npos) throw std::runtime_error("the node-opcua client printed no result");
  std::istringstream fields(output.substr(at + 7));
  double requests = 0;
  double elapsed = 1;
  ReadFigures figures{"node-opcua", "", 0, 0, 0};
  fields >> requests >> elapsed >> figures.p50_ms >> figures.p99_ms;
  figures.requests_per_second = requests / elapsed;
  return figures;
}

struct SubscriptionFigures {
  std::size_t items = 0;
  double notifications_per_second = 0;
  double updates_per_second = 0;
};

SubscriptionFigures measure_subscription(std::size_t items, double seconds) {
  opcua::ServerConfig config;
  config.port = 0;
  opcua::Server server(config);
  const auto ns = server.add_namespace("urn:twinloop:bench");
  std::vector<opcua::VariableHandle> handles;
  for (std::size_t i = 0; i < items; ++i) {
    opcua::VariableOptions options;
    options.id = opcua::NodeId(ns, "s" + std::to_string(i));
    options.browse_name = "s" + std::to_string(i);
    options.value = opcua::Variant(0.0);
    handles.push_back(server.add_variable(opcua::NodeId(opcua::id::ObjectsFolder), options));
  }
  server.start();

  opcua::Client client;
  client.connect(server.endpoint_url());
  const auto subscription = client.create_subscription({.publishing_interval_ms = 50});
  std::atomic<std::uint64_t> received{0};
  opcua::MonitorOptions monitor;
  monitor.sampling_interval_ms = 10;
  monitor.queue_size = 10;  // room for every sample between two publishes
  for (std::size_t i = 0; i < items; ++i) {
    client.monitor(
        subscription, opcua::NodeId(ns, "s" + std::to_string(i)), monitor,
        [&](const opcua::DataValue&) { received.fetch_add(1, std::memory_order_relaxed); });
  }

  std::atomic<bool> running{true};
  std::atomic<std::uint64_t> updates{0};
  std::thread simulation([&] {
    std::vector<double> values(items);
    auto next = Clock::now();
    for (double step = 1; running; ++step) {
      std::fill(values.begin(), values.end(), step);
      server.set_values(handles, values);
      updates += items;
      next += 10ms;
      std::this_thread::sleep_until(next);
    }
  });
  std::this_thread::sleep_for(1s);  // the initial values and warm-up
  const auto before = received.load();
  const auto updates_before = updates.load();
  const auto started = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  const auto delivered = received.load() - before;
  const auto updated = updates.load() - updates_before;
  running = false;
  simulation.join();
  client.disconnect();
  server.stop();
  return {items, delivered / elapsed, updated / elapsed};
}

std::string machine() {
  std::string model = "unknown CPU";
  FILE* cpuinfo = std::fopen("/proc/cpuinfo", "r");
  char line[512];
  while (cpuinfo && std::fgets(line, sizeof line, cpuinfo)) {
    std::string text = line;
    if (text.starts_with("model name")) {
      model = text.substr(text.find(':') + 2);
      model.erase(model.find_last_not_of("\n ") + 1);
      break;
    }
  }
  if (cpuinfo) std::fclose(cpuinfo);
  return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores";
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--seconds") seconds = std::atof(argv[i + 1]);
  }
  std::printf("machine: %s\n", machine().c_str());
  interop::PeerProcess ours(TWINLOOP_INTEROP_SERVER, {"--many", "1000"},
                            interop::interop_directory());
  interop::PeerProcess theirs("node", {"node_server.mjs", "--many", "1000"},
                              interop::interop_directory());
  struct Server {
    std::string name;
    std::string url;
    std::string prefix;
  };
  const std::vector<Server> servers{{"twinloop", ours.url(), "ns=2;s=Demo.Many."},
                                    {"node-opcua", theirs.url(), "ns=1;s=Demo.Many."}};
  std::vector<ReadFigures> figures;
  for (const auto& server : servers) {
    for (const bool node_client : {false, true}) {
      ReadFigures result = node_client ? measure_node_client(server.url, server.prefix, seconds)
                                       : measure_our_client(server.url, server.prefix, seconds);
      result.server = server.name;
      figures.push_back(result);
    }
  }
  std::printf("\nRead of 1000 Double values per request, one request in flight, %.0f s each:\n",
              seconds);
  std::printf("| client | server | requests/s | p50 ms | p99 ms |\n|---|---|---:|---:|---:|\n");
  for (const auto& result : figures) {
    std::printf("| %s | %s | %.0f | %.3f | %.3f |\n", result.client.c_str(), result.server.c_str(),
                result.requests_per_second, result.p50_ms, result.p99_ms);
  }
  const auto rate = [&](const char* client, const char* server) {
    for (const auto& result : figures) {
      if (result.client == client && result.server == server) return result.requests_per_second;
    }
    return 0.0;
  };
  std::printf(
      "\nour server / node-opcua server, same client: %.1fx (twinloop client), %.1fx "
      "(node-opcua client)\n",
      rate("twinloop", "twinloop") / rate("twinloop", "node-opcua"),
      rate("node-opcua", "twinloop") / rate("node-opcua", "node-opcua"));
  std::printf(
      "our client / node-opcua client, same server: %.1fx (twinloop server), %.1fx "
      "(node-opcua server)\n",
      rate("twinloop", "twinloop") / rate("node-opcua", "twinloop"),
      rate("twinloop", "node-opcua") / rate("node-opcua", "node-opcua"));

  const auto subscription = measure_subscription(10'000, seconds);
  std::printf(
      "\nSubscription: %zu monitored items (sampling 10 ms, queue 10, publishing 50 ms), "
      "values changed %.0f/s: %.0f data-change notifications/s delivered\n",
      subscription.items, subscription.updates_per_second, subscription.notifications_per_second);
  return 0;
}
