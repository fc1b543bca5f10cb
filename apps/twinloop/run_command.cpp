#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "config.hpp"
#include "twinloop/api/model_document.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/sim/run.hpp"

namespace twinloop::app {

namespace {

// "detail (at /components/2/parameters/k)": where in the document a problem is.
std::string with_location(const core::Error& error) {
  std::string text = error.what();
  for (const auto& field : error.fields()) {
    if (!field.pointer.empty()) text += fmt::format(" (at {})", field.pointer);
  }
  return text;
}

nlohmann::json read_document(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(fmt::format("cannot read {}", path));
  std::stringstream content;
  content << file.rdbuf();
  try {
    return nlohmann::json::parse(content.str());
  } catch (const nlohmann::json::parse_error& error) {
    throw std::runtime_error(fmt::format("{} is not valid JSON (at byte {})", path, error.byte));
  }
}

}  // namespace

int run_model(const RunConfig& config) {
  const auto document = read_document(config.model_file);
  auto store = store::open_sqlite(store::SqliteOptions{":memory:", 1000, 1});
  sim::TypeRegistry registry;
  sim::register_builtin_types(registry);

  core::Model model;
  std::vector<core::Component> components;
  std::vector<core::Connection> connections;
  try {
    core::Project project;
    project.name = "run";
    project = store->create_project(project);
    model = api::import_model_document(*store, registry, project.id, document);
    components = store->all_components(model.id);
    connections = store->all_connections(model.id);
  } catch (const core::Error& error) {
    throw std::runtime_error(fmt::format("{}: {}", config.model_file, with_location(error)));
  }

  const auto step_size = config.step_size ? config.step_size : model.step_size;
  if (!step_size) {
    throw std::runtime_error(
        fmt::format("{} has no step size: give one with --dt", config.model_file));
  }
  sim::Plan compiled;
  try {
    compiled = sim::compile(components, connections, registry,
                            sim::CompileOptions{std::llround(*step_size * 1e9)});
  } catch (const core::Error& error) {
    throw std::runtime_error(fmt::format("{}: {}", config.model_file, with_location(error)));
  }
  const auto plan = std::make_shared<const sim::Plan>(std::move(compiled));

  sim::RunSettings settings;
  settings.last_step = std::llround(config.end_time / *step_size);
  settings.realtime_factor = config.realtime_factor;
  settings.realtime_priority = config.realtime_priority;
  std::vector<std::string> names;
  for (std::uint32_t index = 0; index < plan->signals.size(); ++index) {
    const auto& name = plan->signals[index].name;
    if (config.record.empty() ||
        std::find(config.record.begin(), config.record.end(), name) != config.record.end()) {
      settings.recorded.push_back(index);
      names.push_back(name);
    }
  }
  for (const auto& wanted : config.record) {
    if (std::find(names.begin(), names.end(), wanted) == names.end()) {
      throw std::runtime_error(
          fmt::format("--record: the model has no output signal '{}'", wanted));
    }
  }

  sim::SimulationRun run(plan, settings);
  run.start();
  const auto state = run.wait_until_ended();
  const auto statistics = run.statistics();
  if (state != sim::RunState::completed) {
    throw std::runtime_error(
        fmt::format("the simulation {}: {}", sim::to_string(state), statistics.error));
  }

  std::vector<std::size_t> columns(names.size());
  for (std::size_t i = 0; i < columns.size(); ++i)
    columns[i] = i;
  const std::string csv = sim::recording_csv(run.recording(), names, columns);
  if (config.output_file.empty() || config.output_file == "-") {
    std::cout << csv;
  } else {
    std::ofstream out(config.output_file, std::ios::trunc);
    out << csv;
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", config.output_file));
  }
  std::cerr << fmt::format("{}: {} steps of {} s in {:.3f} s wall time{}\n", model.name,
                           statistics.steps_done, *step_size, statistics.wall_seconds,
                           statistics.recording_truncated ? " (recording truncated)" : "");
  if (!statistics.end_reason.empty()) std::cerr << "ended early: " << statistics.end_reason << '\n';
  if (!statistics.warning.empty()) std::cerr << "warning: " << statistics.warning << '\n';
  return 0;
}

}  // namespace twinloop::app
