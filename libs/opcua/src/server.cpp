// The server's network side: accepting connections, UA-TCP Hello/Acknowledge, the secure
// channel (OPN issue and renew, CLO, token lifetimes) and handing MSG bodies to ServerCore.
#include "twinloop/opcua/server.hpp"

#include <future>
#include <thread>
#include <unordered_set>

#include "chunk_stream.hpp"
#include "secure_channel.hpp"
#include "server_core.hpp"

namespace twinloop::opcua {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A channel whose token expired without renewal is closed after this much grace.
constexpr double kTokenGrace = 1.25;

}  // namespace

class ServerConnection;

struct Server::Impl {
  explicit Impl(ServerConfig server_config)
      : config(std::move(server_config)), core(config), acceptor(io), deadline(io) {}

  void accept();
  void rearm();
  void connection_closed(ServerConnection* connection);
  void close_all();

  ServerConfig config;
  ServerCore core;
  asio::io_context io;
  tcp::acceptor acceptor;
  asio::steady_timer deadline;
  Clock::time_point armed = Clock::time_point::max();
  std::thread thread;
  bool running = false;
  std::uint16_t bound_port = 0;
  std::unordered_set<std::shared_ptr<ServerConnection>> connections;
  std::uint32_t next_channel_id = 1;
  std::uint32_t next_token_id = 1;
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_rejected{0};
  std::atomic<std::uint64_t> transport_errors{0};
};

class ServerConnection final : public ChunkStream, public ResponseChannel {
 public:
  ServerConnection(Server::Impl& server, tcp::socket socket)
      : ChunkStream(std::move(socket), server.config.receive_buffer_size),
        server_(server),
        channel_(limits_from(server.config)),
        timer_(server.io) {}

  void start() {
    arm_timer(server_.config.hello_timeout, status::BadTimeout, "no Hello in time");
    start_reading();
  }

  std::uint32_t channel_id() const override { return channel_.channel_id(); }
  const std::string& hello_endpoint_url() const override { return hello_url_; }

  void send_response(std::uint32_t request_id, std::span<const std::uint8_t> body) override {
    if (closed()) return;
    try {
      channel_.send(uatcp::MessageType::Message, request_id, body, output(),
                    status::BadResponseTooLarge);
    } catch (const Error& error) {
      send_fault_instead(request_id, body, error.status());
    }
    flush();
  }

 protected:
  void on_chunk(std::span<std::uint8_t> chunk) override {
    const uatcp::ChunkHeader header =
        uatcp::parse_header(chunk, channel_.limits().receive_buffer_size);
    if (state_ == State::ExpectHello) {
      receive_hello(header, chunk);
      return;
    }
    if (header.type == uatcp::MessageType::Hello) {
      throw Error(status::BadTcpMessageTypeInvalid, "a second Hello");
    }
    auto message = channel_.receive(chunk);
    if (!message) return;
    switch (message->type) {
      case uatcp::MessageType::Open:
        receive_open(*message);
        break;
      case uatcp::MessageType::Message:
        receive_request(*message);
        break;
      case uatcp::MessageType::Close:
        close_after_flush();
        break;
      default:
        throw Error(status::BadTcpMessageTypeInvalid, "unexpected message type");
    }
  }

  void on_closed(StatusCode reason) override {
    timer_.cancel();
    if (reason != status::BadConnectionClosed) ++server_.transport_errors;
    server_.connection_closed(this);
  }

 private:
  enum class State { ExpectHello, ExpectOpen, Open };

  static uatcp::ConnectionLimits limits_from(const ServerConfig& config) {
    uatcp::ConnectionLimits limits;
    limits.receive_buffer_size = config.receive_buffer_size;
    limits.send_buffer_size = config.send_buffer_size;
    limits.max_message_size = config.max_message_size;
    limits.max_chunk_count = config.max_chunk_count;
    return limits;
  }

