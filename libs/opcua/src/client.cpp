#include "twinloop/opcua/client.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "chunk_stream.hpp"
#include "durations.hpp"
#include "secure_channel.hpp"

namespace twinloop::opcua {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

using Completion = std::function<void(StatusCode, std::span<const std::uint8_t>)>;

constexpr auto kSweepInterval = std::chrono::milliseconds(50);

// Clients renew the token at about 75 % of its lifetime (OPC 10000-4, 5.5.2).
constexpr double kRenewAt = 0.75;

struct Endpoint {
  std::string host;
  std::string port;
};

Endpoint parse_url(const std::string& url) {
  constexpr std::string_view scheme = "opc.tcp://";
  if (!url.starts_with(scheme)) {
    throw Error(status::BadTcpEndpointUrlInvalid, "'" + url + "' does not start with opc.tcp://");
  }
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  Endpoint endpoint{rest, "4840"};
  if (rest.starts_with('[')) {  // [::1]:4840
    const auto close = rest.find(']');
    if (close == std::string::npos) throw Error(status::BadTcpEndpointUrlInvalid, url);
    endpoint.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') endpoint.port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    endpoint.host = rest.substr(0, colon);
    endpoint.port = rest.substr(colon + 1);
  }
  if (endpoint.host.empty() || endpoint.port.empty()) {
    throw Error(status::BadTcpEndpointUrlInvalid, "no host or port in '" + url + "'");
  }
  return endpoint;
}

// The response of type Response in `body`, or the status that prevents it.
template <class Response>
StatusCode decode_into(std::span<const std::uint8_t> body, Response& response) {
  try {
    Reader reader(body);
    NodeId type;
    decode(reader, type);
    if (type != NodeId(Response::binary_encoding_id)) return status::BadUnknownResponse;
    decode(reader, response);
    return response.response_header.service_result;
  } catch (const Error& error) {
    return error.status();
  }
}

}  // namespace

class ClientChannel;

struct Client::Impl {
  explicit Impl(ClientConfig client_config)
      : config(std::move(client_config)),
        work(io.get_executor()),
        resolver(io),
        sweep_timer(io),
        renew_timer(io),
        keep_alive_timer(io),
        publish_retry_timer(io),
        reconnect_timer(io),
        connect_timer(io),
        backoff(config.reconnect_min_delay),
        random(std::random_device{}()) {
    thread = std::thread([this] { io.run(); });
    io_thread = thread.get_id();
  }

  ~Impl() {
    work.reset();
    io.stop();
    if (thread.joinable()) thread.join();
  }

  // --- on the client's thread ---------------------------------------------------------------
  void set_state(State next);
  void open_channel(const std::string& target, std::function<void(StatusCode)> done);
  void channel_open(ClientChannel& opened, const ChannelSecurityToken& token, bool renewal);
  void channel_closed(ClientChannel* closed_channel, StatusCode reason);
  void send(std::vector<std::uint8_t> body, Completion done, Clock::duration timeout);
  void receive(const ReceivedMessage& message);
  void sweep();
  void fail_pending(StatusCode reason);
  RequestHeader header();
  template <class Request, class Response>
  void async_call(Request request, std::function<void(StatusCode, Response&)> done,
                  Clock::duration timeout = {});
  void establish_session(bool reactivate, std::function<void(StatusCode)> done);
  void create_and_activate(std::function<void(StatusCode)> done);
  void activate(std::function<void(StatusCode)> done);
  ExtensionObject identity_token(StatusCode& problem) const;
  void recreate_subscriptions(std::vector<IntegerId> remaining, std::function<void()> done);
  void schedule_reconnect();
  void publish_more();
  void on_publish(StatusCode result, PublishResponse& response);
  void close_channel();
  void keep_session_alive();
  // A session the server no longer knows: start over as after a dropped connection.
  void session_lost();

  ClientConfig config;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;
  std::thread::id io_thread;
  tcp::resolver resolver;
  asio::steady_timer sweep_timer;
  asio::steady_timer renew_timer;
  asio::steady_timer keep_alive_timer;
  asio::steady_timer publish_retry_timer;
  Clock::time_point last_request = Clock::now();
  asio::steady_timer reconnect_timer;
  asio::steady_timer connect_timer;
  std::chrono::milliseconds backoff;
  std::mt19937_64 random;

  std::shared_ptr<ClientChannel> channel;
  std::string url;
  bool want_connected = false;
  struct Pending {
    Completion done;
    Clock::time_point deadline;
  };
  std::unordered_map<std::uint32_t, Pending> pending;
  std::uint32_t next_request_id = 1;
  bool sweeping = false;
  std::vector<EndpointDescription> server_endpoints;
  std::vector<SubscriptionAcknowledgement> acknowledgements;
  std::size_t publishes_in_flight = 0;
  std::function<void(StatusCode)> pending_open;  // until the channel opens or fails

  // --- shared with the callers' threads, under `mutex` ---------------------------------------
  mutable std::mutex mutex;
  State state = State::Disconnected;
  NodeId authentication_token;
  IntegerId next_request_handle = 1;
  std::function<void(State)> state_callback;
  struct Item {
    NodeId node;
    MonitorOptions options;
    IntegerId client_handle = 0;
    IntegerId server_id = 0;
  };
  struct Subscribed {
    SubscriptionOptions options;
    IntegerId server_id = 0;
    std::map<IntegerId, Item> items;
  };
  std::map<IntegerId, Subscribed> subscriptions;
  std::unordered_map<IntegerId, std::shared_ptr<const DataChangeCallback>> callbacks;
  std::unordered_map<IntegerId, IntegerId> subscription_by_server_id;
  IntegerId next_local_id = 1;
  IntegerId next_client_handle = 1;
  Statistics statistics;
};

class ClientChannel final : public ChunkStream {
 public:
  ClientChannel(Client::Impl& client, tcp::socket socket)
      : ChunkStream(std::move(socket), client.config.receive_buffer_size),
        client_(client),
        secure_(uatcp::ConnectionLimits{}) {}

