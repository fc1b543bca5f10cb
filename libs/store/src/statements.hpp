#pragma once

#include <cstddef>
#include <string_view>

namespace twinloop::store {

// Every statement the store runs. Each connection prepares them once, on first use, and
// keeps them; the SQL text is fixed so the hot paths never build strings.
enum class Sql : std::size_t {
  begin_deferred,
  begin_immediate,
  commit,
  savepoint,
  release_savepoint,

  insert_project,
  find_project,
  list_projects,
  count_projects,
  update_project,
  delete_project,

  insert_model,
  find_model,
  list_models,
  count_models,
  update_model,
  delete_model,

  insert_component,
  find_component,
  list_components,
  count_components,
  all_components,
  update_component,
  delete_component,

  insert_connection,
  find_connection,
  list_connections,
  count_connections,
  all_connections,
  connections_of_component,
  delete_connection,

  insert_simulation,
  finish_simulation,
  find_simulation,
  list_simulations,
  count_simulations,
  delete_simulation,
  insert_simulation_results,
  find_simulation_results,
  stop_unfinished_simulations,

  insert_fmu,
  find_fmu,
  find_fmu_by_hash,
  list_fmus,
  count_fmus,
  delete_fmu,
  count_fmus_with_hash,
  components_using_fmu,

  insert_endpoint,
  find_endpoint,
  list_endpoints,
  count_endpoints,
  update_endpoint,
  delete_endpoint,

  insert_binding,
  find_binding,
  list_bindings,
  count_bindings,
  all_bindings,
  update_binding,
  delete_binding,
};

// The number of statements: one more than the last enumerator.
inline constexpr std::size_t kSqlCount = static_cast<std::size_t>(Sql::delete_binding) + 1;

std::string_view sql_text(Sql statement);

// The column order of each entity's SELECT and RETURNING lists, as read by the store.
namespace project_column {
inline constexpr int id = 0, name = 1, description = 2, created_at = 3, updated_at = 4;
}
namespace model_column {
inline constexpr int id = 0, project_id = 1, name = 2, description = 3, step_size = 4,
                     created_at = 5, updated_at = 6;
}
namespace component_column {
inline constexpr int id = 0, model_id = 1, name = 2, type = 3, parameters = 4, position_x = 5,
                     position_y = 6, created_at = 7, updated_at = 8;
}
namespace connection_column {
inline constexpr int id = 0, model_id = 1, source_component_id = 2, source_port = 3,
                     target_component_id = 4, target_port = 5, created_at = 6;
}

namespace simulation_column {
inline constexpr int id = 0, model_id = 1, state = 2, document = 3, created_at = 4, ended_at = 5;
}
namespace fmu_column {
inline constexpr int id = 0, project_id = 1, sha256 = 2, file_name = 3, size = 4, summary = 5,
                     created_at = 6;
}
namespace endpoint_column {
inline constexpr int id = 0, project_id = 1, name = 2, url = 3, security_mode = 4,
                     security_policy = 5, username = 6, password = 7, connect_timeout = 8,
                     request_timeout = 9, exchange_period = 10, fault_policy = 11, created_at = 12,
                     updated_at = 13;
}
namespace binding_column {
inline constexpr int id = 0, model_id = 1, endpoint_id = 2, signal = 3, node_id = 4, direction = 5,
                     scale = 6, offset = 7, data_type = 8, created_at = 9, updated_at = 10;
}
namespace results_column {
inline constexpr int encoding = 0, signals = 1, row_count = 2, time_ns = 3, samples = 4;
}

}  // namespace twinloop::store
