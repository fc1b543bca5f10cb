#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connection_pool.hpp"
#include "migration_runner.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/store/migrations.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::store {

namespace {

using core::ErrorKind;

constexpr bool is_constraint(int result_code) {
  return (result_code & 0xff) == SQLITE_CONSTRAINT;
}

void check_page(PageRequest page) {
  if (page.limit < 0 || page.offset < 0) {
    throw core::Error(ErrorKind::bad_request,
                      fmt::format("limit and offset must not be negative (got {} and {})",
                                  page.limit, page.offset));
  }
}

// SQLite stores a NaN as NULL, which would read back as "not set".
void check_finite(std::optional<double> value, std::string_view field, const char* pointer) {
  if (value && !std::isfinite(*value)) {
    core::throw_unprocessable(fmt::format("{} must be a finite number", field), pointer);
  }
}

void check_finite(const std::optional<core::Position>& position) {
  if (!position) return;
  check_finite(position->x, "position.x", "/position/x");
  check_finite(position->y, "position.y", "/position/y");
}

core::Project read_project(const StatementRun& row) {
  namespace column = project_column;
  return core::Project{row.integer(column::id), row.text(column::name),
                       row.text(column::description), row.text(column::created_at),
                       row.text(column::updated_at)};
}

core::Model read_model(const StatementRun& row) {
  namespace column = model_column;
  return core::Model{row.integer(column::id),
                     row.integer(column::project_id),
                     row.text(column::name),
                     row.text(column::description),
                     row.optional_real(column::step_size),
                     row.text(column::created_at),
                     row.text(column::updated_at)};
}

core::Component read_component(const StatementRun& row) {
  namespace column = component_column;
  core::Component component;
  component.id = row.integer(column::id);
  component.model_id = row.integer(column::model_id);
  component.name = row.text(column::name);
  component.type = row.text(column::type);
  component.parameters = core::ParameterValues::from_json_text(row.text(column::parameters));
  if (!row.is_null(column::position_x)) {
    component.position = core::Position{*row.optional_real(column::position_x),
                                        row.optional_real(column::position_y).value_or(0.0)};
  }
  component.created_at = row.text(column::created_at);
  component.updated_at = row.text(column::updated_at);
  return component;
}

core::Connection read_connection(const StatementRun& row) {
  namespace column = connection_column;
  return core::Connection{
      row.integer(column::id), row.integer(column::model_id),
      core::PortRef{row.integer(column::source_component_id), row.text(column::source_port)},
      core::PortRef{row.integer(column::target_component_id), row.text(column::target_port)},
      row.text(column::created_at)};
}

SimulationRecord read_simulation(const StatementRun& row) {
  namespace column = simulation_column;
  SimulationRecord record;
  record.id = row.integer(column::id);
  record.model_id = row.integer(column::model_id);
  record.state = row.text(column::state);
  record.document = row.text(column::document);
  record.created_at = row.text(column::created_at);
  if (!row.is_null(column::ended_at)) record.ended_at = row.text(column::ended_at);
  return record;
}

void on_endpoint_constraint(int result, const EndpointRecord& endpoint) {
  if (result == SQLITE_CONSTRAINT_UNIQUE) {
    core::throw_conflict(fmt::format("project {} has an endpoint named '{}' already",
                                     endpoint.project_id, endpoint.name),
                         "/name");
  }
}

FmuRecord read_fmu(const StatementRun& row) {
  namespace column = fmu_column;
  FmuRecord record;
  record.id = row.integer(column::id);
  record.project_id = row.integer(column::project_id);
  record.sha256 = row.text(column::sha256);
  record.file_name = row.text(column::file_name);
  record.size = row.integer(column::size);
  record.summary = row.text(column::summary);
  record.created_at = row.text(column::created_at);
  return record;
}

std::optional<std::string> optional_text(const StatementRun& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.text(column);
}

EndpointRecord read_endpoint(const StatementRun& row) {
  namespace column = endpoint_column;
  EndpointRecord record;
  record.id = row.integer(column::id);
  record.project_id = row.integer(column::project_id);
  record.name = row.text(column::name);
  record.url = row.text(column::url);
  record.security_mode = row.text(column::security_mode);
  record.security_policy = row.text(column::security_policy);
  record.username = optional_text(row, column::username);
  record.password = optional_text(row, column::password);
  record.connect_timeout = row.optional_real(column::connect_timeout).value_or(0.0);
  record.request_timeout = row.optional_real(column::request_timeout).value_or(0.0);
  record.exchange_period = row.optional_real(column::exchange_period);
  record.fault_policy = row.text(column::fault_policy);
  record.created_at = row.text(column::created_at);
  record.updated_at = row.text(column::updated_at);
  return record;
}

BindingRecord read_binding(const StatementRun& row) {
  namespace column = binding_column;
  BindingRecord record;
  record.id = row.integer(column::id);
  record.model_id = row.integer(column::model_id);
  record.endpoint_id = row.integer(column::endpoint_id);
  record.signal = row.text(column::signal);
  record.node_id = row.text(column::node_id);
  record.direction = row.text(column::direction);
  record.scale = row.optional_real(column::scale).value_or(1.0);
  record.offset = row.optional_real(column::offset).value_or(0.0);
  record.data_type = optional_text(row, column::data_type);
  record.created_at = row.text(column::created_at);
  record.updated_at = row.text(column::updated_at);
  return record;
}

// The fields of an endpoint after its id (insert) or its id as ?1 (update), from ?2 on.
void bind_endpoint_fields(StatementRun& run, const EndpointRecord& endpoint) {
  run.bind_text(2, endpoint.name)
      .bind_text(3, endpoint.url)
      .bind_text(4, endpoint.security_mode)
      .bind_text(5, endpoint.security_policy)
      .bind_optional_text(6, endpoint.username)
      .bind_optional_text(7, endpoint.password)
      .bind_real(8, endpoint.connect_timeout)
      .bind_real(9, endpoint.request_timeout)
      .bind_real(10, endpoint.exchange_period)
      .bind_text(11, endpoint.fault_policy);
}

void bind_binding_fields(StatementRun& run, const BindingRecord& binding) {
  run.bind_integer(2, binding.endpoint_id)
      .bind_text(3, binding.signal)
      .bind_text(4, binding.node_id)
      .bind_text(5, binding.direction)
      .bind_real(6, binding.scale)
      .bind_real(7, binding.offset)
      .bind_optional_text(8, binding.data_type);
}

void check_endpoint(const EndpointRecord& endpoint) {
  check_finite(endpoint.connect_timeout, "connect_timeout", "/connect_timeout");
  check_finite(endpoint.request_timeout, "request_timeout", "/request_timeout");
  check_finite(endpoint.exchange_period, "exchange_period", "/exchange_period");
}

void check_binding(const BindingRecord& binding) {
  check_finite(binding.scale, "scale", "/scale");
  check_finite(binding.offset, "offset", "/offset");
}

// Results are packed as the little-endian bytes of the arrays, which on this (little-endian)
// platform are the arrays' own bytes.
static_assert(std::endian::native == std::endian::little,
              "simulation results are stored as little-endian arrays");

template <typename T>
std::vector<T> unpack(std::string_view bytes) {
  std::vector<T> values(bytes.size() / sizeof(T));
  // An empty blob reads as a null pointer, which memcpy must not see even for 0 bytes.
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

std::string signals_json(const std::vector<std::string>& signals) {
  return nlohmann::json(signals).dump();
}

// Finishes a write that returns the changed row (INSERT/UPDATE ... RETURNING): a constraint
// failure goes to `on_constraint`, which throws the error the API should see for it (others
// fall through to internal); no row (an update of a missing id) gives nullopt.
template <typename Read, typename OnConstraint>
auto write_returning(StatementRun& run, Read read, OnConstraint on_constraint)
    -> std::optional<decltype(read(run))> {
  const int result = run.step();
  if (is_constraint(result)) on_constraint(result);
  if (!run.check(result)) return std::nullopt;
  auto entity = read(run);
  run.finish();
  return entity;
}

bool delete_by_id(Connection& connection, Sql statement, Id id) {
  {
    auto run = connection.run(statement);
    run.bind_integer(1, id).finish();
  }
  return sqlite3_changes64(connection.database().handle()) > 0;
}

// Runs `read` in one read transaction unless one is already open, so that a page and its
// total come from the same snapshot.
template <typename Read>
auto in_read_snapshot(Connection& connection, Read read) -> decltype(read()) {
  if (sqlite3_get_autocommit(connection.database().handle()) == 0) return read();
  connection.execute(Sql::begin_deferred);
  try {
    auto result = read();
    connection.execute(Sql::commit);
    return result;
  } catch (...) {
    connection.database().rollback_quietly();
    throw;
  }
}

// Runs `write` in one write transaction unless one is already open (the store is bound to
// a transaction), so that its statements commit together.
template <typename Write>
auto in_write_transaction(Connection& connection, Write write) -> decltype(write()) {
  if (sqlite3_get_autocommit(connection.database().handle()) == 0) return write();
  connection.execute(Sql::begin_immediate);
  try {
    auto result = write();
    connection.execute(Sql::commit);
    return result;
  } catch (...) {
    connection.database().rollback_quietly();
    throw;
  }
}

// A page of rows of `list_statement` and the total of `count_statement`, both taking the
// parent id as their first parameter when there is one.
template <typename Read>
auto read_page(Connection& connection, Sql list_statement, Sql count_statement,
               std::optional<Id> parent_id, PageRequest page, Read read)
    -> Page<decltype(read(std::declval<const StatementRun&>()))> {
  check_page(page);
  return in_read_snapshot(connection, [&] {
    Page<decltype(read(std::declval<const StatementRun&>()))> result;
    {
      auto count = connection.run(count_statement);
      if (parent_id) count.bind_integer(1, *parent_id);
      count.next();
      result.total = count.integer(0);
    }
    if (page.offset >= result.total || page.limit == 0) return result;
    auto list = connection.run(list_statement);
    const int limit_index = parent_id ? 2 : 1;
    if (parent_id) list.bind_integer(1, *parent_id);
    list.bind_integer(limit_index, page.limit).bind_integer(limit_index + 1, page.offset);
    while (list.next()) {
      result.items.push_back(read(list));
    }
    return result;
  });
}

template <typename Read>
auto read_all(Connection& connection, Sql statement, Id id, Read read)
    -> std::vector<decltype(read(std::declval<const StatementRun&>()))> {
  std::vector<decltype(read(std::declval<const StatementRun&>()))> items;
  auto run = connection.run(statement);
  run.bind_integer(1, id);
  while (run.next()) {
    items.push_back(read(run));
  }
  return items;
}

template <typename Read>
auto read_one(Connection& connection, Sql statement, Id id, Read read)
    -> std::optional<decltype(read(std::declval<const StatementRun&>()))> {
  auto run = connection.run(statement);
  run.bind_integer(1, id);
  if (!run.next()) return std::nullopt;
  return read(run);
}

[[noreturn]] void throw_duplicate_name(std::string_view entity, std::string_view name,
                                       std::string_view scope) {
  core::throw_conflict(fmt::format("a {} named '{}' already exists{}", entity, name, scope),
                       "/name");
}

// The insert of `draft` failed a foreign key or the same-model trigger: finds out which
// reference is wrong, to name it.
[[noreturn]] void throw_rejected_connection(Connection& connection, const core::Connection& draft) {
  const std::string sqlite_message = sqlite3_errmsg(connection.database().handle());
  if (!read_one(connection, Sql::find_model, draft.model_id, read_model)) {
    core::throw_not_found(fmt::format("model {} does not exist", draft.model_id));
  }
  const std::pair<const core::PortRef*, const char*> ends[] = {
      {&draft.source, "/source/component_id"}, {&draft.target, "/target/component_id"}};
  for (const auto& [end, pointer] : ends) {
    const auto component =
        read_one(connection, Sql::find_component, end->component_id, read_component);
    if (!component) {
      core::throw_not_found(fmt::format("component {} does not exist", end->component_id));
    }
    if (component->model_id != draft.model_id) {
      core::throw_unprocessable(fmt::format("component {} belongs to model {}, not to model {}",
                                            component->id, component->model_id, draft.model_id),
                                pointer);
    }
  }
  throw core::Error(ErrorKind::internal,
                    fmt::format("database error while creating a connection: {}", sqlite_message));
}

// Implements the Store on whatever connection acquire() hands out.
class SqliteStoreBase : public Store {
 public:
  core::Project create_project(const core::Project& draft) override {
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_project);
      run.bind_text(1, draft.name).bind_text(2, draft.description);
      return *write_returning(run, read_project, [&](int result) {
        if (result == SQLITE_CONSTRAINT_UNIQUE) throw_duplicate_name("project", draft.name, "");
      });
    });
  }

  std::optional<core::Project> find_project(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_project, id, read_project);
    });
  }

  Page<core::Project> list_projects(PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_projects, Sql::count_projects, std::nullopt, page,
                       read_project);
    });
  }

  core::Project update_project(Id id, const ProjectChanges& changes) override {
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::update_project);
      run.bind_integer(1, id)
          .bind_optional_text(2, changes.name)
          .bind_optional_text(3, changes.description);
      auto project = write_returning(run, read_project, [&](int result) {
        if (result == SQLITE_CONSTRAINT_UNIQUE) {
          throw_duplicate_name("project", changes.name.value_or(""), "");
        }
      });
      if (!project) core::throw_not_found(fmt::format("project {} does not exist", id));
      return *std::move(project);
    });
  }

  bool delete_project(Id id) override {
    return with_connection(
        [&](Connection& connection) { return delete_by_id(connection, Sql::delete_project, id); });
  }

  core::Model create_model(const core::Model& draft) override {
    check_finite(draft.step_size, "step_size", "/step_size");
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_model);
      run.bind_integer(1, draft.project_id)
          .bind_text(2, draft.name)
          .bind_text(3, draft.description)
          .bind_real(4, draft.step_size);
      return *write_returning(run, read_model, [&](int result) {
        if (result == SQLITE_CONSTRAINT_UNIQUE) {
          throw_duplicate_name("model", draft.name, " in this project");
        }
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_not_found(fmt::format("project {} does not exist", draft.project_id));
        }
      });
    });
  }

  std::optional<core::Model> find_model(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_model, id, read_model);
    });
  }

  Page<core::Model> list_models(Id project_id, PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_models, Sql::count_models, project_id, page,
                       read_model);
    });
  }

  core::Model update_model(Id id, const ModelChanges& changes) override {
    if (changes.step_size) check_finite(*changes.step_size, "step_size", "/step_size");
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::update_model);
      run.bind_integer(1, id)
          .bind_optional_text(2, changes.name)
          .bind_optional_text(3, changes.description)
          .bind_integer(4, changes.step_size.has_value())
          .bind_real(5, changes.step_size.value_or(std::nullopt));
      auto model = write_returning(run, read_model, [&](int result) {
        if (result == SQLITE_CONSTRAINT_UNIQUE) {
          throw_duplicate_name("model", changes.name.value_or(""), " in this project");
        }
      });
      if (!model) core::throw_not_found(fmt::format("model {} does not exist", id));
      return *std::move(model);
    });
  }

  bool delete_model(Id id) override {
    return with_connection(
        [&](Connection& connection) { return delete_by_id(connection, Sql::delete_model, id); });
  }

  core::Component create_component(const core::Component& draft) override {
    check_finite(draft.position);
    const std::string parameters = draft.parameters.json_text();
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_component);
      run.bind_integer(1, draft.model_id)
          .bind_text(2, draft.name)
          .bind_text(3, draft.type)
          .bind_text(4, parameters);
      bind_position(run, 5, draft.position);
      return *write_returning(run, read_component, [&](int result) {
        if (result == SQLITE_CONSTRAINT_UNIQUE) {
          throw_duplicate_name("component", draft.name, " in this model");
        }
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_not_found(fmt::format("model {} does not exist", draft.model_id));
        }
      });
    });
  }

  std::optional<core::Component> find_component(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_component, id, read_component);
    });
  }

  Page<core::Component> list_components(Id model_id, PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_components, Sql::count_components, model_id, page,
                       read_component);
    });
  }

  std::vector<core::Component> all_components(Id model_id) override {
    return with_connection([&](Connection& connection) {
      return read_all(connection, Sql::all_components, model_id, read_component);
    });
  }

  core::Component update_component(Id id, const ComponentChanges& changes) override {
    if (changes.position) check_finite(*changes.position);
    std::optional<std::string> parameters;
    if (changes.parameters) parameters = changes.parameters->json_text();
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::update_component);
      run.bind_integer(1, id).bind_optional_text(2, changes.name).bind_optional_text(3, parameters);
      run.bind_integer(4, changes.position.has_value());
      bind_position(run, 5, changes.position.value_or(std::nullopt));
      auto component = write_returning(run, read_component, [&](int result) {
        if (result == SQLITE_CONSTRAINT_UNIQUE) {
          throw_duplicate_name("component", changes.name.value_or(""), " in this model");
        }
      });
      if (!component) core::throw_not_found(fmt::format("component {} does not exist", id));
      return *std::move(component);
    });
  }

  bool delete_component(Id id) override {
    return with_connection([&](Connection& connection) {
      return delete_by_id(connection, Sql::delete_component, id);
    });
  }

  core::Connection create_connection(const core::Connection& draft) override {
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_connection);
      run.bind_integer(1, draft.model_id)
          .bind_integer(2, draft.source.component_id)
          .bind_text(3, draft.source.port)
          .bind_integer(4, draft.target.component_id)
          .bind_text(5, draft.target.port);
      return *write_returning(run, read_connection, [&](int result) {
        if (result == SQLITE_CONSTRAINT_UNIQUE) {
          core::throw_unprocessable(fmt::format("input {} of component {} already has a driver",
                                                draft.target.port, draft.target.component_id),
                                    "/target", "input-already-driven");
        }
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY || result == SQLITE_CONSTRAINT_TRIGGER) {
          throw_rejected_connection(connection, draft);
        }
      });
    });
  }

  std::optional<core::Connection> find_connection(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_connection, id, read_connection);
    });
  }

  Page<core::Connection> list_connections(Id model_id, PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_connections, Sql::count_connections, model_id, page,
                       read_connection);
    });
  }

  std::vector<core::Connection> all_connections(Id model_id) override {
    return with_connection([&](Connection& connection) {
      return read_all(connection, Sql::all_connections, model_id, read_connection);
    });
  }

  std::vector<core::Connection> connections_of(Id component_id) override {
    return with_connection([&](Connection& connection) {
      return read_all(connection, Sql::connections_of_component, component_id, read_connection);
    });
  }

  bool delete_connection(Id id) override {
    return with_connection([&](Connection& connection) {
      return delete_by_id(connection, Sql::delete_connection, id);
    });
  }

  SimulationRecord create_simulation(Id model_id, std::string_view state,
                                     const std::string& document) override {
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_simulation);
      run.bind_integer(1, model_id).bind_text(2, state).bind_text(3, document);
      return *write_returning(run, read_simulation, [&](int result) {
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_not_found(fmt::format("model {} does not exist", model_id));
        }
      });
    });
  }

  bool finish_simulation(Id id, std::string_view state, const std::string& document,
                         const SimulationResults& results) override {
    const std::size_t width = results.signals.size();
    if (results.values.size() != results.time_ns.size() * width) {
      throw std::invalid_argument(
          fmt::format("{} values are no whole rows of {} signals for {} times",
                      results.values.size(), width, results.time_ns.size()));
    }
    const std::string signals = signals_json(results.signals);
    return with_connection([&](Connection& connection) {
      return in_write_transaction(connection, [&] {
        {
          auto run = connection.run(Sql::finish_simulation);
          run.bind_integer(1, id).bind_text(2, state).bind_text(3, document).finish();
        }
        if (sqlite3_changes64(connection.database().handle()) == 0) return false;
        auto run = connection.run(Sql::insert_simulation_results);
        run.bind_integer(1, id)
            .bind_text(2, signals)
            .bind_integer(3, static_cast<std::int64_t>(results.time_ns.size()))
            .bind_blob(4, results.time_ns.data(), results.time_ns.size() * sizeof(std::int64_t))
            .bind_blob(5, results.values.data(), results.values.size() * sizeof(double))
            .finish();
        return true;
      });
    });
  }

  std::optional<SimulationRecord> find_simulation(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_simulation, id, read_simulation);
    });
  }

  Page<SimulationRecord> list_simulations(Id model_id, PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_simulations, Sql::count_simulations, model_id, page,
                       read_simulation);
    });
  }

  std::optional<SimulationResults> simulation_results(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_simulation_results, id, [](const StatementRun& row) {
        namespace column = results_column;
        SimulationResults results;
        results.signals =
            nlohmann::json::parse(row.text_view(column::signals)).get<std::vector<std::string>>();
        results.time_ns = unpack<std::int64_t>(row.blob_view(column::time_ns));
        results.values = unpack<double>(row.blob_view(column::samples));
        return results;
      });
    });
  }

  bool delete_simulation(Id id) override {
    return with_connection([&](Connection& connection) {
      return delete_by_id(connection, Sql::delete_simulation, id);
    });
  }

  std::int64_t stop_unfinished_simulations(std::string_view reason) override {
    return with_connection([&](Connection& connection) {
      {
        auto run = connection.run(Sql::stop_unfinished_simulations);
        run.bind_text(1, reason).finish();
      }
      return static_cast<std::int64_t>(sqlite3_changes64(connection.database().handle()));
    });
  }

  FmuRecord create_fmu(const FmuRecord& draft) override {
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_fmu);
      run.bind_integer(1, draft.project_id)
          .bind_text(2, draft.sha256)
          .bind_text(3, draft.file_name)
          .bind_integer(4, draft.size)
          .bind_text(5, draft.summary);
      return *write_returning(run, read_fmu, [&](int result) {
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_not_found(fmt::format("project {} does not exist", draft.project_id));
        }
        if (result == SQLITE_CONSTRAINT_UNIQUE) {
          core::throw_conflict(fmt::format("project {} has this FMU already", draft.project_id));
        }
      });
    });
  }

  std::optional<FmuRecord> find_fmu(Id id) override {
    return with_connection(
        [&](Connection& connection) { return read_one(connection, Sql::find_fmu, id, read_fmu); });
  }

  std::optional<FmuRecord> find_fmu_by_hash(Id project_id, std::string_view sha256) override {
    return with_connection([&](Connection& connection) -> std::optional<FmuRecord> {
      auto run = connection.run(Sql::find_fmu_by_hash);
      run.bind_integer(1, project_id).bind_text(2, sha256);
      if (!run.next()) return std::nullopt;
      return read_fmu(run);
    });
  }

  Page<FmuRecord> list_fmus(Id project_id, PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_fmus, Sql::count_fmus, project_id, page, read_fmu);
    });
  }

  bool delete_fmu(Id id) override {
    return with_connection(
        [&](Connection& connection) { return delete_by_id(connection, Sql::delete_fmu, id); });
  }

  std::int64_t count_fmus_with_hash(std::string_view sha256) override {
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::count_fmus_with_hash);
      run.bind_text(1, sha256);
      run.next();
      return run.integer(0);
    });
  }

  std::vector<core::Component> components_using_fmu(Id fmu_id) override {
    return with_connection([&](Connection& connection) {
      return read_all(connection, Sql::components_using_fmu, fmu_id, read_component);
    });
  }

  EndpointRecord create_endpoint(const EndpointRecord& draft) override {
    check_endpoint(draft);
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_endpoint);
      run.bind_integer(1, draft.project_id);
      bind_endpoint_fields(run, draft);
      return *write_returning(run, read_endpoint, [&](int result) {
        on_endpoint_constraint(result, draft);
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_not_found(fmt::format("project {} does not exist", draft.project_id));
        }
      });
    });
  }

  std::optional<EndpointRecord> find_endpoint(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_endpoint, id, read_endpoint);
    });
  }

  Page<EndpointRecord> list_endpoints(Id project_id, PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_endpoints, Sql::count_endpoints, project_id, page,
                       read_endpoint);
    });
  }

  std::optional<EndpointRecord> update_endpoint(const EndpointRecord& endpoint) override {
    check_endpoint(endpoint);
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::update_endpoint);
      run.bind_integer(1, endpoint.id);
      bind_endpoint_fields(run, endpoint);
      return write_returning(run, read_endpoint,
                             [&](int result) { on_endpoint_constraint(result, endpoint); });
    });
  }

  bool delete_endpoint(Id id) override {
    return with_connection([&](Connection& connection) {
      {
        auto run = connection.run(Sql::delete_endpoint);
        run.bind_integer(1, id);
        const int result = run.step();
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_conflict(
              fmt::format("endpoint {} is used by bindings; delete or change them first", id));
        }
        run.check(result);  // done: the statement, and in autocommit its commit, completed
      }
      return sqlite3_changes64(connection.database().handle()) > 0;
    });
  }

  BindingRecord create_binding(const BindingRecord& draft) override {
    check_binding(draft);
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::insert_binding);
      run.bind_integer(1, draft.model_id);
      bind_binding_fields(run, draft);
      return *write_returning(run, read_binding, [&](int result) {
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_not_found(fmt::format("model {} or endpoint {} does not exist",
                                            draft.model_id, draft.endpoint_id));
        }
      });
    });
  }

  std::optional<BindingRecord> find_binding(Id id) override {
    return with_connection([&](Connection& connection) {
      return read_one(connection, Sql::find_binding, id, read_binding);
    });
  }

  Page<BindingRecord> list_bindings(Id model_id, PageRequest page) override {
    return with_connection([&](Connection& connection) {
      return read_page(connection, Sql::list_bindings, Sql::count_bindings, model_id, page,
                       read_binding);
    });
  }

  std::vector<BindingRecord> all_bindings(Id model_id) override {
    return with_connection([&](Connection& connection) {
      return read_all(connection, Sql::all_bindings, model_id, read_binding);
    });
  }

  std::optional<BindingRecord> update_binding(const BindingRecord& binding) override {
    check_binding(binding);
    return with_connection([&](Connection& connection) {
      auto run = connection.run(Sql::update_binding);
      run.bind_integer(1, binding.id);
      bind_binding_fields(run, binding);
      return write_returning(run, read_binding, [&](int result) {
        if (result == SQLITE_CONSTRAINT_FOREIGNKEY) {
          core::throw_not_found(fmt::format("endpoint {} does not exist", binding.endpoint_id));
        }
      });
    });
  }

  bool delete_binding(Id id) override {
    return with_connection(
        [&](Connection& connection) { return delete_by_id(connection, Sql::delete_binding, id); });
  }

 protected:
  // Exclusive use of a connection for one call.
  virtual ConnectionLease acquire() = 0;

 private:
  // The lease outlives everything `work` does, so each statement is reset before its
  // connection goes back to the pool.
  template <typename Work>
  auto with_connection(Work work) -> decltype(work(std::declval<Connection&>())) {
    const ConnectionLease lease = acquire();
    return work(lease.get());
  }

  static void bind_position(StatementRun& run, int first_index,
                            const std::optional<core::Position>& position) {
    if (position) {
      run.bind_real(first_index, position->x).bind_real(first_index + 1, position->y);
    } else {
      run.bind_null(first_index).bind_null(first_index + 1);
    }
  }
};

