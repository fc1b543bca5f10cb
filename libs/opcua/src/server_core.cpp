#include "server_core.hpp"

namespace twinloop::opcua {

ServerCore::ServerCore(ServerConfig config)
    : config_(std::move(config)), random_(std::random_device{}()) {
  namespaces = {"http://opcfoundation.org/UA/", config_.application_uri};
  add_standard_nodes(space, config_, DateTime::now(), [this] { return namespaces; });
  register_services();
}

std::string ServerCore::default_endpoint_url() const {
  return default_endpoint_url_;
}

template <class Request, class Response>
void ServerCore::add_service(Response (ServerCore::*handler)(const RequestContext&,
                                                             const Request&)) {
  handlers_[Request::binary_encoding_id] =
      [handler](ServerCore& core, const RequestContext& context, Reader& reader) {
        Request request;
        decode(reader, request);
        Response response = (core.*handler)(context, request);
        core.respond(context, response, request.request_header.request_handle);
      };
}

void ServerCore::add_deferred_service(void (ServerCore::*handler)(const RequestContext&,
                                                                  const PublishRequest&)) {
  handlers_[PublishRequest::binary_encoding_id] =
      [handler](ServerCore& core, const RequestContext& context, Reader& reader) {
        PublishRequest request;
        decode(reader, request);
        (core.*handler)(context, request);
      };
}

void ServerCore::register_services() {
  add_service(&ServerCore::get_endpoints);
  add_service(&ServerCore::find_servers);
  add_service(&ServerCore::create_session);
  add_service(&ServerCore::activate_session);
  add_service(&ServerCore::close_session);
  add_service(&ServerCore::read);
  add_service(&ServerCore::write);
  add_service(&ServerCore::browse);
  add_service(&ServerCore::browse_next);
  add_service(&ServerCore::translate);
  add_service(&ServerCore::register_nodes);
  add_service(&ServerCore::unregister_nodes);
  add_service(&ServerCore::create_subscription);
  add_service(&ServerCore::modify_subscription);
  add_service(&ServerCore::delete_subscriptions);
  add_service(&ServerCore::set_publishing_mode);
  add_deferred_service(&ServerCore::publish);
  add_service(&ServerCore::republish);
  add_service(&ServerCore::create_monitored_items);
  add_service(&ServerCore::modify_monitored_items);
  add_service(&ServerCore::set_monitoring_mode);
  add_service(&ServerCore::delete_monitored_items);
}

void ServerCore::fault(const RequestContext& context, IntegerId request_handle, StatusCode status) {
  ++counters.service_faults;
  ServiceFault response;
  response.response_header.service_result = status;
  respond(context, response, request_handle);
}

void ServerCore::fail_publish(const PendingPublish& request, StatusCode status) {
  auto channel = request.channel.lock();
  if (!channel) return;
  ServiceFault response;
  response.response_header.service_result = status;
  respond_on(*channel, request.request_id, response, request.request_handle);
}

void ServerCore::dispatch(const RequestContext& context, std::span<const std::uint8_t> body) {
  ++counters.requests;
  DecodeLimits limits;
  limits.max_array_length = std::max<std::size_t>(config_.max_nodes_per_request, 65536);
  Reader reader(body, limits);
  IntegerId request_handle = 0;
  try {
    NodeId type;
    decode(reader, type);
    // Every request starts with its header; read the handle ahead for faults.
    {
      Reader header_reader(body.subspan(reader.position()), limits);
      RequestHeader header;
      decode(header_reader, header);
      request_handle = header.request_handle;
    }
    const auto* number = type.numeric();
    auto handler =
        (number && type.namespace_index == 0) ? handlers_.find(*number) : handlers_.end();
    if (handler == handlers_.end()) {
      fault(context, request_handle, status::BadServiceUnsupported);
      return;
    }
    handler->second(*this, context, reader);
  } catch (const Error& error) {
    fault(context, request_handle, error.status());
  } catch (const std::bad_alloc&) {
    fault(context, request_handle, status::BadOutOfMemory);
  }
}

Session& ServerCore::require_session(const RequestContext& context, const RequestHeader& header) {
  auto it = sessions_.find(header.authentication_token);
  if (it == sessions_.end()) throw Error(status::BadSessionIdInvalid, "no such session");
  Session& session = *it->second;
  if (!session.activated) throw Error(status::BadSessionNotActivated, "session not activated");
  if (session.channel_id != context.channel->channel_id()) {
    throw Error(status::BadSecureChannelIdInvalid, "the session belongs to another channel");
  }
  session.last_activity = context.received;
  return session;
}

ByteString ServerCore::random_bytes(std::size_t count) {
  ByteString bytes;
  bytes.data.resize(count);
  for (auto& byte : bytes.data)
    byte = static_cast<std::uint8_t>(random_());
  return bytes;
}

void ServerCore::channel_closed(std::uint32_t channel_id) {
  for (auto& [token, session] : sessions_) {
    if (session->channel_id != channel_id) continue;
    session->channel_id = 0;
    session->publish_queue.clear();
  }
}

void ServerCore::shutdown() {
  for (auto& [token, session] : sessions_)
    end_session(*session, status::BadShutdown);
  sessions_.clear();
  counters.sessions = 0;
}

void ServerCore::tick(Clock::time_point now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& session = *it->second;
    if (now - session.last_activity > from_milliseconds(session.timeout_ms)) {
      end_session(session, status::BadSessionClosed);
      it = sessions_.erase(it);
      counters.sessions = sessions_.size();
      continue;
    }
    // Publish requests past their timeoutHint are answered, not dropped.
    while (!session.publish_queue.empty() && session.publish_queue.front().deadline <= now) {
      const PendingPublish request = std::move(session.publish_queue.front());
      session.publish_queue.pop_front();
      fail_publish(request, status::BadTimeout);
    }
    {
      std::lock_guard lock(space_mutex);
      for (auto& [id, subscription] : session.subscriptions) {
        if (subscription.next_sample > now) continue;
        for (auto& [item_id, item] : subscription.items) {
          if (item.mode != MonitoringMode::Disabled && item.next_sample <= now) sample(item, now);
        }
        reschedule_sampling(subscription);
      }
    }
    for (auto sub = session.subscriptions.begin(); sub != session.subscriptions.end();) {
      Subscription& subscription = sub->second;
      if (subscription.next_publish <= now) publish_due(session, subscription, now);
      if (subscription.lifetime_count != 0 &&
          subscription.lifetime_counter >= subscription.lifetime_count) {
        send_status_change(session, subscription, status::BadTimeout);
        sub = session.subscriptions.erase(sub);
      } else {
        ++sub;
      }
    }
    ++it;
  }
}

Clock::time_point ServerCore::next_deadline() const {
  auto deadline = Clock::time_point::max();
  for (const auto& [token, session] : sessions_) {
    deadline = std::min(deadline, session->last_activity + from_milliseconds(session->timeout_ms) +
                                      std::chrono::milliseconds(1));
    for (const auto& request : session->publish_queue)
      deadline = std::min(deadline, request.deadline);
    for (const auto& [id, subscription] : session->subscriptions) {
      deadline = std::min({deadline, subscription.next_publish, subscription.next_sample});
    }
  }
  return deadline;
}

Subscription* ServerCore::find_subscription(Session& session, IntegerId id) {
  auto it = session.subscriptions.find(id);
  return it == session.subscriptions.end() ? nullptr : &it->second;
}

Subscription& ServerCore::require_subscription(Session& session, IntegerId id) {
  Subscription* subscription = find_subscription(session, id);
  if (!subscription) throw Error(status::BadSubscriptionIdInvalid, "no such subscription");
  return *subscription;
}

}  // namespace twinloop::opcua
