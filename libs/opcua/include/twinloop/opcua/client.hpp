#pragma once
// An OPC UA client over UA-TCP with SecurityPolicy None: connect with endpoint selection,
// batched Read/Write, Browse with automatic BrowseNext, subscriptions with a callback per data
// change, automatic reconnection with session re-activation and backoff, clean shutdown.
//
// The network runs on a thread of the client's own; the calls below block the calling thread
// until the answer arrives or the request timeout passes. Failures throw opcua::Error with
// the OPC UA status code. Data-change and state callbacks run on the client's thread: they
// must not block and must not call the blocking functions (those throw BadInvalidState there).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "twinloop/opcua/binary.hpp"
#include "twinloop/opcua/server.hpp"
#include "twinloop/opcua/services.hpp"
#include "twinloop/opcua/types.hpp"

namespace twinloop::opcua {

struct Transaction;  // a request on its way (client.cpp)

struct ClientConfig {
  std::string application_name = "twinloop OPC UA client";
  std::string application_uri = "urn:twinloop:opcua:client";
  std::optional<UserCredentials> user;  // anonymous when empty

  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};
  std::uint32_t requested_token_lifetime_ms = 600'000;
  double session_timeout_ms = 60'000;

  std::uint32_t receive_buffer_size = 65536;
  std::uint32_t send_buffer_size = 65536;
  std::uint32_t max_message_size = 64u << 20;
  std::uint32_t max_chunk_count = 0;

  bool reconnect = true;
  std::chrono::milliseconds reconnect_min_delay{100};
  std::chrono::milliseconds reconnect_max_delay{5000};
  std::size_t publish_requests_in_flight = 3;
};

struct SubscriptionOptions {
  double publishing_interval_ms = 100;
  std::uint32_t lifetime_count = 600;
  std::uint32_t max_keep_alive_count = 10;
  std::uint32_t max_notifications_per_publish = 0;
};

struct MonitorOptions {
  std::uint32_t attribute_id = attribute::Value;
  double sampling_interval_ms = -1;  // -1: the publishing interval
  std::uint32_t queue_size = 1;
  bool discard_oldest = true;
  std::optional<double> absolute_deadband{};
  TimestampsToReturn timestamps = TimestampsToReturn::Both;
};

using DataChangeCallback = std::function<void(const DataValue& value)>;

struct BrowseOptions {
  BrowseDirection direction = BrowseDirection::Forward;
  NodeId reference_type = NodeId(33);  // HierarchicalReferences
  bool include_subtypes = true;
  std::uint32_t node_class_mask = 0;
  std::uint32_t max_references_per_request = 0;  // 0: as many as the server sends
};

class Client {
 public:
  enum class State { Disconnected, Connecting, Connected, Reconnecting };

  explicit Client(ClientConfig config = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Called on the client's thread whenever the state changes; set before connect().
  void on_state_change(std::function<void(State)> callback);

  // Opens a secure channel to opc.tcp://host:port, creates and activates a session on the
  // endpoint with SecurityPolicy None and the configured identity.
  void connect(const std::string& url);
  // Closes the session and the channel; subscriptions end with the session.
  void disconnect();
  State state() const;
  // The endpoints a server offers, on a channel of its own (no session needed).
  std::vector<EndpointDescription> get_endpoints(const std::string& url);

  std::vector<DataValue> read(std::span<const ReadValueId> nodes,
                              TimestampsToReturn timestamps = TimestampsToReturn::Both);
  DataValue read(const NodeId& node, std::uint32_t attribute_id = attribute::Value);
  // Reuses the response's storage: for exchange cycles that read the same nodes again.
  void read(const ReadRequest& request, ReadResponse& response);
  std::vector<StatusCode> write(std::span<const WriteValue> nodes);
  StatusCode write(const NodeId& node, Variant value);
  // A Write sent without waiting for its answer, so that its round trip overlaps other work
  // (the next step of a twin, say); write_finish waits for the answer and returns what write()
  // would, throwing as it does. Requests of one client are answered in the order sent.
  struct PendingWrite {
    std::shared_ptr<Transaction> transaction;
    std::size_t count = 0;
    explicit operator bool() const { return transaction != nullptr; }
  };
  PendingWrite write_start(std::span<const WriteValue> nodes);
  std::vector<StatusCode> write_finish(PendingWrite& pending);
  // Every reference, following continuation points with BrowseNext.
  std::vector<ReferenceDescription> browse(const NodeId& node, const BrowseOptions& options = {});
  std::vector<BrowsePathResult> translate(std::span<const BrowsePath> paths);

  // Returns a subscription id of this client (it stays the same when the client has to
  // create the subscription anew after losing its session).
  IntegerId create_subscription(const SubscriptionOptions& options = {});
  void delete_subscription(IntegerId subscription);
  // Returns a monitored item id of this client; `callback` gets every reported value.
  IntegerId monitor(IntegerId subscription, const NodeId& node, const MonitorOptions& options,
                    DataChangeCallback callback);
  void unmonitor(IntegerId subscription, IntegerId item);

  // Any service: sends `request` with this session's header filled in and returns the
  // decoded response. Throws on a ServiceFault or a Bad serviceResult.
  template <class Response, class Request>
  Response call(const Request& request) {
    Response response;
    call_into(request, response);
    return response;
  }
  template <class Request, class Response>
  void call_into(const Request& request, Response& response) {
    const std::vector<std::uint8_t> answer = transact(encode_request(request));
    decode_answer(answer, response);
  }

  struct Statistics {
    std::uint64_t requests = 0;
    std::uint64_t reconnects = 0;
    std::uint64_t notifications = 0;
    std::uint64_t token_renewals = 0;
  };
  Statistics statistics() const;

  struct Impl;  // defined and used in client.cpp only

 private:
  void prepare_header(RequestHeader& header);
  template <class Request>
  std::vector<std::uint8_t> encode_request(const Request& request) {
    RequestHeader header = request.request_header;
    prepare_header(header);
    std::vector<std::uint8_t> body;
    Writer writer(body);
    encode(writer, NodeId(Request::binary_encoding_id));
    encode(writer, header);
    // Every request starts with its header; the rest is encoded as it is.
    std::apply([&](const auto&, const auto&... rest) { (encode(writer, rest), ...); },
               Request::fields(request));
    return body;
  }
  template <class Response>
  void decode_answer(const std::vector<std::uint8_t>& answer, Response& response) {
    decode_response(answer, Response::binary_encoding_id, [&](Reader& reader) {
      decode(reader, response);
      return response.response_header.service_result;
    });
  }
  std::vector<std::uint8_t> transact(std::vector<std::uint8_t> body);
  std::shared_ptr<Transaction> start_transaction(std::vector<std::uint8_t> body);
  std::vector<std::uint8_t> finish_transaction(Transaction& transaction);
  void decode_response(const std::vector<std::uint8_t>& body, std::uint32_t expected_type,
                       const std::function<StatusCode(Reader&)>& decode_fields);

  std::shared_ptr<Impl> impl_;
};

std::string to_string(Client::State state);

}  // namespace twinloop::opcua