  SecureChannel& secure() { return secure_; }
  bool open() const { return phase_ == Phase::Open && !closed(); }

  void send_hello(const std::string& url) {
    hello_.receive_buffer_size = client_.config.receive_buffer_size;
    hello_.send_buffer_size = client_.config.send_buffer_size;
    hello_.max_message_size = client_.config.max_message_size;
    hello_.max_chunk_count = client_.config.max_chunk_count;
    hello_.endpoint_url = url;
    uatcp::append_message(output(), uatcp::MessageType::Hello, hello_);
    flush();
  }

  void send_open(SecurityTokenRequestType type) {
    OpenSecureChannelRequest request;
    request.request_header.timestamp = DateTime::now();
    request.request_header.timeout_hint =
        static_cast<std::uint32_t>(client_.config.request_timeout.count());
    request.request_type = type;
    request.security_mode = MessageSecurityMode::None;
    request.requested_lifetime = client_.config.requested_token_lifetime_ms;
    const auto body = encode_message(request);
    secure_.send(uatcp::MessageType::Open, open_request_id_++, body, output(),
                 status::BadRequestTooLarge);
    flush();
  }

  void send_close() {
    CloseSecureChannelRequest request;
    request.request_header.timestamp = DateTime::now();
    const auto body = encode_message(request);
    secure_.send(uatcp::MessageType::Close, 0, body, output(), status::BadRequestTooLarge);
    close_after_flush();
  }

 protected:
  void on_chunk(std::span<std::uint8_t> chunk) override {
    const uatcp::ChunkHeader header =
        uatcp::parse_header(chunk, secure_.limits().receive_buffer_size);
    if (header.type == uatcp::MessageType::Error) {
      const auto error = decode_from_bytes<uatcp::ErrorMessage>(chunk.subspan(uatcp::kHeaderSize));
      closing_status_ = error.error;
      close(error.error);
      return;
    }
    if (phase_ == Phase::AwaitAcknowledge) {
      if (header.type != uatcp::MessageType::Acknowledge) {
        throw Error(status::BadTcpMessageTypeInvalid, "expected an Acknowledge");
      }
      const auto ack =
          decode_from_bytes<uatcp::AcknowledgeMessage>(chunk.subspan(uatcp::kHeaderSize));
      const uatcp::ConnectionLimits limits = uatcp::negotiate_as_client(hello_, ack);
      secure_.set_limits(limits);
      frames().set_max_chunk_size(limits.receive_buffer_size);
      phase_ = Phase::AwaitOpen;
      send_open(SecurityTokenRequestType::Issue);
      return;
    }
    auto message = secure_.receive(chunk);
    if (!message) return;
    if (message->type == uatcp::MessageType::Open) {
      OpenSecureChannelResponse response;
      const StatusCode result = decode_into(message->body, response);
      if (result.is_bad()) throw Error(result, "the server refused the secure channel");
      const bool renewal = phase_ == Phase::Open;
      const ChannelSecurityToken& token = response.security_token;
      secure_.set_channel_id(token.channel_id);
      secure_.accept_token(token.token_id);
      secure_.set_send_token(token.token_id);
      phase_ = Phase::Open;
      client_.channel_open(*this, token, renewal);
      return;
    }
    if (message->type != uatcp::MessageType::Message) {
      throw Error(status::BadTcpMessageTypeInvalid, "unexpected message from the server");
    }
    // Once the server answers under the new token the old one is done with.
    if (message->token_id == secure_.send_token()) secure_.forget_tokens_except(message->token_id);
    client_.receive(*message);
  }

  void on_protocol_error(const Error& error) override {
    closing_status_ = error.status();
    close(error.status());
  }

  void on_closed(StatusCode reason) override {
    client_.channel_closed(this, closing_status_.is_bad() ? closing_status_ : reason);
  }

 private:
  enum class Phase { AwaitAcknowledge, AwaitOpen, Open };

  Client::Impl& client_;
  SecureChannel secure_;
  uatcp::HelloMessage hello_;
  Phase phase_ = Phase::AwaitAcknowledge;
  std::uint32_t open_request_id_ = 1;
  StatusCode closing_status_;
};

void Client::Impl::set_state(State next) {
  std::function<void(State)> callback;
  {
    std::lock_guard lock(mutex);
    if (state == next) return;
    state = next;
    callback = state_callback;
  }
  if (next == State::Connected) {
    keep_session_alive();
  } else {
    keep_alive_timer.cancel();
  }
  if (callback) callback(next);
}

void Client::Impl::open_channel(const std::string& target, std::function<void(StatusCode)> done) {
  Endpoint endpoint;
  try {
    endpoint = parse_url(target);
  } catch (const Error& error) {
    done(error.status());
    return;
  }
  // `finish` runs once: when the channel opens, fails, or the connect timeout passes.
  auto finished = std::make_shared<bool>(false);
  auto finish = [this, finished, done](StatusCode result) {
    if (*finished) return;
    *finished = true;
    connect_timer.cancel();
    done(result);
  };
  connect_timer.expires_after(config.connect_timeout);
  connect_timer.async_wait([this, finish](const boost::system::error_code& error) {
    if (error) return;
    resolver.cancel();
    if (channel) channel->close(status::BadTimeout);
    finish(status::BadTimeout);
  });
  resolver.async_resolve(
      endpoint.host, endpoint.port,
      [this, target, finish](const boost::system::error_code& error,
                             tcp::resolver::results_type results) {
        if (error) {
          finish(status::BadTcpEndpointUrlInvalid);
          return;
        }
        auto socket = std::make_shared<tcp::socket>(io);
        asio::async_connect(
            *socket, results,
            [this, target, finish, socket](const boost::system::error_code& connect_error,
                                           const tcp::endpoint&) {
              if (connect_error) {
                finish(status::BadNotConnected);
                return;
              }
              channel = std::make_shared<ClientChannel>(*this, std::move(*socket));
              pending_open = finish;
              channel->start_reading();
              channel->send_hello(target);
            });
      });
}

