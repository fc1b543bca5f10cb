// The REST API's handlers without the network: what one request costs in the application
// (routing, store, JSON), to tell it apart from the transport in the wrk figures.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "twinloop/api/application.hpp"
#include "twinloop/sim/type_registry.hpp"
#include "twinloop/store/migrations.hpp"

namespace {

using nlohmann::json;
using twinloop::api::Request;

class Fixture {
 public:
  Fixture() {
    const auto path = std::filesystem::temp_directory_path() /
                      ("twinloop-api-bench-" + std::to_string(::getpid()) + ".db");
    path_ = path.string();
    std::filesystem::remove(path_);
    twinloop::store::sqlite_migrator(path_)->up();
    store_ = twinloop::store::open_sqlite(twinloop::store::SqliteOptions{path_, 5000, 2});
    twinloop::sim::register_builtin_types(registry_);
    application_ = std::make_unique<twinloop::api::Application>(
        *store_, registry_, twinloop::api::ApplicationOptions{});
    const auto project = post("/api/v1/projects", json{{"name", "bench"}});
    project_path = "/api/v1/projects/" + project["id"].dump();
    const auto model = post(project_path + "/models", json{{"name", "m"}});
    components_path = "/api/v1/models/" + model["id"].dump() + "/components";
    for (int i = 0; i < 50; ++i) {
      post(components_path, json{{"name", "c" + std::to_string(i)},
                                 {"type", "pt1"},
                                 {"parameters", {{"k", i}, {"t", 0.5}}},
                                 {"position", {{"x", i * 10}, {"y", 0}}}});
    }
  }
  ~Fixture() {
    application_.reset();
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_ + suffix);
  }

  twinloop::api::Response get(const std::string& target) {
    return application_->handle(Request{"GET", target, "", "", ""});
  }
  json post(const std::string& target, const json& body) {
    return json::parse(
        application_->handle(Request{"POST", target, "application/json", "", body.dump()}).body);
  }

  std::string project_path;
  std::string components_path;

 private:
  std::string path_;
  std::unique_ptr<twinloop::store::Store> store_;
  twinloop::sim::TypeRegistry registry_;
  std::unique_ptr<twinloop::api::Application> application_;
};

Fixture& fixture() {
  static Fixture instance;
  return instance;
}

void GetComponentsOf50(benchmark::State& state) {
  auto& bench = fixture();
  for (auto _ : state)
    benchmark::DoNotOptimize(bench.get(bench.components_path));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(GetComponentsOf50);

void GetProject(benchmark::State& state) {
  auto& bench = fixture();
  for (auto _ : state)
    benchmark::DoNotOptimize(bench.get(bench.project_path));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(GetProject);

void PostProject(benchmark::State& state) {
  auto& bench = fixture();
  long counter = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        bench.post("/api/v1/projects", json{{"name", "p" + std::to_string(++counter)}}));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(PostProject);

}  // namespace

BENCHMARK_MAIN();
