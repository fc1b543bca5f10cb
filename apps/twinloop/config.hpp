#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinloop/core/component_type.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::app {

// Everything `twinloop serve` is configured with (flags, or TWINLOOP_* environment variables).
struct ServeConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7777;
  std::string data_dir = "data";
  std::string db;  // empty: <data_dir>/twinloop.db
  bool migrate = true;
  bool demo_project = false;
  std::size_t body_limit = 1 << 20;
  std::size_t max_fmu_size = std::size_t{200} << 20;  // body limit of FMU uploads
  int threads = 2;
  std::string cors_origin;
  std::string static_dir;  // empty: <executable dir>/../share/twinloop/www
  std::string port_file;
  std::string log_level = "info";
  bool opcua = true;                // the twin's OPC UA server, on `host`
  std::uint16_t opcua_port = 4840;  // 0 picks a free one
};

// What `twinloop run` is configured with.
struct RunConfig {
  std::string model_file;
  double end_time = 0.0;
  std::optional<double> step_size;  // default: the model's
  double realtime_factor = 0.0;
  int realtime_priority = 0;
  std::vector<std::string> record;  // empty: every output
  std::string output_file;          // empty or "-": standard output
};

// Runs an exported model headless and writes its recording as CSV.
int run_model(const RunConfig& config);

std::string database_path(const std::string& data_dir, const std::string& db);

int serve(const ServeConfig& config);

// Creates the demo project with a small model; used on a database's first start.
void create_demo_project(store::Store& store, const core::TypeCatalogue& catalogue);

}  // namespace twinloop::app
