#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twinloop/core/model.hpp"

namespace twinloop::store {

using core::Id;

struct PageRequest {
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

template <typename T>
struct Page {
  std::vector<T> items{};
  std::int64_t total = 0;
};

// Changes to an entity: only the fields that are set change. (Every member has an
// initializer so that designated initializers may leave any out without a warning.)
struct ProjectChanges {
  std::optional<std::string> name{};
  std::optional<std::string> description{};
};

struct ModelChanges {
  std::optional<std::string> name{};
  std::optional<std::string> description{};
  std::optional<std::optional<double>> step_size{};  // set to nullopt to clear it
};

struct ComponentChanges {
  std::optional<std::string> name{};
  std::optional<core::ParameterValues> parameters{};        // complete, validated
  std::optional<std::optional<core::Position>> position{};  // set to nullopt to clear it
};

// A simulation as kept: `document` is the API's JSON object of it without id, model_id and
// created_at, which are columns of their own.
struct SimulationRecord {
  Id id = 0;
  Id model_id = 0;
  std::string state;  // created, running, paused, completed, stopped, failed
  std::string document;
  std::string created_at{};
  std::optional<std::string> ended_at{};
};

// The samples a simulation recorded: for each time one value per signal (row-major).
struct SimulationResults {
  std::vector<std::string> signals;
  std::vector<std::int64_t> time_ns;
  std::vector<double> values;
};

// An FMU uploaded to a project. The archive is kept once per `sha256` in the data directory;
// `summary` is the JSON text of its model description as the API shows it.
struct FmuRecord {
  Id id = 0;
  Id project_id = 0;
  std::string sha256{};
  std::string file_name{};
  std::int64_t size = 0;
  std::string summary{};
  std::string created_at{};
};

// An OPC UA server that a project's simulations connect to as a client: a PLC, say. Times in
// seconds; `exchange_period` nullopt exchanges every step.
struct EndpointRecord {
  Id id = 0;
  Id project_id = 0;
  std::string name{};
  std::string url{};
  std::string security_mode = "None";
  std::string security_policy = "None";
  std::optional<std::string> username{};
  std::optional<std::string> password{};
  double connect_timeout = 5.0;
  double request_timeout = 1.0;
  std::optional<double> exchange_period{};
  std::string fault_policy = "hold";  // hold, pause, fail
  std::string created_at{};
  std::string updated_at{};
};

// A model's signal ("component.port") bound to a node of an endpoint: `read` feeds an input
// from the node before each exchange, `write` sends an output to it after. The value crosses
// as value * scale + offset; `data_type` names the OPC UA built-in type to convert to.
struct BindingRecord {
  Id id = 0;
  Id model_id = 0;
  Id endpoint_id = 0;
  std::string signal{};
  std::string node_id{};
  std::string direction{};  // read, write
  double scale = 1.0;
  double offset = 0.0;
  std::optional<std::string> data_type{};
  std::string created_at{};
  std::string updated_at{};
};

// Persistence of the model entities and simulations. Implementations are safe to call from many
// threads.
//
// Errors are core::Error:
//  - conflict for a duplicate project name, model name within a project, or component name
//    within a model (the field named "/name");
//  - unprocessable (pointer "/target") for a second connection into one input;
//  - not_found where an update or insert refers to an id that does not exist.
// Lookups of a missing id return std::nullopt / false rather than throwing.
class Store {
 public:
  virtual ~Store() = default;

  virtual core::Project create_project(const core::Project& draft) = 0;
  virtual std::optional<core::Project> find_project(Id id) = 0;
  virtual Page<core::Project> list_projects(PageRequest page) = 0;
  virtual core::Project update_project(Id id, const ProjectChanges& changes) = 0;
  virtual bool delete_project(Id id) = 0;  // cascades to its models

  virtual core::Model create_model(const core::Model& draft) = 0;
  virtual std::optional<core::Model> find_model(Id id) = 0;
  virtual Page<core::Model> list_models(Id project_id, PageRequest page) = 0;
  virtual core::Model update_model(Id id, const ModelChanges& changes) = 0;
  virtual bool delete_model(Id id) = 0;  // cascades to components and connections

  virtual core::Component create_component(const core::Component& draft) = 0;
  virtual std::optional<core::Component> find_component(Id id) = 0;
  virtual Page<core::Component> list_components(Id model_id, PageRequest page) = 0;
  virtual std::vector<core::Component> all_components(Id model_id) = 0;
  virtual core::Component update_component(Id id, const ComponentChanges& changes) = 0;
  virtual bool delete_component(Id id) = 0;  // cascades to its connections