// The store handed to transaction work: every call uses the transaction's connection.
class BoundStore final : public SqliteStoreBase {
 public:
  explicit BoundStore(Connection& connection) : connection_(connection) {}

  void transaction(const std::function<void(Store&)>& work) override {
    connection_.execute(Sql::savepoint);
    try {
      work(*this);
      connection_.execute(Sql::release_savepoint);
    } catch (...) {
      // Undoes Sql::savepoint. Errors are ignored: if the failure already ended the outer
      // transaction, there is no savepoint left to roll back to.
      sqlite3_exec(connection_.database().handle(),
                   "ROLLBACK TO twinloop_nested; RELEASE twinloop_nested", nullptr, nullptr,
                   nullptr);
      throw;
    }
  }

 protected:
  ConnectionLease acquire() override { return ConnectionLease(connection_, nullptr); }

 private:
  Connection& connection_;
};

// The pooled store whose transaction work this thread is running. That work must go through
// the store it was given; a call to the outer store would wait for a second connection (for
// ever with a pool of one) or for the write lock its own transaction holds.
thread_local const Store* store_in_transaction = nullptr;

// Marks the current thread as running `store`'s transaction work while it lives.
class TransactionMark {
 public:
  explicit TransactionMark(const Store* store)
      : enclosing_(std::exchange(store_in_transaction, store)) {}
  ~TransactionMark() { store_in_transaction = enclosing_; }
  TransactionMark(const TransactionMark&) = delete;
  TransactionMark& operator=(const TransactionMark&) = delete;

