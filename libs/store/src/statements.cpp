#include "statements.hpp"

namespace twinloop::store {

// The column lists must follow the *_column constants in statements.hpp. Timestamps are
// strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), the same expression as the tables' defaults.
std::string_view sql_text(Sql statement) {
  switch (statement) {
    case Sql::begin_deferred:
      return "BEGIN";
    case Sql::begin_immediate:
      return "BEGIN IMMEDIATE";
    case Sql::commit:
      return "COMMIT";
    // Nested transactions are savepoints of one name; SQLite resolves a repeated name to the
    // innermost savepoint.
    case Sql::savepoint:
      return "SAVEPOINT twinloop_nested";
    case Sql::release_savepoint:
      return "RELEASE twinloop_nested";

    case Sql::insert_project:
      return "INSERT INTO projects (name, description) VALUES (?1, ?2) "
             "RETURNING id, name, description, created_at, updated_at";
    case Sql::find_project:
      return "SELECT id, name, description, created_at, updated_at FROM projects WHERE id = ?1";
    case Sql::list_projects:
      return "SELECT id, name, description, created_at, updated_at FROM projects "
             "ORDER BY id LIMIT ?1 OFFSET ?2";
    case Sql::count_projects:
      return "SELECT count(*) FROM projects";
    case Sql::update_project:
      return "UPDATE projects SET name = coalesce(?2, name), "
             "description = coalesce(?3, description), "
             "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 "
             "RETURNING id, name, description, created_at, updated_at";
    case Sql::delete_project:
      return "DELETE FROM projects WHERE id = ?1";

    case Sql::insert_model:
      return "INSERT INTO models (project_id, name, description, step_size) "
             "VALUES (?1, ?2, ?3, ?4) "
             "RETURNING id, project_id, name, description, step_size, created_at, updated_at";
    case Sql::find_model:
      return "SELECT id, project_id, name, description, step_size, created_at, updated_at "
             "FROM models WHERE id = ?1";
    case Sql::list_models:
      return "SELECT id, project_id, name, description, step_size, created_at, updated_at "
             "FROM models WHERE project_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3";
    case Sql::count_models:
      return "SELECT count(*) FROM models WHERE project_id = ?1";
    // ?4 says whether step_size changes at all, since ?5 = NULL means "clear it".
    case Sql::update_model:
      return "UPDATE models SET name = coalesce(?2, name), "
             "description = coalesce(?3, description), "
             "step_size = CASE WHEN ?4 THEN ?5 ELSE step_size END, "
             "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 "
             "RETURNING id, project_id, name, description, step_size, created_at, updated_at";
    case Sql::delete_model:
      return "DELETE FROM models WHERE id = ?1";

    case Sql::insert_component:
      return "INSERT INTO components (model_id, name, type, parameters, position_x, position_y) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
             "RETURNING id, model_id, name, type, parameters, position_x, position_y, "
             "created_at, updated_at";
    case Sql::find_component:
      return "SELECT id, model_id, name, type, parameters, position_x, position_y, created_at, "
             "updated_at FROM components WHERE id = ?1";
    case Sql::list_components:
      return "SELECT id, model_id, name, type, parameters, position_x, position_y, created_at, "
             "updated_at FROM components WHERE model_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3";
    case Sql::count_components:
      return "SELECT count(*) FROM components WHERE model_id = ?1";
    case Sql::all_components:
      return "SELECT id, model_id, name, type, parameters, position_x, position_y, created_at, "
             "updated_at FROM components WHERE model_id = ?1 ORDER BY id";
    // ?4 says whether the position changes at all, since ?5/?6 = NULL means "clear it".
    case Sql::update_component:
      return "UPDATE components SET name = coalesce(?2, name), "
             "parameters = coalesce(?3, parameters), "
             "position_x = CASE WHEN ?4 THEN ?5 ELSE position_x END, "
             "position_y = CASE WHEN ?4 THEN ?6 ELSE position_y END, "
             "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 "
             "RETURNING id, model_id, name, type, parameters, position_x, position_y, "
             "created_at, updated_at";
    case Sql::delete_component:
      return "DELETE FROM components WHERE id = ?1";

    case Sql::insert_connection:
      return "INSERT INTO connections "
             "(model_id, source_component_id, source_port, target_component_id, target_port) "
             "VALUES (?1, ?2, ?3, ?4, ?5) "
             "RETURNING id, model_id, source_component_id, source_port, target_component_id, "
             "target_port, created_at";
    case Sql::find_connection:
      return "SELECT id, model_id, source_component_id, source_port, target_component_id, "
             "target_port, created_at FROM connections WHERE id = ?1";
    case Sql::list_connections:
      return "SELECT id, model_id, source_component_id, source_port, target_component_id, "
             "target_port, created_at FROM connections WHERE model_id = ?1 "
             "ORDER BY id LIMIT ?2 OFFSET ?3";
    case Sql::count_connections:
      return "SELECT count(*) FROM connections WHERE model_id = ?1";
    case Sql::all_connections:
      return "SELECT id, model_id, source_component_id, source_port, target_component_id, "
             "target_port, created_at FROM connections WHERE model_id = ?1 ORDER BY id";
    case Sql::connections_of_component:
      return "SELECT id, model_id, source_component_id, source_port, target_component_id, "
             "target_port, created_at FROM connections "
             "WHERE source_component_id = ?1 OR target_component_id = ?1 ORDER BY id";
    case Sql::delete_connection:
      return "DELETE FROM connections WHERE id = ?1";

    case Sql::insert_simulation:
      return "INSERT INTO simulations (model_id, state, document) VALUES (?1, ?2, ?3) "
             "RETURNING id, model_id, state, document, created_at, ended_at";
    case Sql::finish_simulation:
      return "UPDATE simulations SET state = ?2, document = ?3, "
             "ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1";
    case Sql::find_simulation:
      return "SELECT id, model_id, state, document, created_at, ended_at FROM simulations "
             "WHERE id = ?1";
    case Sql::list_simulations:
      return "SELECT id, model_id, state, document, created_at, ended_at FROM simulations "
             "WHERE model_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3";
    case Sql::count_simulations:
      return "SELECT count(*) FROM simulations WHERE model_id = ?1";
    case Sql::delete_simulation:
      return "DELETE FROM simulations WHERE id = ?1";
    case Sql::insert_simulation_results:
      return "INSERT OR REPLACE INTO simulation_results "
             "(simulation_id, encoding, signals, row_count, time_ns, samples) "
             "VALUES (?1, 'le64', ?2, ?3, ?4, ?5)";
    case Sql::find_simulation_results:
      return "SELECT encoding, signals, row_count, time_ns, samples FROM simulation_results "
             "WHERE simulation_id = ?1";
    case Sql::stop_unfinished_simulations:
      return "UPDATE simulations SET state = 'stopped', "
             "document = json_set(document, '$.state', 'stopped', '$.error', ?1), "
             "ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
             "WHERE state NOT IN ('completed', 'stopped', 'failed')";

    case Sql::insert_fmu:
      return "INSERT INTO fmus (project_id, sha256, file_name, size, summary) "
             "VALUES (?1, ?2, ?3, ?4, ?5) "
             "RETURNING id, project_id, sha256, file_name, size, summary, created_at";
    case Sql::find_fmu:
      return "SELECT id, project_id, sha256, file_name, size, summary, created_at FROM fmus "
             "WHERE id = ?1";
    case Sql::find_fmu_by_hash:
      return "SELECT id, project_id, sha256, file_name, size, summary, created_at FROM fmus "
             "WHERE project_id = ?1 AND sha256 = ?2";
    case Sql::list_fmus:
      return "SELECT id, project_id, sha256, file_name, size, summary, created_at FROM fmus "
             "WHERE project_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3";
    case Sql::count_fmus:
      return "SELECT count(*) FROM fmus WHERE project_id = ?1";
    case Sql::delete_fmu:
      return "DELETE FROM fmus WHERE id = ?1";
    case Sql::count_fmus_with_hash:
      return "SELECT count(*) FROM fmus WHERE sha256 = ?1";
    case Sql::components_using_fmu:
      return "SELECT id, model_id, name, type, parameters, position_x, position_y, created_at, "
             "updated_at FROM components "
             "WHERE type = 'fmu' AND json_extract(parameters, '$.fmu') = ?1 ORDER BY id";

#define TWINLOOP_ENDPOINT_COLUMNS                                                   \
  "id, project_id, name, url, security_mode, security_policy, username, password, " \
  "connect_timeout, request_timeout, exchange_period, fault_policy, created_at, updated_at"
    case Sql::insert_endpoint:
      return "INSERT INTO endpoints (project_id, name, url, security_mode, security_policy, "
             "username, password, connect_timeout, request_timeout, exchange_period, "
             "fault_policy) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
             "RETURNING " TWINLOOP_ENDPOINT_COLUMNS;
    case Sql::find_endpoint:
      return "SELECT " TWINLOOP_ENDPOINT_COLUMNS " FROM endpoints WHERE id = ?1";
    case Sql::list_endpoints:
      return "SELECT " TWINLOOP_ENDPOINT_COLUMNS
             " FROM endpoints WHERE project_id = ?1 "
             "ORDER BY id LIMIT ?2 OFFSET ?3";
    case Sql::count_endpoints:
      return "SELECT count(*) FROM endpoints WHERE project_id = ?1";
    case Sql::update_endpoint:
      return "UPDATE endpoints SET name = ?2, url = ?3, security_mode = ?4, "
             "security_policy = ?5, username = ?6, password = ?7, connect_timeout = ?8, "
             "request_timeout = ?9, exchange_period = ?10, fault_policy = ?11, "
             "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 "
             "RETURNING " TWINLOOP_ENDPOINT_COLUMNS;
    case Sql::delete_endpoint:
      return "DELETE FROM endpoints WHERE id = ?1";
#undef TWINLOOP_ENDPOINT_COLUMNS

#define TWINLOOP_BINDING_COLUMNS                                                          \
  "id, model_id, endpoint_id, signal, node_id, direction, scale, \"offset\", data_type, " \
  "created_at, updated_at"
    case Sql::insert_binding:
      return "INSERT INTO bindings (model_id, endpoint_id, signal, node_id, direction, scale, "
             "\"offset\", data_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
             "RETURNING " TWINLOOP_BINDING_COLUMNS;
    case Sql::find_binding:
      return "SELECT " TWINLOOP_BINDING_COLUMNS " FROM bindings WHERE id = ?1";
    case Sql::list_bindings:
      return "SELECT " TWINLOOP_BINDING_COLUMNS
             " FROM bindings WHERE model_id = ?1 "
             "ORDER BY id LIMIT ?2 OFFSET ?3";
    case Sql::count_bindings:
      return "SELECT count(*) FROM bindings WHERE model_id = ?1";
    case Sql::all_bindings:
      return "SELECT " TWINLOOP_BINDING_COLUMNS " FROM bindings WHERE model_id = ?1 ORDER BY id";
    case Sql::update_binding:
      return "UPDATE bindings SET endpoint_id = ?2, signal = ?3, node_id = ?4, direction = ?5, "
             "scale = ?6, \"offset\" = ?7, data_type = ?8, "
             "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 "
             "RETURNING " TWINLOOP_BINDING_COLUMNS;
    case Sql::delete_binding:
      return "DELETE FROM bindings WHERE id = ?1";
#undef TWINLOOP_BINDING_COLUMNS
  }
  return {};
}

}  // namespace twinloop::store