  virtual core::Connection create_connection(const core::Connection& draft) = 0;
  virtual std::optional<core::Connection> find_connection(Id id) = 0;
  virtual Page<core::Connection> list_connections(Id model_id, PageRequest page) = 0;
  virtual std::vector<core::Connection> all_connections(Id model_id) = 0;
  // Connections that start or end at the component.
  virtual std::vector<core::Connection> connections_of(Id component_id) = 0;
  virtual bool delete_connection(Id id) = 0;

  // A new simulation of a model (not_found for an unknown model).
  virtual SimulationRecord create_simulation(Id model_id, std::string_view state,
                                             const std::string& document) = 0;
  // Records how a simulation ended, with its results, in one transaction. False when the
  // simulation is no longer stored (deleted, or its model was).
  virtual bool finish_simulation(Id id, std::string_view state, const std::string& document,
                                 const SimulationResults& results) = 0;
  virtual std::optional<SimulationRecord> find_simulation(Id id) = 0;
  virtual Page<SimulationRecord> list_simulations(Id model_id, PageRequest page) = 0;
  virtual std::optional<SimulationResults> simulation_results(Id id) = 0;
  virtual bool delete_simulation(Id id) = 0;  // with its results
  // Marks every simulation that never ended (its server stopped while it ran) as stopped,
  // with `reason` as its error. Returns how many there were.
  virtual std::int64_t stop_unfinished_simulations(std::string_view reason) = 0;

  // A new FMU of a project (not_found for an unknown project; conflict when the project has
  // this FMU, by sha256, already).
  virtual FmuRecord create_fmu(const FmuRecord& draft) = 0;
  virtual std::optional<FmuRecord> find_fmu(Id id) = 0;
  virtual std::optional<FmuRecord> find_fmu_by_hash(Id project_id, std::string_view sha256) = 0;
  virtual Page<FmuRecord> list_fmus(Id project_id, PageRequest page) = 0;
  virtual bool delete_fmu(Id id) = 0;
  // How many FMU rows, of any project, keep the archive of this hash.
  virtual std::int64_t count_fmus_with_hash(std::string_view sha256) = 0;
  // The components (of any model) of type fmu whose parameter `fmu` is this id.
  virtual std::vector<core::Component> components_using_fmu(Id fmu_id) = 0;

  // A new endpoint of a project (not_found for an unknown project; conflict, "/name", for a
  // name the project has already). update_endpoint writes every field but the ids and times
  // and returns nullopt for a missing id.
  virtual EndpointRecord create_endpoint(const EndpointRecord& draft) = 0;
  virtual std::optional<EndpointRecord> find_endpoint(Id id) = 0;
  virtual Page<EndpointRecord> list_endpoints(Id project_id, PageRequest page) = 0;
  virtual std::optional<EndpointRecord> update_endpoint(const EndpointRecord& endpoint) = 0;
  // conflict while bindings use it.
  virtual bool delete_endpoint(Id id) = 0;

  // A new binding of a model (not_found for an unknown model or endpoint); update_binding as
  // update_endpoint.
  virtual BindingRecord create_binding(const BindingRecord& draft) = 0;
  virtual std::optional<BindingRecord> find_binding(Id id) = 0;
  virtual Page<BindingRecord> list_bindings(Id model_id, PageRequest page) = 0;
  virtual std::vector<BindingRecord> all_bindings(Id model_id) = 0;
  virtual std::optional<BindingRecord> update_binding(const BindingRecord& binding) = 0;
  virtual bool delete_binding(Id id) = 0;

  // Runs `work` in one transaction on a store bound to it: everything `work` does through
  // the given store is committed together when it returns, or rolled back when it throws.
  virtual void transaction(const std::function<void(Store&)>& work) = 0;
};

struct SqliteOptions {
  // ":memory:" for a private in-memory database. It lives as long as the store, is served by
  // one connection whatever pool_size says, and is always migrated on open, since nothing
  // else can reach it.
  std::string path{};
  int busy_timeout_ms = 5000;
  int pool_size = 4;     // connections; reads run concurrently in WAL mode
  bool migrate = false;  // apply pending migrations on open (see migrations.hpp)
};

// Opens (creating if needed) an SQLite database. Unless asked to, does not migrate: see
// migrations.hpp. Throws core::Error: bad_request for unusable options, internal when the
// database cannot be opened or migrated.
//
// Inside Store::transaction, use only the store given to the work: it is bound to the
// transaction's connection, for the calling thread, and only for the duration of the work.
// A transaction inside it is a savepoint, rolled back alone when its work throws.
std::unique_ptr<Store> open_sqlite(const SqliteOptions& options);

}  // namespace twinloop::store