 private:
  const Store* enclosing_;
};

class PooledStore final : public SqliteStoreBase {
 public:
  explicit PooledStore(std::vector<std::unique_ptr<Connection>> connections)
      : pool_(std::move(connections)) {}

  void transaction(const std::function<void(Store&)>& work) override {
    const ConnectionLease lease = acquire();
    Connection& connection = lease.get();
    connection.execute(Sql::begin_immediate);
    const TransactionMark mark(this);
    try {
      BoundStore bound(connection);
      work(bound);
      connection.execute(Sql::commit);
    } catch (...) {
      connection.database().rollback_quietly();
      throw;
    }
  }

 protected:
  ConnectionLease acquire() override {
    if (store_in_transaction == this) {
      throw core::Error(ErrorKind::internal,
                        "a transaction's work called the store that runs the transaction; it "
                        "must use the store given to it");
    }
    return pool_.acquire();
  }

 private:
  ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const SqliteOptions& options) {
  if (options.path.empty()) {
    // SQLite would give every connection its own temporary database.
    throw core::Error(ErrorKind::bad_request, "the database path must not be empty");
  }
  if (options.pool_size < 1) {
    throw core::Error(ErrorKind::bad_request,
                      fmt::format("pool_size must be at least 1, not {}", options.pool_size));
  }
  if (options.busy_timeout_ms < 0) {
    throw core::Error(
        ErrorKind::bad_request,
        fmt::format("busy_timeout_ms must not be negative, not {}", options.busy_timeout_ms));
  }
  // Every connection to ":memory:" opens a database of its own, so one connection serves all.
  const bool in_memory = options.path == Database::kMemoryPath;
  const int pool_size = in_memory ? 1 : options.pool_size;
  std::vector<std::unique_ptr<Connection>> connections;
  connections.reserve(static_cast<std::size_t>(pool_size));
  for (int i = 0; i < pool_size; ++i) {
    connections.push_back(std::make_unique<Connection>(options.path, options.busy_timeout_ms));
  }
  if (in_memory || options.migrate) {
    MigrationRunner(connections.front()->database().handle(), known_migrations()).up();
  }
  return std::make_unique<PooledStore>(std::move(connections));
}

}  // namespace twinloop::store