void Client::Impl::channel_open(ClientChannel& opened, const ChannelSecurityToken& token,
                                bool renewal) {
  if (&opened != channel.get()) return;
  renew_timer.expires_after(from_milliseconds(token.revised_lifetime * kRenewAt));
  renew_timer.async_wait(
      [this, weak = std::weak_ptr<ClientChannel>(channel)](const boost::system::error_code& error) {
        auto current = weak.lock();
        if (error || !current || current != channel || !current->open()) return;
        try {
          current->send_open(SecurityTokenRequestType::Renew);
        } catch (const Error& failure) {
          current->close(failure.status());
        }
      });
  if (renewal) {
    std::lock_guard lock(mutex);
    ++statistics.token_renewals;
    return;
  }
  if (auto done = std::exchange(pending_open, nullptr)) done(status::Good);
}

void Client::Impl::channel_closed(ClientChannel* closed_channel, StatusCode reason) {
  if (closed_channel != channel.get()) return;
  // Keep the object alive until this handler returns; it is on the stack.
  asio::post(io, [keep = std::move(channel)] {});
  renew_timer.cancel();
  publishes_in_flight = 0;
  fail_pending(status::BadConnectionClosed);
  if (auto done = std::exchange(pending_open, nullptr)) {
    done(reason.is_bad() && reason != status::BadConnectionClosed ? reason
                                                                  : status::BadNotConnected);
  }
  bool connected = false;
  {
    std::lock_guard lock(mutex);
    connected = state == State::Connected;
  }
  if (want_connected && connected && config.reconnect) {
    set_state(State::Reconnecting);
    backoff = config.reconnect_min_delay;
    schedule_reconnect();
  } else if (connected) {
    want_connected = false;
    set_state(State::Disconnected);
  }
}

void Client::Impl::send(std::vector<std::uint8_t> body, Completion done, Clock::duration timeout) {
  if (!channel || !channel->open()) {
    done(status::BadNotConnected, {});
    return;
  }
  const std::uint32_t request_id = next_request_id++;
  if (next_request_id == 0) next_request_id = 1;
  try {
    channel->secure().send(uatcp::MessageType::Message, request_id, body, channel->output(),
                           status::BadRequestTooLarge);
  } catch (const Error& error) {
    done(error.status(), {});
    return;
  }
  if (timeout == Clock::duration{}) timeout = config.request_timeout;
  last_request = Clock::now();
  pending.emplace(request_id, Pending{std::move(done), last_request + timeout});
  {
    std::lock_guard lock(mutex);
    ++statistics.requests;
  }
  channel->flush();
  if (!sweeping) {
    sweeping = true;
    sweep_timer.expires_after(kSweepInterval);
    sweep_timer.async_wait([this](const boost::system::error_code& error) {
      sweeping = false;
      if (!error) sweep();
    });
  }
}

void Client::Impl::sweep() {
  const auto now = Clock::now();
  std::vector<Completion> expired;
  for (auto it = pending.begin(); it != pending.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(std::move(it->second.done));
      it = pending.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& done : expired)
    done(status::BadTimeout, {});
  if (!pending.empty() && !sweeping) {
    sweeping = true;
    sweep_timer.expires_after(kSweepInterval);
    sweep_timer.async_wait([this](const boost::system::error_code& error) {
      sweeping = false;
      if (!error) sweep();
    });
  }
}

void Client::Impl::fail_pending(StatusCode reason) {
  auto failed = std::move(pending);
  pending.clear();
  for (auto& [id, call] : failed)
    call.done(reason, {});
}

void Client::Impl::receive(const ReceivedMessage& message) {
  auto it = pending.find(message.request_id);
  if (it == pending.end()) return;  // answered after its timeout
  Completion done = std::move(it->second.done);
  pending.erase(it);
  if (message.aborted) {
    StatusCode reason = status::BadCommunicationError;
    try {
      Reader reader(message.body);
      decode(reader, reason);
    } catch (const Error&) {
    }
    done(reason, {});
    return;
  }
  try {
    Reader reader(message.body);
    NodeId type;
    decode(reader, type);
    if (type == NodeId(ServiceFault::binary_encoding_id)) {
      ServiceFault fault;
      decode(reader, fault);
      const StatusCode result = fault.response_header.service_result;
      done(result.is_bad() ? result : status::BadUnexpectedError, {});
      if (result == status::BadSessionIdInvalid || result == status::BadSessionClosed) {
        session_lost();
      }
      return;
    }
  } catch (const Error& error) {
    done(error.status(), {});
    return;
  }
  done(status::Good, message.body);
}

RequestHeader Client::Impl::header() {
  RequestHeader result;
  std::lock_guard lock(mutex);
  result.authentication_token = authentication_token;
  result.request_handle = next_request_handle++;
  result.timestamp = DateTime::now();
  result.timeout_hint = static_cast<std::uint32_t>(config.request_timeout.count());
  return result;
}

template <class Request, class Response>
void Client::Impl::async_call(Request request, std::function<void(StatusCode, Response&)> done,
                              Clock::duration timeout) {
  const std::uint32_t hint = request.request_header.timeout_hint;
  request.request_header = header();
  if (hint != 0) request.request_header.timeout_hint = hint;
  send(
      encode_message(request),
      [done = std::move(done)](StatusCode result, std::span<const std::uint8_t> body) {
        Response response;
        if (result.is_good()) result = decode_into(body, response);
        done(result, response);
      },
      timeout);
}