  void arm_timer(Clock::duration after, StatusCode reason, const char* what) {
    timer_.expires_after(after);
    std::weak_ptr<ChunkStream> weak = shared_from_this();
    timer_.async_wait([weak, reason, what](const boost::system::error_code& error) {
      auto self = weak.lock();
      if (error || !self) return;
      self->send_error_and_close(reason, what);
    });
  }

  void receive_hello(const uatcp::ChunkHeader& header, std::span<std::uint8_t> chunk) {
    if (header.type != uatcp::MessageType::Hello || header.chunk_type != 'F') {
      throw Error(status::BadTcpMessageTypeInvalid, "the first message must be a Hello");
    }
    uatcp::HelloMessage hello;
    try {
      DecodeLimits limits;
      limits.max_string_length = uatcp::kMaxEndpointUrlLength;
      hello = decode_from_bytes<uatcp::HelloMessage>(chunk.subspan(uatcp::kHeaderSize), limits);
    } catch (const Error& error) {
      throw Error(status::BadTcpMessageTypeInvalid,
                  std::string("malformed Hello: ") + error.what());
    }
    auto [limits, acknowledge] = uatcp::negotiate_as_server(hello, channel_.limits());
    channel_.set_limits(limits);
    frames().set_max_chunk_size(limits.receive_buffer_size);
    hello_url_ = hello.endpoint_url;
    uatcp::append_message(output(), uatcp::MessageType::Acknowledge, acknowledge);
    flush();
    state_ = State::ExpectOpen;
    arm_timer(server_.config.hello_timeout, status::BadTimeout, "no OpenSecureChannel in time");
  }

  void receive_open(const ReceivedMessage& message) {
    if (message.aborted) return;
    Reader reader(message.body);
    NodeId type;
    decode(reader, type);
    if (type != NodeId(OpenSecureChannelRequest::binary_encoding_id)) {
      throw Error(status::BadTcpMessageTypeInvalid, "OPN without an OpenSecureChannelRequest");
    }
    OpenSecureChannelRequest request;
    decode(reader, request);
    const bool issue = request.request_type == SecurityTokenRequestType::Issue;
    if (issue != (state_ == State::ExpectOpen) ||
        (!issue && request.request_type != SecurityTokenRequestType::Renew)) {
      throw Error(status::BadRequestTypeInvalid,
                  issue ? "a second Issue on an open channel" : "Renew before the channel is open");
    }
    if (request.security_mode != MessageSecurityMode::None) {
      throw Error(status::BadSecurityModeRejected, "policy None allows only security mode None");
    }
    if (issue) channel_.set_channel_id(server_.next_channel_id++);
    const std::uint32_t token_id = server_.next_token_id++;
    const std::uint32_t lifetime =
        std::clamp(request.requested_lifetime, server_.config.min_token_lifetime_ms,
                   server_.config.max_token_lifetime_ms);
    channel_.accept_token(token_id);
    // On renewal the old token stays valid, and in use for responses, until the client
    // sends under the new one.
    if (issue) channel_.set_send_token(token_id);

    OpenSecureChannelResponse response;
    response.response_header.timestamp = DateTime::now();
    response.response_header.request_handle = request.request_header.request_handle;
    response.security_token = {channel_.channel_id(), token_id, DateTime::now(), lifetime};
    channel_.send(uatcp::MessageType::Open, message.request_id, encode_message(response), output(),
                  status::BadResponseTooLarge);
    flush();
    state_ = State::Open;
    arm_timer(from_milliseconds(lifetime * kTokenGrace), status::BadSecureChannelTokenUnknown,
              "the security token expired without renewal");
  }

