// The twinloop executable: command line, configuration and wiring.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>

#include "config.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/store/migrations.hpp"

namespace {

using twinloop::app::ServeConfig;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

void configure_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("twinloop");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
}

void add_database_options(CLI::App& command, std::string& data_dir, std::string& db) {
  command.add_option("--data-dir", data_dir, "Directory for the database and uploaded files")
      ->envname("TWINLOOP_DATA_DIR")
      ->capture_default_str();
  command.add_option("--db", db, "SQLite database file (default: <data-dir>/twinloop.db)")
      ->envname("TWINLOOP_DB");
}

int print_migration_status(twinloop::store::Migrator& migrator) {
  for (const auto& step : migrator.status()) {
    std::printf("%04lld  %-32s %s\n", static_cast<long long>(step.version), step.name.c_str(),
                step.applied ? ("applied " + step.applied_at).c_str() : "pending");
  }
  std::printf("schema version %lld\n", static_cast<long long>(migrator.current_version()));
  return 0;
}

}  // namespace

namespace twinloop::app {
// Adds `twinloop opcua ...` (opcua_command.cpp); the function runs the command that was parsed.
std::function<int()> add_opcua_command(CLI::App& app);
}  // namespace twinloop::app

int main(int argc, char** argv) {
  CLI::App app{"twinloop: a digital twin and testing platform for machines", "twinloop"};
  app.require_subcommand(1);
  // Subcommands inherit this: options of the top level (--log-level) may follow a subcommand.
  app.fallthrough();
  app.set_version_flag("--version", std::string(TWINLOOP_VERSION));

  ServeConfig serve_config;
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->envname("TWINLOOP_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();

  auto* serve = app.add_subcommand("serve", "Start the HTTP server (REST API, docs, web app)");
  serve->add_option("--host", serve_config.host, "Address to listen on (loopback by default)")
      ->envname("TWINLOOP_HOST")
      ->capture_default_str();
  serve->add_option("--port", serve_config.port, "TCP port; 0 picks a free one")
      ->envname("TWINLOOP_PORT")
      ->capture_default_str();
  add_database_options(*serve, serve_config.data_dir, serve_config.db);
  serve
      ->add_flag("!--no-migrate", serve_config.migrate,
                 "Do not apply pending migrations on start (refuse to start if any are pending)")
      ->envname("TWINLOOP_MIGRATE");
  serve
      ->add_flag("--demo-project", serve_config.demo_project,
                 "Create a demo project when the database is new")
      ->envname("TWINLOOP_DEMO_PROJECT");
  serve->add_option("--body-limit", serve_config.body_limit, "Largest request body in bytes")
      ->envname("TWINLOOP_BODY_LIMIT")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 34))
      ->capture_default_str();
  serve
      ->add_option("--max-fmu-size", serve_config.max_fmu_size,
                   "Largest FMU upload in bytes (POST /api/v1/projects/{id}/fmus)")
      ->envname("TWINLOOP_MAX_FMU_SIZE")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 34))
      ->capture_default_str();
  serve->add_option("--threads", serve_config.threads, "HTTP worker threads")
      ->envname("TWINLOOP_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve
      ->add_option("--cors-origin", serve_config.cors_origin,
                   "Allow cross-origin requests from this origin ('*' for any)")
      ->envname("TWINLOOP_CORS_ORIGIN");
  serve
      ->add_option("--static-dir", serve_config.static_dir,
                   "Directory of the web app and /docs (default: beside the executable)")
      ->envname("TWINLOOP_STATIC_DIR");
  serve
      ->add_option("--port-file", serve_config.port_file,
                   "Write the bound port to this file once listening")
      ->envname("TWINLOOP_PORT_FILE");

  serve
      ->add_option("--opcua-port", serve_config.opcua_port,
                   "TCP port of the twin's OPC UA server (on --host); 0 picks a free one")
      ->envname("TWINLOOP_OPCUA_PORT")
      ->capture_default_str();
  serve
      ->add_flag("!--no-opcua", serve_config.opcua,
                 "Do not start the OPC UA server that publishes running simulations")
      ->envname("TWINLOOP_OPCUA");

  std::string migrate_data_dir = "data";
  std::string migrate_db;
  int down_steps = 1;
  auto* migrate = app.add_subcommand("migrate", "Apply, roll back or list database migrations");
  migrate->require_subcommand(1);
  add_database_options(*migrate, migrate_data_dir, migrate_db);
  auto* migrate_up = migrate->add_subcommand("up", "Apply every pending migration");
  auto* migrate_down = migrate->add_subcommand("down", "Roll back the N latest migrations");
  migrate_down->add_option("N", down_steps, "How many migrations to roll back")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  auto* migrate_status = migrate->add_subcommand("status", "List migrations and their state");

  twinloop::app::RunConfig run_config;
  std::optional<double> run_step_size;
  auto* run = app.add_subcommand("run", "Simulate an exported model headless and write CSV");
  run->add_option("MODEL", run_config.model_file, "A model document (GET /models/{id}/export)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--end", run_config.end_time, "End time in seconds (steps 0..round(end/dt))")
      ->required()
      ->check(CLI::Range(0.0, 1e9));
  run->add_option("--dt", run_step_size, "Step size in seconds (default: the model's)")
      ->check(CLI::Range(1e-9, 3600.0));
  run->add_option("--rt", run_config.realtime_factor,
                  "Real-time factor: 0 as fast as possible, 1 wall clock")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  run->add_option("--priority", run_config.realtime_priority,
                  "SCHED_FIFO priority 1..99 for a paced run (0: normal)")
      ->check(CLI::Range(0, 99))
      ->capture_default_str();
  run->add_option("--record", run_config.record, "Signals to record (default: every output)")
      ->delimiter(',');
  run->add_option("--out", run_config.output_file, "CSV file to write (default: standard output)");

  auto* version = app.add_subcommand("version", "Print the version");
  const auto run_opcua = twinloop::app::add_opcua_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : exit_usage;
  }

  try {
    configure_logging(log_level);
    if (version->parsed()) {
      std::printf("twinloop %s\n", TWINLOOP_VERSION);
      return 0;
    }
    if (serve->parsed()) return twinloop::app::serve(serve_config);
    if (app.got_subcommand("opcua")) return run_opcua();
    if (run->parsed()) {
      run_config.step_size = run_step_size;
      return twinloop::app::run_model(run_config);
    }
    if (migrate->parsed()) {
      const auto db = twinloop::app::database_path(migrate_data_dir, migrate_db);
      if (const auto parent = std::filesystem::path(db).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent);
      }
      auto migrator = twinloop::store::sqlite_migrator(db);
      if (migrate_up->parsed()) {
        std::printf("applied %d migration(s)\n", migrator->up());
      } else if (migrate_down->parsed()) {
        std::printf("rolled back %d migration(s)\n", migrator->down(down_steps));
      }
      if (migrate_status->parsed() || migrate_up->parsed() || migrate_down->parsed()) {
        return print_migration_status(*migrator);
      }
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "twinloop: %s\n", error.what());
    return exit_failure;
  }
  return 0;
}