ExtensionObject Client::Impl::identity_token(StatusCode& problem) const {
  const EndpointDescription* endpoint = nullptr;
  for (const auto& candidate : server_endpoints) {
    if (candidate.security_policy_uri == kSecurityPolicyNoneUri &&
        candidate.security_mode == MessageSecurityMode::None) {
      endpoint = &candidate;
      break;
    }
  }
  if (!endpoint) {
    problem = status::BadSecurityPolicyRejected;
    return {};
  }
  const UserTokenType wanted = config.user ? UserTokenType::UserName : UserTokenType::Anonymous;
  for (const auto& policy : endpoint->user_identity_tokens) {
    if (policy.token_type != wanted) continue;
    // Passwords can only travel as the channel protects them (None: unencrypted); a policy
    // that wants them encrypted with another security policy is one this client cannot use.
    if (!policy.security_policy_uri.empty() &&
        policy.security_policy_uri != kSecurityPolicyNoneUri) {
      continue;
    }
    if (config.user) {
      UserNameIdentityToken token;
      token.policy_id = policy.policy_id;
      token.user_name = config.user->user_name;
      token.password = ByteString::from_text(config.user->password);
      return to_extension_object(token);
    }
    return to_extension_object(AnonymousIdentityToken{policy.policy_id});
  }
  problem = status::BadIdentityTokenRejected;
  return {};
}

void Client::Impl::activate(std::function<void(StatusCode)> done) {
  ActivateSessionRequest request;
  StatusCode problem = status::Good;
  request.user_identity_token = identity_token(problem);
  if (problem.is_bad()) {
    done(problem);
    return;
  }
  request.locale_ids = {"en"};
  async_call<ActivateSessionRequest, ActivateSessionResponse>(
      std::move(request),
      [done = std::move(done)](StatusCode result, ActivateSessionResponse&) { done(result); });
}

void Client::Impl::create_and_activate(std::function<void(StatusCode)> done) {
  {
    std::lock_guard lock(mutex);
    authentication_token = NodeId();
  }
  CreateSessionRequest request;
  request.client_description.application_uri = config.application_uri;
  request.client_description.product_uri = config.application_uri;
  request.client_description.application_name = LocalizedText("", config.application_name);
  request.client_description.application_type = ApplicationType::Client;
  request.endpoint_url = url;
  request.session_name = config.application_name;
  request.client_nonce.data.resize(32);
  for (auto& byte : request.client_nonce.data)
    byte = static_cast<std::uint8_t>(random());
  request.requested_session_timeout = config.session_timeout_ms;
  request.max_response_message_size = config.max_message_size;
  async_call<CreateSessionRequest, CreateSessionResponse>(
      std::move(request),
      [this, done = std::move(done)](StatusCode result, CreateSessionResponse& response) {
        if (result.is_bad()) {
          done(result);
          return;
        }
        {
          std::lock_guard lock(mutex);
          authentication_token = response.authentication_token;
        }
        server_endpoints = std::move(response.server_endpoints);
        activate(done);
      });
}

void Client::Impl::establish_session(bool reactivate, std::function<void(StatusCode)> done) {
  bool has_session = false;
  {
    std::lock_guard lock(mutex);
    has_session = !authentication_token.is_null();
  }
  if (!reactivate || !has_session) {
    create_and_activate(std::move(done));
    return;
  }
  // The session may have survived on the server: activating it on the new channel keeps its
  // subscriptions. Otherwise a new session gets new subscriptions.
  activate([this, done](StatusCode result) {
    if (result.is_good()) {
      done(result);
      return;
    }
    create_and_activate([this, done](StatusCode created) {
      if (created.is_bad()) {
        done(created);
        return;
      }
      std::vector<IntegerId> local_ids;
      {
        std::lock_guard lock(mutex);
        for (const auto& [id, subscription] : subscriptions)
          local_ids.push_back(id);
        subscription_by_server_id.clear();
      }
      acknowledgements.clear();
      recreate_subscriptions(std::move(local_ids), [done] { done(status::Good); });
    });
  });
}

void Client::Impl::recreate_subscriptions(std::vector<IntegerId> remaining,
                                          std::function<void()> done) {
  if (remaining.empty()) {
    done();
    return;
  }
  const IntegerId local_id = remaining.back();
  remaining.pop_back();
  CreateSubscriptionRequest request;
  {
    std::lock_guard lock(mutex);
    auto it = subscriptions.find(local_id);
    if (it == subscriptions.end()) {
      recreate_subscriptions(std::move(remaining), std::move(done));
      return;
    }
    const SubscriptionOptions& options = it->second.options;
    request.requested_publishing_interval = options.publishing_interval_ms;
    request.requested_lifetime_count = options.lifetime_count;
    request.requested_max_keep_alive_count = options.max_keep_alive_count;
    request.max_notifications_per_publish = options.max_notifications_per_publish;
  }
  auto next = [this, remaining, done]() mutable {
    recreate_subscriptions(std::move(remaining), std::move(done));
  };
  async_call<CreateSubscriptionRequest, CreateSubscriptionResponse>(
      std::move(request),
      [this, local_id, next](StatusCode result, CreateSubscriptionResponse& response) mutable {
        if (result.is_bad()) {
          next();
          return;
        }
        CreateMonitoredItemsRequest items;
        std::vector<IntegerId> item_ids;
        {
          std::lock_guard lock(mutex);
          auto it = subscriptions.find(local_id);
          if (it == subscriptions.end()) {
            next();
            return;
          }
          it->second.server_id = response.subscription_id;
          subscription_by_server_id[response.subscription_id] = local_id;
          items.subscription_id = response.subscription_id;
          for (const auto& [item_id, item] : it->second.items) {
            MonitoredItemCreateRequest create;
            create.item_to_monitor.node_id = item.node;
            create.item_to_monitor.attribute_id = item.options.attribute_id;
            create.requested_parameters.client_handle = item.client_handle;
            create.requested_parameters.sampling_interval = item.options.sampling_interval_ms;
            create.requested_parameters.queue_size = item.options.queue_size;
            create.requested_parameters.discard_oldest = item.options.discard_oldest;
            if (item.options.absolute_deadband) {
              create.requested_parameters.filter = to_extension_object(
                  DataChangeFilter{DataChangeTrigger::StatusValue, DeadbandType::Absolute,
                                   *item.options.absolute_deadband});
            }
            items.items_to_create.push_back(std::move(create));
            item_ids.push_back(item_id);
          }
        }
        if (items.items_to_create.empty()) {
          next();
          return;
        }
        async_call<CreateMonitoredItemsRequest, CreateMonitoredItemsResponse>(
            std::move(items),
            [this, local_id, item_ids, next](StatusCode created,
                                             CreateMonitoredItemsResponse& answer) mutable {
              if (created.is_good()) {
                std::lock_guard lock(mutex);
                auto it = subscriptions.find(local_id);
                for (std::size_t i = 0;
                     it != subscriptions.end() && i < item_ids.size() && i < answer.results.size();
                     ++i) {
                  auto item = it->second.items.find(item_ids[i]);
                  if (item != it->second.items.end()) {
                    item->second.server_id = answer.results[i].monitored_item_id;
                  }
                }
              }
              next();
            });
      });
}