  void receive_request(const ReceivedMessage& message) {
    if (state_ != State::Open) {
      throw Error(status::BadTcpSecureChannelUnknown, "a request before OpenSecureChannel");
    }
    if (message.token_id != channel_.send_token()) {
      channel_.set_send_token(message.token_id);
      channel_.forget_tokens_except(message.token_id);
    }
    if (message.aborted) return;
    RequestContext context;
    context.channel = std::static_pointer_cast<ServerConnection>(shared_from_this());
    context.request_id = message.request_id;
    context.received = Clock::now();
    server_.core.dispatch(context, message.body);
    server_.rearm();
  }

  // The response is larger than the client accepts: it gets a ServiceFault with the request
  // handle the response carried.
  void send_fault_instead(std::uint32_t request_id, std::span<const std::uint8_t> body,
                          StatusCode status_code) {
    ServiceFault fault;
    try {
      Reader reader(body);
      NodeId type;
      decode(reader, type);
      DateTime timestamp;
      decode(reader, timestamp);
      fault.response_header.request_handle = reader.number<std::uint32_t>();
    } catch (const Error&) {
    }
    fault.response_header.timestamp = DateTime::now();
    fault.response_header.service_result = status_code;
    channel_.send(uatcp::MessageType::Message, request_id, encode_message(fault), output(),
                  status::BadResponseTooLarge);
  }

  Server::Impl& server_;
  SecureChannel channel_;
  asio::steady_timer timer_;
  State state_ = State::ExpectHello;
  std::string hello_url_;
};

void Server::Impl::accept() {
  acceptor.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
    if (error) {
      if (error != asio::error::operation_aborted && acceptor.is_open()) accept();
      return;
    }
    auto connection = std::make_shared<ServerConnection>(*this, std::move(socket));
    if (connections.size() >= config.max_connections) {
      ++connections_rejected;
      connection->send_error_and_close(status::BadMaxConnectionsReached,
                                       "the server has its maximum of connections");
    } else {
      ++connections_accepted;
      connections.insert(connection);
      connection->start();
    }
    accept();
  });
}

void Server::Impl::connection_closed(ServerConnection* connection) {
  if (connection->channel_id() != 0) core.channel_closed(connection->channel_id());
  for (auto it = connections.begin(); it != connections.end(); ++it) {
    if (it->get() == connection) {
      // Erased after the current handler: the connection may still be on the stack.
      asio::post(io, [keep = *it] {});
      connections.erase(it);
      break;
    }
  }
  rearm();
}

void Server::Impl::rearm() {
  const Clock::time_point next = core.next_deadline();
  if (next == armed) return;
  armed = next;
  if (next == Clock::time_point::max()) {
    deadline.cancel();
    return;
  }
  deadline.expires_at(next);
  deadline.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    armed = Clock::time_point::max();
    core.tick(Clock::now());
    rearm();
  });
}

void Server::Impl::close_all() {
  boost::system::error_code ignored;
  acceptor.close(ignored);
  deadline.cancel();
  core.shutdown();
  auto open = connections;
  for (const auto& connection : open)
    connection->close(status::BadShutdown);
  connections.clear();
}

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() {
  stop();
}

void Server::start() {
  if (impl_->running) return;
  boost::system::error_code error;
  const auto address = asio::ip::make_address(impl_->config.host, error);
  if (error) throw Error(status::BadConfigurationError, "host '" + impl_->config.host + "'");
  const tcp::endpoint endpoint(address, impl_->config.port);
  impl_->io.restart();
  impl_->acceptor.open(endpoint.protocol(), error);
  if (!error) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl_->acceptor.bind(endpoint, error);
  if (!error) impl_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    throw Error(status::BadConfigurationError, "cannot listen on " + impl_->config.host + ":" +
                                                   std::to_string(impl_->config.port) + ": " +
                                                   error.message());
  }
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->core.set_default_endpoint_url(endpoint_url());
  impl_->accept();
  impl_->running = true;
  impl_->thread = std::thread([this] {
    for (;;) {
      try {
        impl_->io.run();
        return;
      } catch (const std::exception&) {
        // A handler failed outside the per-request error handling; keep serving the others.
      }
    }
  });
}

