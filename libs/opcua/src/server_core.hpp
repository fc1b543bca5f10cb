#pragma once
// The server without sockets: sessions, subscriptions and the services, driven by decoded
// request bodies and by tick(). Runs on the server's thread only; the address space is shared
// with the application under space_mutex.

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <unordered_map>
#include <vector>

#include "address_space.hpp"
#include "durations.hpp"
#include "twinloop/opcua/binary.hpp"
#include "twinloop/opcua/server.hpp"
#include "twinloop/opcua/services.hpp"

namespace twinloop::opcua {

// The secure channel a request came on; the connection implements it.
class ResponseChannel {
 public:
  virtual ~ResponseChannel() = default;
  virtual std::uint32_t channel_id() const = 0;
  // The endpoint URL of the client's Hello.
  virtual const std::string& hello_endpoint_url() const = 0;
  // `body` is an encoded response: its encoding NodeId, then its fields.
  virtual void send_response(std::uint32_t request_id, std::span<const std::uint8_t> body) = 0;
};

struct RequestContext {
  std::shared_ptr<ResponseChannel> channel;
  std::uint32_t request_id = 0;
  Clock::time_point received;
};

struct MonitoredItem {
  IntegerId id = 0;
  std::uint32_t node_index = 0;
  std::uint32_t attribute_id = attribute::Value;
  IntegerId client_handle = 0;
  MonitoringMode mode = MonitoringMode::Reporting;
  double sampling_interval = 0;
  std::uint32_t queue_size = 1;
  bool discard_oldest = true;
  DataChangeFilter filter;
  TimestampsToReturn timestamps = TimestampsToReturn::Both;
  Clock::time_point next_sample;
  std::uint64_t last_version = ~std::uint64_t{0};
  bool sampled = false;
  DataValue last_value;  // the last value queued, which the filter compares against
  std::deque<DataValue> queue;
};

struct Subscription {
  IntegerId id = 0;
  double publishing_interval = 0;
  std::uint32_t lifetime_count = 0;
  std::uint32_t max_keep_alive_count = 0;
  std::uint32_t max_notifications_per_publish = 0;
  bool publishing_enabled = true;
  std::map<IntegerId, MonitoredItem> items;
  IntegerId next_item_id = 1;

  Clock::time_point next_publish;
  Clock::time_point next_sample = Clock::time_point::max();
  std::uint32_t keep_alive_counter = 0;
  std::uint32_t lifetime_counter = 0;
  bool late = false;
  bool first_message_sent = false;
  std::uint32_t next_sequence_number = 1;
  std::deque<NotificationMessage> retransmission;
};

struct PendingPublish {
  std::weak_ptr<ResponseChannel> channel;
  std::uint32_t request_id = 0;
  IntegerId request_handle = 0;
  Clock::time_point deadline = Clock::time_point::max();
  std::vector<StatusCode> acknowledgement_results;
};

struct ContinuationPoint {
  ByteString id;
  std::vector<ReferenceDescription> remaining;
  std::uint32_t max_references = 0;
};

struct Session {
  NodeId session_id;
  NodeId authentication_token;
  std::string name;
  double timeout_ms = 0;
  Clock::time_point last_activity;
  bool activated = false;
  std::uint32_t channel_id = 0;
  std::string user;  // empty: anonymous
  std::map<IntegerId, Subscription> subscriptions;
  std::deque<PendingPublish> publish_queue;
  std::vector<ContinuationPoint> continuation_points;
};

class ServerCore {
 public:
  explicit ServerCore(ServerConfig config);

  // One decoded MSG body. Answers it (or queues it, for Publish); never throws.
  void dispatch(const RequestContext& context, std::span<const std::uint8_t> body);
  // The secure channel closed: its sessions wait for re-activation or their timeout.
  void channel_closed(std::uint32_t channel_id);
  // Samples, publishes, times out Publish requests and sessions that are due.
  void tick(Clock::time_point now);
  Clock::time_point next_deadline() const;
  // Called by stop(): ends every session.
  void shutdown();

  const ServerConfig& config() const { return config_; }
  std::string default_endpoint_url() const;
  void set_default_endpoint_url(std::string url) { default_endpoint_url_ = std::move(url); }

  // Shared with the application's threads.
  mutable std::mutex space_mutex;
  AddressSpace space;
  std::vector<std::string> namespaces;

  struct Counters {
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> service_faults{0};
    std::atomic<std::size_t> sessions{0};
  };
  Counters counters;

 private:
  using Handler = std::function<void(ServerCore&, const RequestContext&, Reader&)>;
  template <class Request, class Response>
  void add_service(Response (ServerCore::*handler)(const RequestContext&, const Request&));
  void add_deferred_service(void (ServerCore::*handler)(const RequestContext&,
                                                        const PublishRequest&));
  void register_services();

  template <class Response>
  void respond(const RequestContext& context, Response& response, IntegerId request_handle);
  template <class Response>
  void respond_on(ResponseChannel& channel, std::uint32_t request_id, Response& response,
                  IntegerId request_handle);
  void fault(const RequestContext& context, IntegerId request_handle, StatusCode status);
  // Answers a queued Publish request with a ServiceFault, if its channel is still there.
  void fail_publish(const PendingPublish& request, StatusCode status);