void Client::Impl::schedule_reconnect() {
  reconnect_timer.expires_after(backoff);
  reconnect_timer.async_wait([this](const boost::system::error_code& error) {
    if (error || !want_connected) return;
    open_channel(url, [this](StatusCode opened) {
      if (!want_connected) return;
      if (opened.is_bad()) {
        backoff = std::min(backoff * 2, config.reconnect_max_delay);
        schedule_reconnect();
        return;
      }
      establish_session(true, [this](StatusCode established) {
        if (!want_connected) return;
        if (established.is_bad()) {
          close_channel();
          backoff = std::min(backoff * 2, config.reconnect_max_delay);
          schedule_reconnect();
          return;
        }
        {
          std::lock_guard lock(mutex);
          ++statistics.reconnects;
        }
        backoff = config.reconnect_min_delay;
        set_state(State::Connected);
        publish_more();
      });
    });
  });
}

void Client::Impl::close_channel() {
  if (channel) channel->close(status::BadConnectionClosed);
}

void Client::Impl::session_lost() {
  bool connected = false;
  {
    std::lock_guard lock(mutex);
    connected = state == State::Connected;
  }
  // Closing the channel takes the reconnection path: re-activation fails, a new session
  // with the subscriptions made anew follows.
  if (connected && want_connected && config.reconnect) close_channel();
}

void Client::Impl::keep_session_alive() {
  // An idle session would time out at the server: read ServerStatus.State now and then.
  const auto period = from_milliseconds(config.session_timeout_ms / 3);
  keep_alive_timer.expires_after(period);
  keep_alive_timer.async_wait([this, period](const boost::system::error_code& error) {
    if (error) return;
    bool connected = false;
    {
      std::lock_guard lock(mutex);
      connected = state == State::Connected;
    }
    if (connected && Clock::now() - last_request >= period) {
      ReadRequest request;
      ReadValueId state_node;
      state_node.node_id = NodeId(id::Server_ServerStatus_State);
      request.nodes_to_read.push_back(state_node);
      async_call<ReadRequest, ReadResponse>(std::move(request), [](StatusCode, ReadResponse&) {});
    }
    keep_session_alive();
  });
}

void Client::Impl::publish_more() {
  Clock::duration longest_wait = config.request_timeout;
  {
    std::lock_guard lock(mutex);
    if (state != State::Connected || subscriptions.empty()) return;
    for (const auto& [id, subscription] : subscriptions) {
      // A Publish may wait at the server for a whole keep-alive period.
      const double keep_alive_ms = subscription.options.publishing_interval_ms *
                                   (subscription.options.max_keep_alive_count + 1.0);
      longest_wait = std::max(longest_wait, from_milliseconds(2 * keep_alive_ms));
    }
  }
  while (publishes_in_flight < config.publish_requests_in_flight && channel && channel->open()) {
    PublishRequest request;
    request.subscription_acknowledgements = std::move(acknowledgements);
    acknowledgements.clear();
    request.request_header.timeout_hint = static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(longest_wait).count());
    ++publishes_in_flight;
    async_call<PublishRequest, PublishResponse>(
        std::move(request),
        [this](StatusCode result, PublishResponse& response) { on_publish(result, response); },
        longest_wait + std::chrono::seconds(1));
  }
}

void Client::Impl::on_publish(StatusCode result, PublishResponse& response) {
  if (publishes_in_flight > 0) --publishes_in_flight;
  if (result == status::BadNoSubscription || result == status::BadTooManyPublishRequests ||
      result == status::BadConnectionClosed || result == status::BadNotConnected) {
    return;
  }
  if (result == status::BadTimeout || result == status::BadRequestTimeout) {
    publish_more();  // the server answered a Publish it held past its timeoutHint
    return;
  }
  if (result.is_bad()) {
    // Not again at once: a server that refuses Publish would otherwise be asked in a loop.
    publish_retry_timer.expires_after(config.reconnect_min_delay);
    publish_retry_timer.async_wait([this](const boost::system::error_code& error) {
      if (!error) publish_more();
    });
    return;
  }
  const NotificationMessage& message = response.notification_message;
  if (!message.notification_data.empty()) {
    acknowledgements.push_back({response.subscription_id, message.sequence_number});
  }
  for (const ExtensionObject& data : message.notification_data) {
    try {
      if (auto changes = from_extension_object<DataChangeNotification>(data)) {
        for (const auto& change : changes->monitored_items) {
          std::shared_ptr<const DataChangeCallback> callback;
          {
            std::lock_guard lock(mutex);
            ++statistics.notifications;
            auto it = callbacks.find(change.client_handle);
            if (it != callbacks.end()) callback = it->second;
          }
          if (callback) (*callback)(change.value);
        }
      } else if (auto status_change = from_extension_object<StatusChangeNotification>(data)) {
        // The server ended the subscription (its lifetime ran out): make it anew.
        std::vector<IntegerId> lost;
        {
          std::lock_guard lock(mutex);
          auto it = subscription_by_server_id.find(response.subscription_id);
          if (it != subscription_by_server_id.end()) lost.push_back(it->second);
        }
        recreate_subscriptions(std::move(lost), [] {});
      }
    } catch (const Error&) {
      // A notification that does not decode is skipped; the others still count.
    }
  }
  publish_more();
}