void Server::stop() {
  if (!impl_->running) return;
  std::promise<void> closed;
  asio::post(impl_->io, [this, &closed] {
    impl_->close_all();
    closed.set_value();
  });
  closed.get_future().wait();
  // With the acceptor, sockets and timers closed, run() returns once their handlers ran.
  impl_->thread.join();
  impl_->running = false;
}

std::uint16_t Server::port() const {
  return impl_->bound_port;
}

std::string Server::endpoint_url() const {
  return "opc.tcp://" + impl_->config.host + ":" + std::to_string(impl_->bound_port);
}

std::uint16_t Server::add_namespace(const std::string& uri) {
  std::lock_guard lock(impl_->core.space_mutex);
  auto& namespaces = impl_->core.namespaces;
  auto it = std::find(namespaces.begin(), namespaces.end(), uri);
  if (it != namespaces.end()) return static_cast<std::uint16_t>(it - namespaces.begin());
  namespaces.push_back(uri);
  return static_cast<std::uint16_t>(namespaces.size() - 1);
}

namespace {

Node named_node(NodeId id, const std::string& browse_name, const std::string& display_name,
                NodeClass node_class) {
  if (browse_name.empty()) throw Error(status::BadBrowseNameInvalid, "an empty browse name");
  Node node;
  node.browse_name = QualifiedName(id.namespace_index, browse_name);
  node.display_name = LocalizedText("", display_name.empty() ? browse_name : display_name);
  node.id = std::move(id);
  node.node_class = node_class;
  return node;
}

// Folders organise what is in them; objects have it as components.
NodeId child_reference(const AddressSpace& space, const Node& parent) {
  return space.type_definition(parent) == NodeId(id::FolderType) ? NodeId(id::Organizes)
                                                                 : NodeId(id::HasComponent);
}

void add_child(AddressSpace& space, const NodeId& parent_id, Node node, std::uint32_t type) {
  const Node* parent = space.find(parent_id);
  if (!parent) {
    throw Error(status::BadParentNodeIdInvalid, "parent " + parent_id.to_string() + " is unknown");
  }
  const NodeId reference = child_reference(space, *parent);
  const NodeId id = node.id;
  space.add(std::move(node));
  space.add_reference(parent_id, reference, id);
  space.add_reference(id, NodeId(id::HasTypeDefinition), NodeId(type));
}

}  // namespace

namespace {

NodeId add_object_of_type(ServerCore& core, const NodeId& parent, NodeId id,
                          const std::string& browse_name, std::uint32_t type) {
  std::lock_guard lock(core.space_mutex);
  NodeId added = id;
  add_child(core.space, parent, named_node(std::move(id), browse_name, "", NodeClass::Object),
            type);
  return added;
}

}  // namespace

NodeId Server::add_folder(const NodeId& parent, NodeId id, const std::string& browse_name) {
  return add_object_of_type(impl_->core, parent, std::move(id), browse_name, id::FolderType);
}

NodeId Server::add_object(const NodeId& parent, NodeId id, const std::string& browse_name) {
  return add_object_of_type(impl_->core, parent, std::move(id), browse_name, id::BaseObjectType);
}

VariableHandle Server::add_variable(const NodeId& parent, VariableOptions options) {
  std::lock_guard lock(impl_->core.space_mutex);
  AddressSpace& space = impl_->core.space;
  Node node =
      named_node(options.id, options.browse_name, options.display_name, NodeClass::Variable);
  node.description = LocalizedText("", options.description);
  const Node* data_type = space.find(options.data_type);
  if (!data_type || data_type->node_class != NodeClass::DataType) {
    throw Error(status::BadTypeMismatch, "unknown data type " + options.data_type.to_string());
  }
  node.data_type = options.data_type;
  node.value_rank = options.value_rank;
  node.array_dimensions = std::move(options.array_dimensions);
  node.access_level = options.access_level;
  if (!options.value.is_null()) {
    const StatusCode fits = space.check_value(node, options.value);
    if (fits.is_bad()) {
      throw Error(fits, "the initial value does not fit " + options.data_type.to_string());
    }
  }
  node.value = DataValue(std::move(options.value));
  node.value.source_timestamp = node.value.server_timestamp = DateTime::now();
  if (options.on_write)
    node.on_write = std::make_shared<const WriteCallback>(std::move(options.on_write));
  add_child(space, parent, std::move(node), id::BaseDataVariableType);
  return VariableHandle{*space.index_of(options.id)};
}

