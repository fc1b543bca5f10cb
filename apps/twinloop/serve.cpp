#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include "config.hpp"
#include "twinloop/api/application.hpp"
#include "twinloop/api/fmus.hpp"
#include "twinloop/fmi/component_type.hpp"
#include "twinloop/hil/twin_server.hpp"
#include "twinloop/http/server.hpp"
#include "twinloop/sim/type_registry.hpp"
#include "twinloop/store/migrations.hpp"

namespace twinloop::app {

namespace fs = std::filesystem;

std::string database_path(const std::string& data_dir, const std::string& db) {
  if (!db.empty()) return db;
  return (fs::path(data_dir) / "twinloop.db").string();
}

namespace {

std::string default_static_dir() {
  std::error_code error;
  const auto executable = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return (executable.parent_path().parent_path() / "share" / "twinloop" / "www").string();
}

// Written once the server listens, atomically, so a reader never sees a partial number.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out) throw std::runtime_error("cannot write the port file " + path);
  }
  fs::rename(temporary, path);
}

}  // namespace

int serve(const ServeConfig& config) {
  fs::create_directories(config.data_dir);
  const std::string db = database_path(config.data_dir, config.db);
  if (const auto parent = fs::path(db).parent_path(); !parent.empty()) {
    fs::create_directories(parent);
  }

  auto migrator = store::sqlite_migrator(db);
  const bool fresh_database = migrator->current_version() == 0;
  const auto latest = store::known_migrations().back().version;
  if (config.migrate) {
    if (const int applied = migrator->up(); applied > 0) {
      spdlog::info("database {}: applied {} migration(s), schema version {}", db, applied,
                   migrator->current_version());
    }
  } else if (migrator->current_version() != latest) {
    spdlog::error(
        "database {} is at schema version {}, this build needs {}; run `twinloop migrate up` "
        "or start without --no-migrate",
        db, migrator->current_version(), latest);
    return 1;
  }
  migrator.reset();

  auto store = store::open_sqlite(store::SqliteOptions{db, 5000, config.threads + 2});
  sim::TypeRegistry registry;
  sim::register_builtin_types(registry);
  const fs::path fmu_directory = fs::path(config.data_dir) / "fmus";
  auto fmus = std::make_shared<fmi::FmuCatalogue>(api::make_fmu_resolver(*store, fmu_directory));
  fmi::register_fmu_type(registry, fmus);
  if (const auto removed = api::remove_unused_fmu_directories(*store, fmu_directory)) {
    spdlog::info("removed {} unpacked FMU(s) no project uses any more", removed);
  }

  if (config.demo_project && fresh_database && config.migrate) {
    create_demo_project(*store, registry);
    spdlog::info("created the demo project");
  }

  // Before the application, which publishes on it, so that it goes after.
  std::unique_ptr<hil::TwinServer> twin_server;
  if (config.opcua) {
    hil::TwinServerOptions twin_options;
    twin_options.server.host = config.host;
    twin_options.server.port = config.opcua_port;
    twin_options.server.application_uri = "urn:twinloop:twin";
    twin_options.server.application_name = "twinloop digital twin";
    twin_options.server.software_version = TWINLOOP_VERSION;
    twin_server = std::make_unique<hil::TwinServer>(twin_options);
    try {
      twin_server->start();
    } catch (const std::exception& error) {
      spdlog::error(
          "cannot start the OPC UA server on {}:{}: {} (choose another --opcua-port, "
          "or --no-opcua)",
          config.host, config.opcua_port, error.what());
      return 1;
    }
    spdlog::info("twinloop OPC UA server at {}", twin_server->endpoint_url());
  }
  api::Application application(
      *store, registry,
      api::ApplicationOptions{config.cors_origin, TWINLOOP_VERSION, fmu_directory,
                              config.max_fmu_size, fmus, twin_server.get()});
  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.body_limit = config.body_limit;
  options.static_dir = config.static_dir.empty() ? default_static_dir() : config.static_dir;
  http::Server server(application, options);
  server.start();
  server.run_until_signal([&] {
    if (!config.port_file.empty()) write_port_file(config.port_file, server.port());
    spdlog::info("twinloop {} serving http://{}:{} (database {}, API docs at /docs)",
                 TWINLOOP_VERSION,
                 config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host,
                 server.port(), db);
  });
  spdlog::info("stopped");
  return 0;
}

}  // namespace twinloop::app