Client::Client(ClientConfig config) : impl_(std::make_shared<Impl>(std::move(config))) {}

Client::~Client() {
  {
    // What the callbacks refer to may be gone already.
    std::lock_guard lock(impl_->mutex);
    impl_->state_callback = nullptr;
    impl_->callbacks.clear();
  }
  try {
    disconnect();
  } catch (const std::exception&) {
  }
}

void Client::on_state_change(std::function<void(State)> callback) {
  std::lock_guard lock(impl_->mutex);
  impl_->state_callback = std::move(callback);
}

Client::State Client::state() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state;
}

namespace {

// Runs `start` on the client's thread and waits for the status it reports.
StatusCode run_and_wait(Client::Impl& impl, std::chrono::milliseconds timeout,
                        std::function<void(std::function<void(StatusCode)>)> start);

}  // namespace

void Client::connect(const std::string& url) {
  if (std::this_thread::get_id() == impl_->io_thread) {
    throw Error(status::BadInvalidState, "connect() on the client's own thread");
  }
  if (state() != State::Disconnected) throw Error(status::BadInvalidState, "already connected");
  Impl& impl = *impl_;
  const auto timeout = impl.config.connect_timeout + 2 * impl.config.request_timeout;
  const StatusCode result =
      run_and_wait(impl, std::chrono::duration_cast<std::chrono::milliseconds>(timeout),
                   [&impl, url](std::function<void(StatusCode)> done) {
                     impl.url = url;
                     impl.want_connected = true;
                     impl.set_state(State::Connecting);
                     impl.open_channel(url, [&impl, done](StatusCode opened) {
                       if (opened.is_bad()) {
                         impl.want_connected = false;
                         impl.set_state(State::Disconnected);
                         done(opened);
                         return;
                       }
                       impl.establish_session(false, [&impl, done](StatusCode established) {
                         if (established.is_bad()) {
                           impl.want_connected = false;
                           impl.close_channel();
                           impl.set_state(State::Disconnected);
                           done(established);
                           return;
                         }
                         impl.set_state(State::Connected);
                         done(status::Good);
                         impl.publish_more();
                       });
                     });
                   });
  if (result.is_bad()) throw Error(result, "connecting to " + url);
}

void Client::disconnect() {
  if (std::this_thread::get_id() == impl_->io_thread) {
    throw Error(status::BadInvalidState, "disconnect() on the client's own thread");
  }
  Impl& impl = *impl_;
  run_and_wait(impl, impl.config.request_timeout, [&impl](std::function<void(StatusCode)> done) {
    impl.want_connected = false;
    impl.reconnect_timer.cancel();
    auto finish = [&impl, done](StatusCode) {
      if (impl.channel && impl.channel->open()) {
        try {
          impl.channel->send_close();
        } catch (const Error&) {
          impl.close_channel();
        }
      } else {
        impl.close_channel();
      }
      {
        std::lock_guard lock(impl.mutex);
        impl.authentication_token = NodeId();
        impl.subscriptions.clear();
        impl.callbacks.clear();
        impl.subscription_by_server_id.clear();
      }
      impl.set_state(State::Disconnected);
      done(status::Good);
    };
    bool has_session = false;
    {
      std::lock_guard lock(impl.mutex);
      has_session = !impl.authentication_token.is_null();
    }
    if (impl.channel && impl.channel->open() && has_session) {
      CloseSessionRequest request;
      request.delete_subscriptions = true;
      impl.async_call<CloseSessionRequest, CloseSessionResponse>(
          std::move(request),
          [finish](StatusCode result, CloseSessionResponse&) { finish(result); },
          std::chrono::seconds(2));
    } else {
      finish(status::Good);
    }
  });
}

namespace {

StatusCode run_and_wait(Client::Impl& impl, std::chrono::milliseconds timeout,
                        std::function<void(std::function<void(StatusCode)>)> start) {
  struct Slot {
    std::mutex mutex;
    std::condition_variable ready;
    bool done = false;
    StatusCode status;
  };
  auto slot = std::make_shared<Slot>();
  asio::post(impl.io, [start = std::move(start), slot] {
    start([slot](StatusCode result) {
      std::lock_guard lock(slot->mutex);
      if (slot->done) return;
      slot->done = true;
      slot->status = result;
      slot->ready.notify_all();
    });
  });
  std::unique_lock lock(slot->mutex);
  if (!slot->ready.wait_for(lock, timeout, [&] { return slot->done; })) return status::BadTimeout;
  return slot->status;
}

}  // namespace

struct Transaction {
  std::mutex mutex;
  std::condition_variable ready;
  bool done = false;
  StatusCode status;
  std::vector<std::uint8_t> body;
  std::chrono::steady_clock::time_point give_up;
};

std::shared_ptr<Transaction> Client::start_transaction(std::vector<std::uint8_t> body) {
  if (std::this_thread::get_id() == impl_->io_thread) {
    throw Error(status::BadInvalidState, "a blocking call on the client's own thread");
  }
  auto transaction = std::make_shared<Transaction>();
  Impl& impl = *impl_;
  // The client's thread times requests out; this bound only guards against it being stuck.
  transaction->give_up =
      std::chrono::steady_clock::now() + impl.config.request_timeout + std::chrono::seconds(2);
  asio::post(impl.io, [&impl, body = std::move(body), transaction]() mutable {
    impl.send(std::move(body),
              [transaction](StatusCode result, std::span<const std::uint8_t> answer) {
                std::lock_guard lock(transaction->mutex);
                transaction->status = result;
                transaction->body.assign(answer.begin(), answer.end());
                transaction->done = true;
                transaction->ready.notify_all();
              },
              {});
  });
  return transaction;
}