std::size_t Server::remove_node(const NodeId& id) {
  std::lock_guard lock(impl_->core.space_mutex);
  return impl_->core.space.remove(id);
}

std::optional<VariableHandle> Server::find_variable(const NodeId& id) const {
  std::lock_guard lock(impl_->core.space_mutex);
  const auto index = impl_->core.space.index_of(id);
  if (!index || impl_->core.space.at(*index).node_class != NodeClass::Variable) return std::nullopt;
  return VariableHandle{*index};
}

namespace {

Node& variable_node(AddressSpace& space, VariableHandle handle) {
  if (!handle.valid() || handle.index >= space.size() ||
      space.at(handle.index).node_class != NodeClass::Variable) {
    throw Error(status::BadNodeIdUnknown, "not a variable handle of this server");
  }
  return space.at(handle.index);
}

}  // namespace

void Server::set_value(VariableHandle variable, Variant value) {
  DataValue data(std::move(value));
  data.source_timestamp = data.server_timestamp = DateTime::now();
  set_value(variable, std::move(data));
}

void Server::set_value(VariableHandle variable, DataValue value) {
  std::lock_guard lock(impl_->core.space_mutex);
  Node& node = variable_node(impl_->core.space, variable);
  node.value = std::move(value);
  ++node.version;
}

namespace {

// values[i] into variables[i], all with one timestamp, under one lock.
template <class Value>
void store_values(ServerCore& core, std::span<const VariableHandle> variables,
                  std::span<const Value> values) {
  if (variables.size() != values.size()) {
    throw Error(status::BadInvalidArgument, "as many values as variables are needed");
  }
  const DateTime now = DateTime::now();
  std::lock_guard lock(core.space_mutex);
  for (std::size_t i = 0; i < variables.size(); ++i) {
    Node& node = variable_node(core.space, variables[i]);
    node.value.value = Variant(values[i]);
    node.value.status = status::Good;
    node.value.source_timestamp = node.value.server_timestamp = now;
    ++node.version;
  }
}

}  // namespace

void Server::set_values(std::span<const VariableHandle> variables,
                        std::span<const Variant> values) {
  store_values(impl_->core, variables, values);
}

void Server::set_values(std::span<const VariableHandle> variables, std::span<const double> values) {
  store_values(impl_->core, variables, values);
}

DataValue Server::value(VariableHandle variable) const {
  std::lock_guard lock(impl_->core.space_mutex);
  return variable_node(impl_->core.space, variable).current_value();
}

void Server::set_write_callback(VariableHandle variable, WriteCallback callback) {
  std::lock_guard lock(impl_->core.space_mutex);
  Node& node = variable_node(impl_->core.space, variable);
  node.on_write = callback ? std::make_shared<const WriteCallback>(std::move(callback)) : nullptr;
}

Server::Statistics Server::statistics() const {
  Statistics statistics;
  statistics.connections_accepted = impl_->connections_accepted;
  statistics.connections_rejected = impl_->connections_rejected;
  statistics.requests = impl_->core.counters.requests;
  statistics.service_faults = impl_->core.counters.service_faults;
  statistics.transport_errors = impl_->transport_errors;
  statistics.sessions = impl_->core.counters.sessions;
  return statistics;
}

}  // namespace twinloop::opcua
