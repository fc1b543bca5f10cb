#pragma once
// An OPC UA server over UA-TCP with SecurityPolicy None: the standard nodes of namespace 0
// plus what the application adds (folders, objects, variables), the discovery, session,
// attribute, view, subscription and monitored-item services.
//
// The server runs on its own thread. The address-space functions may be called from any
// thread at any time; they take a short lock and never wait for network I/O.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "twinloop/opcua/node_ids.hpp"
#include "twinloop/opcua/services.hpp"
#include "twinloop/opcua/types.hpp"

namespace twinloop::opcua {

// A variable added by the application; cheap to copy, valid as long as the server.
struct VariableHandle {
  std::uint32_t index = 0xFFFFFFFFu;
  bool valid() const { return index != 0xFFFFFFFFu; }
  bool operator==(const VariableHandle&) const = default;
};

// Called on the server's thread for each client Write to the variable's Value, after the type
// and access checks. Return Good to store the value, a Bad code to refuse it (sent back to the
// client). Must not block.
using WriteCallback = std::function<StatusCode(const NodeId& node, const DataValue& value)>;

struct VariableOptions {
  NodeId id;
  std::string browse_name;
  std::string display_name;  // the browse name when empty
  std::string description;
  NodeId data_type = NodeId(static_cast<std::uint32_t>(BuiltinType::Double));
  std::int32_t value_rank = value_rank::Scalar;
  std::vector<std::uint32_t> array_dimensions;
  std::uint8_t access_level = access_level::CurrentRead;
  Variant value;
  WriteCallback on_write;
};

struct UserCredentials {
  std::string user_name;
  std::string password;
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4840;  // 0: an ephemeral port, see Server::port()
  std::string application_uri = "urn:twinloop:opcua:server";
  std::string product_uri = "urn:twinloop:opcua";
  std::string application_name = "twinloop OPC UA server";
  std::string software_version = "0.1.0";

  bool allow_anonymous = true;
  std::vector<UserCredentials> users;  // user name/password logins; none: no such policy

  // UA-TCP limits offered in the Acknowledge.
  std::uint32_t receive_buffer_size = 65536;
  std::uint32_t send_buffer_size = 65536;
  std::uint32_t max_message_size = 16u << 20;
  std::uint32_t max_chunk_count = 0;

  std::size_t max_connections = 64;
  std::size_t max_sessions = 64;
  std::size_t max_subscriptions_per_session = 64;
  std::size_t max_monitored_items_per_subscription = 100'000;
  std::size_t max_publish_requests_per_session = 10;
  std::size_t max_nodes_per_request = 100'000;
  std::size_t max_browse_continuation_points = 16;
  std::size_t max_retransmission_queue = 64;

  std::chrono::milliseconds hello_timeout{5000};
  std::uint32_t min_token_lifetime_ms = 10'000;
  std::uint32_t max_token_lifetime_ms = 3'600'000;
  double min_session_timeout_ms = 10'000;
  double max_session_timeout_ms = 3'600'000;
  double min_publishing_interval_ms = 5;
  double min_sampling_interval_ms = 1;
};

class Server {
 public:
  explicit Server(ServerConfig config = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving on a thread of its own; throws opcua::Error when it cannot bind.
  void start();
  // Closes every connection and joins the thread. Also done by the destructor.
  void stop();
  std::uint16_t port() const;
  std::string endpoint_url() const;  // opc.tcp://host:port

  // Registers a namespace URI; returns its index (1 is urn of the application).
  std::uint16_t add_namespace(const std::string& uri);
  // Each add_* throws opcua::Error: BadNodeIdExists, BadParentNodeIdInvalid, BadBrowseNameInvalid.
  NodeId add_folder(const NodeId& parent, NodeId id, const std::string& browse_name);
  NodeId add_object(const NodeId& parent, NodeId id, const std::string& browse_name);
  VariableHandle add_variable(const NodeId& parent, VariableOptions options);
  std::optional<VariableHandle> find_variable(const NodeId& id) const;
  // Removes the node and what it organizes or has as components and properties, transitively;
  // returns how many nodes went (0: no such node). Handles to removed variables are stale:
  // set_value and value() throw BadNodeIdUnknown for them; monitored items on them report
  // BadNodeIdUnknown. The NodeIds may be added again.
  std::size_t remove_node(const NodeId& id);

  // New values with the current time as source and server timestamp; monitored items see
  // them at their next sample.
  void set_value(VariableHandle variable, Variant value);
  void set_value(VariableHandle variable, DataValue value);
  // Many values under one lock: values[i] goes to variables[i].
  void set_values(std::span<const VariableHandle> variables, std::span<const Variant> values);
  void set_values(std::span<const VariableHandle> variables, std::span<const double> values);
  DataValue value(VariableHandle variable) const;
  void set_write_callback(VariableHandle variable, WriteCallback callback);

  struct Statistics {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_rejected = 0;
    std::uint64_t requests = 0;
    std::uint64_t service_faults = 0;
    std::uint64_t transport_errors = 0;
    std::size_t sessions = 0;
  };
  Statistics statistics() const;

 private:
  friend class ServerConnection;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinloop::opcua