  Session& require_session(const RequestContext& context, const RequestHeader& header);
  ByteString random_bytes(std::size_t count);
  std::vector<EndpointDescription> endpoints(const std::string& url) const;
  ApplicationDescription application_description(const std::string& url) const;

  // Discovery.
  GetEndpointsResponse get_endpoints(const RequestContext&, const GetEndpointsRequest&);
  FindServersResponse find_servers(const RequestContext&, const FindServersRequest&);
  // Session.
  CreateSessionResponse create_session(const RequestContext&, const CreateSessionRequest&);
  ActivateSessionResponse activate_session(const RequestContext&, const ActivateSessionRequest&);
  CloseSessionResponse close_session(const RequestContext&, const CloseSessionRequest&);
  void end_session(Session& session, StatusCode pending_publish_status);
  // Attribute.
  ReadResponse read(const RequestContext&, const ReadRequest&);
  WriteResponse write(const RequestContext&, const WriteRequest&);
  // View.
  BrowseResponse browse(const RequestContext&, const BrowseRequest&);
  BrowseNextResponse browse_next(const RequestContext&, const BrowseNextRequest&);
  TranslateBrowsePathsToNodeIdsResponse translate(const RequestContext&,
                                                  const TranslateBrowsePathsToNodeIdsRequest&);
  RegisterNodesResponse register_nodes(const RequestContext&, const RegisterNodesRequest&);
  UnregisterNodesResponse unregister_nodes(const RequestContext&, const UnregisterNodesRequest&);
  BrowseResult browse_one(Session& session, const BrowseDescription& description,
                          std::uint32_t max_references);
  BrowseResult page(Session& session, std::vector<ReferenceDescription> references,
                    std::uint32_t max_references);
  // Subscription.
  CreateSubscriptionResponse create_subscription(const RequestContext&,
                                                 const CreateSubscriptionRequest&);
  ModifySubscriptionResponse modify_subscription(const RequestContext&,
                                                 const ModifySubscriptionRequest&);
  DeleteSubscriptionsResponse delete_subscriptions(const RequestContext&,
                                                   const DeleteSubscriptionsRequest&);
  SetPublishingModeResponse set_publishing_mode(const RequestContext&,
                                                const SetPublishingModeRequest&);
  void publish(const RequestContext&, const PublishRequest&);
  RepublishResponse republish(const RequestContext&, const RepublishRequest&);
  void revise(Subscription& subscription, double interval, std::uint32_t lifetime,
              std::uint32_t keep_alive, std::uint32_t max_notifications);
  void publish_due(Session& session, Subscription& subscription, Clock::time_point now);
  // Sends a NotificationMessage (or keep-alive) for `subscription` on the oldest Publish
  // request; false when none is queued.
  bool send_notification(Session& session, Subscription& subscription);
  void send_status_change(Session& session, Subscription& subscription, StatusCode status);
  std::optional<PendingPublish> take_publish_request(Session& session);
  // Answers every queued Publish request with BadNoSubscription.
  void end_session_publishing(Session& session);
  // MonitoredItem.
  CreateMonitoredItemsResponse create_monitored_items(const RequestContext&,
                                                      const CreateMonitoredItemsRequest&);
  ModifyMonitoredItemsResponse modify_monitored_items(const RequestContext&,
                                                      const ModifyMonitoredItemsRequest&);
  SetMonitoringModeResponse set_monitoring_mode(const RequestContext&,
                                                const SetMonitoringModeRequest&);
  DeleteMonitoredItemsResponse delete_monitored_items(const RequestContext&,
                                                      const DeleteMonitoredItemsRequest&);
  StatusCode apply_parameters(const Subscription& subscription, MonitoredItem& item,
                              const MonitoringParameters& parameters,
                              ExtensionObject& filter_result);
  // Under space_mutex.
  void sample(MonitoredItem& item, Clock::time_point now);
  void reschedule_sampling(Subscription& subscription);

  Subscription* find_subscription(Session& session, IntegerId id);
  // Throws BadSubscriptionIdInvalid.
  Subscription& require_subscription(Session& session, IntegerId id);

  ServerConfig config_;
  std::string default_endpoint_url_;
  std::unordered_map<std::uint32_t, Handler> handlers_;
  std::unordered_map<NodeId, std::unique_ptr<Session>, NodeIdHash> sessions_;
  std::mt19937_64 random_;
  std::uint32_t next_session_number_ = 1;
  IntegerId next_subscription_id_ = 1;
  std::uint64_t next_continuation_point_ = 1;
  std::vector<std::uint8_t> scratch_;
};

template <class Response>
void ServerCore::respond_on(ResponseChannel& channel, std::uint32_t request_id, Response& response,
                            IntegerId request_handle) {
  response.response_header.request_handle = request_handle;
  response.response_header.timestamp = DateTime::now();
  scratch_.clear();
  Writer writer(scratch_);
  encode_message(writer, response);
  channel.send_response(request_id, scratch_);
}

template <class Response>
void ServerCore::respond(const RequestContext& context, Response& response,
                         IntegerId request_handle) {
  respond_on(*context.channel, context.request_id, response, request_handle);
}

// Reads one attribute of a node (attribute service), with the timestamps asked for.
DataValue read_attribute(const AddressSpace& space, const Node& node, std::uint32_t attribute_id,
                         const std::string& index_range, TimestampsToReturn timestamps);

}  // namespace twinloop::opcua