std::vector<std::uint8_t> Client::finish_transaction(Transaction& transaction) {
  std::unique_lock lock(transaction.mutex);
  if (!transaction.ready.wait_until(lock, transaction.give_up, [&] { return transaction.done; })) {
    throw Error(status::BadTimeout, "no answer in time");
  }
  if (transaction.status.is_bad()) throw Error(transaction.status, "the request failed");
  return std::move(transaction.body);
}

std::vector<std::uint8_t> Client::transact(std::vector<std::uint8_t> body) {
  return finish_transaction(*start_transaction(std::move(body)));
}

void Client::prepare_header(RequestHeader& header) {
  const RequestHeader prepared = impl_->header();
  header.authentication_token = prepared.authentication_token;
  header.request_handle = prepared.request_handle;
  header.timestamp = prepared.timestamp;
  if (header.timeout_hint == 0) header.timeout_hint = prepared.timeout_hint;
}

void Client::decode_response(const std::vector<std::uint8_t>& body, std::uint32_t expected_type,
                             const std::function<StatusCode(Reader&)>& decode_fields) {
  Reader reader(body);
  NodeId type;
  decode(reader, type);
  if (type != NodeId(expected_type)) {
    throw Error(status::BadUnknownResponse, "a response of type " + type.to_string());
  }
  const StatusCode result = decode_fields(reader);
  if (result.is_bad()) throw Error(result, "the service failed");
}

std::vector<EndpointDescription> Client::get_endpoints(const std::string& url) {
  if (state() == State::Connected) {
    GetEndpointsRequest request;
    request.endpoint_url = url;
    return call<GetEndpointsResponse>(request).endpoints;
  }
  if (state() != State::Disconnected) throw Error(status::BadInvalidState, "connecting");
  Impl& impl = *impl_;
  auto endpoints = std::make_shared<std::vector<EndpointDescription>>();
  const StatusCode result = run_and_wait(
      impl, impl.config.connect_timeout + impl.config.request_timeout,
      [&impl, url, endpoints](std::function<void(StatusCode)> done) {
        impl.url = url;
        impl.open_channel(url, [&impl, url, endpoints, done](StatusCode opened) {
          if (opened.is_bad()) {
            done(opened);
            return;
          }
          GetEndpointsRequest request;
          request.endpoint_url = url;
          impl.async_call<GetEndpointsRequest, GetEndpointsResponse>(
              std::move(request),
              [&impl, endpoints, done](StatusCode answered, GetEndpointsResponse& response) {
                *endpoints = std::move(response.endpoints);
                if (impl.channel && impl.channel->open()) {
                  impl.channel->send_close();
                } else {
                  impl.close_channel();
                }
                done(answered);
              });
        });
      });
  if (result.is_bad()) throw Error(result, "GetEndpoints from " + url);
  return std::move(*endpoints);
}

std::vector<DataValue> Client::read(std::span<const ReadValueId> nodes,
                                    TimestampsToReturn timestamps) {
  ReadRequest request;
  request.timestamps_to_return = timestamps;
  request.nodes_to_read.assign(nodes.begin(), nodes.end());
  ReadResponse response;
  read(request, response);
  return std::move(response.results);
}

DataValue Client::read(const NodeId& node, std::uint32_t attribute_id) {
  ReadValueId item;
  item.node_id = node;
  item.attribute_id = attribute_id;
  auto results = read(std::span<const ReadValueId>(&item, 1));
  return std::move(results.at(0));
}

void Client::read(const ReadRequest& request, ReadResponse& response) {
  call_into(request, response);
  if (response.results.size() != request.nodes_to_read.size()) {
    throw Error(status::BadUnknownResponse, "the server answered " +
                                                std::to_string(response.results.size()) + " of " +
                                                std::to_string(request.nodes_to_read.size()));
  }
}

std::vector<StatusCode> Client::write(std::span<const WriteValue> nodes) {
  WriteRequest request;
  request.nodes_to_write.assign(nodes.begin(), nodes.end());
  auto response = call<WriteResponse>(request);
  if (response.results.size() != nodes.size()) {
    throw Error(status::BadUnknownResponse, "the server answered a different number of writes");
  }
  return std::move(response.results);
}

Client::PendingWrite Client::write_start(std::span<const WriteValue> nodes) {
  WriteRequest request;
  request.nodes_to_write.assign(nodes.begin(), nodes.end());
  return PendingWrite{start_transaction(encode_request(request)), nodes.size()};
}

std::vector<StatusCode> Client::write_finish(PendingWrite& pending) {
  if (!pending) throw Error(status::BadInvalidState, "no write is pending");
  const auto transaction = std::move(pending.transaction);
  WriteResponse response;
  decode_answer(finish_transaction(*transaction), response);
  if (response.results.size() != pending.count) {
    throw Error(status::BadUnknownResponse, "the server answered a different number of writes");
  }
  return std::move(response.results);
}

StatusCode Client::write(const NodeId& node, Variant value) {
  WriteValue item;
  item.node_id = node;
  item.value = DataValue(std::move(value));
  return write(std::span<const WriteValue>(&item, 1)).at(0);
}

std::vector<ReferenceDescription> Client::browse(const NodeId& node, const BrowseOptions& options) {
  BrowseRequest request;
  request.requested_max_references_per_node = options.max_references_per_request;
  BrowseDescription description;
  description.node_id = node;
  description.browse_direction = options.direction;
  description.reference_type_id = options.reference_type;
  description.include_subtypes = options.include_subtypes;
  description.node_class_mask = options.node_class_mask;
  description.result_mask = browse_result::All;
  request.nodes_to_browse.push_back(description);
  auto response = call<BrowseResponse>(request);
  if (response.results.size() != 1) throw Error(status::BadUnknownResponse, "no browse result");
  BrowseResult result = std::move(response.results[0]);
  std::vector<ReferenceDescription> references;
  for (;;) {
    if (result.status_code.is_bad())
      throw Error(result.status_code, "browsing " + node.to_string());
    references.insert(references.end(), std::make_move_iterator(result.references.begin()),
                      std::make_move_iterator(result.references.end()));
    if (result.continuation_point.empty()) return references;
    BrowseNextRequest next;
    next.continuation_points.push_back(result.continuation_point);
    auto next_response = call<BrowseNextResponse>(next);
    if (next_response.results.size() != 1) throw Error(status::BadUnknownResponse, "no result");
    result = std::move(next_response.results[0]);
  }
}

std::vector<BrowsePathResult> Client::translate(std::span<const BrowsePath> paths) {
  TranslateBrowsePathsToNodeIdsRequest request;
  request.browse_paths.assign(paths.begin(), paths.end());
  return call<TranslateBrowsePathsToNodeIdsResponse>(request).results;
}

IntegerId Client::create_subscription(const SubscriptionOptions& options) {
  CreateSubscriptionRequest request;
  request.requested_publishing_interval = options.publishing_interval_ms;
  request.requested_lifetime_count = options.lifetime_count;
  request.requested_max_keep_alive_count = options.max_keep_alive_count;
  request.max_notifications_per_publish = options.max_notifications_per_publish;
  const auto response = call<CreateSubscriptionResponse>(request);
  IntegerId local_id = 0;
  {
    std::lock_guard lock(impl_->mutex);
    local_id = impl_->next_local_id++;
    Impl::Subscribed& subscribed = impl_->subscriptions[local_id];
    subscribed.options = options;
    subscribed.options.publishing_interval_ms = response.revised_publishing_interval;
    subscribed.options.max_keep_alive_count = response.revised_max_keep_alive_count;
    subscribed.server_id = response.subscription_id;
    impl_->subscription_by_server_id[response.subscription_id] = local_id;
  }
  asio::post(impl_->io, [impl = impl_] { impl->publish_more(); });
  return local_id;
}

void Client::delete_subscription(IntegerId subscription) {
  DeleteSubscriptionsRequest request;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->subscriptions.find(subscription);
    if (it == impl_->subscriptions.end()) {
      throw Error(status::BadSubscriptionIdInvalid, "no such subscription");
    }
    request.subscription_ids.push_back(it->second.server_id);
    for (const auto& [id, item] : it->second.items)
      impl_->callbacks.erase(item.client_handle);
    impl_->subscription_by_server_id.erase(it->second.server_id);
    impl_->subscriptions.erase(it);
  }
  const auto response = call<DeleteSubscriptionsResponse>(request);
  if (!response.results.empty() && response.results[0].is_bad() &&
      response.results[0] != status::BadSubscriptionIdInvalid) {
    throw Error(response.results[0], "deleting the subscription");
  }
}

IntegerId Client::monitor(IntegerId subscription, const NodeId& node, const MonitorOptions& options,
                          DataChangeCallback callback) {
  CreateMonitoredItemsRequest request;
  request.timestamps_to_return = options.timestamps;
  MonitoredItemCreateRequest create;
  create.item_to_monitor.node_id = node;
  create.item_to_monitor.attribute_id = options.attribute_id;
  create.requested_parameters.sampling_interval = options.sampling_interval_ms;
  create.requested_parameters.queue_size = options.queue_size;
  create.requested_parameters.discard_oldest = options.discard_oldest;
  if (options.absolute_deadband) {
    create.requested_parameters.filter = to_extension_object(DataChangeFilter{
        DataChangeTrigger::StatusValue, DeadbandType::Absolute, *options.absolute_deadband});
  }
  IntegerId handle = 0;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->subscriptions.find(subscription);
    if (it == impl_->subscriptions.end()) {
      throw Error(status::BadSubscriptionIdInvalid, "no such subscription");
    }
    request.subscription_id = it->second.server_id;
    handle = impl_->next_client_handle++;
    // Registered before the request goes out: the first value may follow right behind.
    impl_->callbacks[handle] = std::make_shared<const DataChangeCallback>(std::move(callback));
  }
  create.requested_parameters.client_handle = handle;
  request.items_to_create.push_back(std::move(create));
  CreateMonitoredItemsResponse response;
  try {
    call_into(request, response);
    if (response.results.size() != 1) throw Error(status::BadUnknownResponse, "no item result");
    if (response.results[0].status_code.is_bad()) {
      throw Error(response.results[0].status_code, "monitoring " + node.to_string());
    }
  } catch (const Error&) {
    std::lock_guard lock(impl_->mutex);
    impl_->callbacks.erase(handle);
    throw;
  }
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->subscriptions.find(subscription);
  if (it == impl_->subscriptions.end()) return 0;
  const IntegerId item_id = impl_->next_local_id++;
  it->second.items[item_id] =
      Impl::Item{node, options, handle, response.results[0].monitored_item_id};
  return item_id;
}

void Client::unmonitor(IntegerId subscription, IntegerId item) {
  DeleteMonitoredItemsRequest request;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->subscriptions.find(subscription);
    if (it == impl_->subscriptions.end()) {
      throw Error(status::BadSubscriptionIdInvalid, "no such subscription");
    }
    auto found = it->second.items.find(item);
    if (found == it->second.items.end()) {
      throw Error(status::BadMonitoredItemIdInvalid, "no such monitored item");
    }
    request.subscription_id = it->second.server_id;
    request.monitored_item_ids.push_back(found->second.server_id);
    impl_->callbacks.erase(found->second.client_handle);
    it->second.items.erase(found);
  }
  call<DeleteMonitoredItemsResponse>(request);
}

Client::Statistics Client::statistics() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->statistics;
}

std::string to_string(Client::State state) {
  switch (state) {
    case Client::State::Disconnected:
      return "disconnected";
    case Client::State::Connecting:
      return "connecting";
    case Client::State::Connected:
      return "connected";
    case Client::State::Reconnecting:
      return "reconnecting";
  }
  return "unknown";
}

}  // namespace twinloop::opcua
