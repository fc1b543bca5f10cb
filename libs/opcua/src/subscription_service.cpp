// Subscription service set (OPC 10000-4, 5.13): CreateSubscription, ModifySubscription,
// DeleteSubscriptions, SetPublishingMode, Publish, Republish, and the publishing cycle.
#include <algorithm>
#include <cmath>
#include <limits>

#include "server_core.hpp"

namespace twinloop::opcua {
namespace {

constexpr double kMaxPublishingIntervalMs = 3'600'000;
constexpr std::uint32_t kMaxKeepAliveCount = 10'000;

std::uint32_t next_in_sequence(std::uint32_t number) {
  return number == 0xFFFFFFFFu ? 1 : number + 1;
}

}  // namespace

void ServerCore::revise(Subscription& subscription, double interval, std::uint32_t lifetime,
                        std::uint32_t keep_alive, std::uint32_t max_notifications) {
  if (!std::isfinite(interval) || interval < config_.min_publishing_interval_ms) {
    interval = config_.min_publishing_interval_ms;
  }
  subscription.publishing_interval = std::min(interval, kMaxPublishingIntervalMs);
  subscription.max_keep_alive_count = std::clamp<std::uint32_t>(keep_alive, 1, kMaxKeepAliveCount);
  // OPC 10000-4, 5.13.2.2: the lifetime is at least three keep-alive intervals.
  subscription.lifetime_count = std::max(lifetime, 3 * subscription.max_keep_alive_count);
  subscription.max_notifications_per_publish = max_notifications;
}

CreateSubscriptionResponse ServerCore::create_subscription(
    const RequestContext& context, const CreateSubscriptionRequest& request) {
  Session& session = require_session(context, request.request_header);
  if (session.subscriptions.size() >= config_.max_subscriptions_per_session) {
    throw Error(status::BadTooManySubscriptions, "the session has its maximum of subscriptions");
  }
  const IntegerId id = next_subscription_id_++;
  Subscription& subscription = session.subscriptions[id];
  subscription.id = id;
  revise(subscription, request.requested_publishing_interval, request.requested_lifetime_count,
         request.requested_max_keep_alive_count, request.max_notifications_per_publish);
  subscription.publishing_enabled = request.publishing_enabled;
  subscription.next_publish =
      context.received + from_milliseconds(subscription.publishing_interval);

  CreateSubscriptionResponse response;
  response.subscription_id = id;
  response.revised_publishing_interval = subscription.publishing_interval;
  response.revised_lifetime_count = subscription.lifetime_count;
  response.revised_max_keep_alive_count = subscription.max_keep_alive_count;
  return response;
}

ModifySubscriptionResponse ServerCore::modify_subscription(
    const RequestContext& context, const ModifySubscriptionRequest& request) {
  Session& session = require_session(context, request.request_header);
  Subscription* subscription = &require_subscription(session, request.subscription_id);
  revise(*subscription, request.requested_publishing_interval, request.requested_lifetime_count,
         request.requested_max_keep_alive_count, request.max_notifications_per_publish);
  subscription->next_publish =
      context.received + from_milliseconds(subscription->publishing_interval);
  ModifySubscriptionResponse response;
  response.revised_publishing_interval = subscription->publishing_interval;
  response.revised_lifetime_count = subscription->lifetime_count;
  response.revised_max_keep_alive_count = subscription->max_keep_alive_count;
  return response;
}

DeleteSubscriptionsResponse ServerCore::delete_subscriptions(
    const RequestContext& context, const DeleteSubscriptionsRequest& request) {
  Session& session = require_session(context, request.request_header);
  if (request.subscription_ids.empty()) throw Error(status::BadNothingToDo, "no subscriptions");
  DeleteSubscriptionsResponse response;
  for (IntegerId id : request.subscription_ids) {
    response.results.push_back(
        session.subscriptions.erase(id) != 0 ? status::Good : status::BadSubscriptionIdInvalid);
  }
  // Publish requests have nothing left to wait for.
  if (session.subscriptions.empty()) end_session_publishing(session);
  return response;
}

void ServerCore::end_session_publishing(Session& session) {
  while (auto request = take_publish_request(session)) {
    fail_publish(*request, status::BadNoSubscription);
  }
}

SetPublishingModeResponse ServerCore::set_publishing_mode(const RequestContext& context,
                                                          const SetPublishingModeRequest& request) {
  Session& session = require_session(context, request.request_header);
  if (request.subscription_ids.empty()) throw Error(status::BadNothingToDo, "no subscriptions");
  SetPublishingModeResponse response;
  for (IntegerId id : request.subscription_ids) {
    Subscription* subscription = find_subscription(session, id);
    if (subscription) subscription->publishing_enabled = request.publishing_enabled;
    response.results.push_back(subscription ? status::Good : status::BadSubscriptionIdInvalid);
  }
  return response;
}

std::optional<PendingPublish> ServerCore::take_publish_request(Session& session) {
  while (!session.publish_queue.empty()) {
    PendingPublish request = std::move(session.publish_queue.front());
    session.publish_queue.pop_front();
    if (!request.channel.expired()) return request;
  }
  return std::nullopt;
}

void ServerCore::publish(const RequestContext& context, const PublishRequest& request) {
  Session& session = require_session(context, request.request_header);
  PendingPublish pending;
  pending.channel = context.channel;
  pending.request_id = context.request_id;
  pending.request_handle = request.request_header.request_handle;
  if (request.request_header.timeout_hint != 0) {
    pending.deadline =
        context.received + std::chrono::milliseconds(request.request_header.timeout_hint);
  }
  for (const auto& acknowledgement : request.subscription_acknowledgements) {
    Subscription* subscription = find_subscription(session, acknowledgement.subscription_id);
    StatusCode result = status::BadSubscriptionIdInvalid;
    if (subscription) {
      auto& queue = subscription->retransmission;
      auto it = std::find_if(queue.begin(), queue.end(), [&](const NotificationMessage& message) {
        return message.sequence_number == acknowledgement.sequence_number;
      });
      result = it == queue.end() ? status::BadSequenceNumberUnknown : status::Good;
      if (it != queue.end()) queue.erase(it);
    }
    pending.acknowledgement_results.push_back(result);
  }
  if (session.subscriptions.empty()) {
    PublishResponse response;
    response.response_header.service_result = status::BadNoSubscription;
    response.results = std::move(pending.acknowledgement_results);
    ++counters.service_faults;
    respond(context, response, pending.request_handle);
    return;
  }
  session.publish_queue.push_back(std::move(pending));
  if (session.publish_queue.size() > config_.max_publish_requests_per_session) {
    const PendingPublish oldest = std::move(session.publish_queue.front());
    session.publish_queue.pop_front();
    fail_publish(oldest, status::BadTooManyPublishRequests);
  }
  for (auto& [id, subscription] : session.subscriptions) {
    subscription.lifetime_counter = 0;
    if (subscription.late && !send_notification(session, subscription)) break;
  }
}

bool ServerCore::send_notification(Session& session, Subscription& subscription) {
  auto request = take_publish_request(session);
  if (!request) return false;
  auto channel = request->channel.lock();

  PublishResponse response;
  response.subscription_id = subscription.id;
  response.results = std::move(request->acknowledgement_results);
  NotificationMessage& message = response.notification_message;
  message.publish_time = DateTime::now();
  if (subscription.publishing_enabled) {
    DataChangeNotification notification;
    std::size_t budget = subscription.max_notifications_per_publish == 0
                             ? std::numeric_limits<std::size_t>::max()
                             : subscription.max_notifications_per_publish;
    for (auto& [item_id, item] : subscription.items) {
      if (item.mode != MonitoringMode::Reporting) continue;
      while (!item.queue.empty() && budget > 0) {
        notification.monitored_items.push_back({item.client_handle, std::move(item.queue.front())});
        item.queue.pop_front();
        --budget;
      }
      if (!item.queue.empty()) response.more_notifications = true;
    }
    if (!notification.monitored_items.empty()) {
      message.notification_data.push_back(to_extension_object(notification));
    }
  }
  if (message.notification_data.empty()) {
    // A keep-alive shows the next sequence number without using it up.
    message.sequence_number = subscription.next_sequence_number;
  } else {
    message.sequence_number = subscription.next_sequence_number;
    subscription.next_sequence_number = next_in_sequence(subscription.next_sequence_number);
    subscription.retransmission.push_back(message);
    if (subscription.retransmission.size() > config_.max_retransmission_queue) {
      subscription.retransmission.pop_front();
    }
  }
  for (const auto& kept : subscription.retransmission) {
    response.available_sequence_numbers.push_back(kept.sequence_number);
  }
  subscription.late = response.more_notifications;
  subscription.keep_alive_counter = 0;
  subscription.lifetime_counter = 0;
  subscription.first_message_sent = true;
  if (channel) respond_on(*channel, request->request_id, response, request->request_handle);
  return true;
}

void ServerCore::send_status_change(Session& session, Subscription& subscription,
                                    StatusCode status_code) {
  auto request = take_publish_request(session);
  if (!request) return;
  PublishResponse response;
  response.subscription_id = subscription.id;
  response.results = std::move(request->acknowledgement_results);
  response.notification_message.sequence_number = subscription.next_sequence_number;
  response.notification_message.publish_time = DateTime::now();
  StatusChangeNotification notification;
  notification.status = status_code;
  response.notification_message.notification_data.push_back(to_extension_object(notification));
  if (auto channel = request->channel.lock()) {
    respond_on(*channel, request->request_id, response, request->request_handle);
  }
}

void ServerCore::publish_due(Session& session, Subscription& subscription, Clock::time_point now) {
  const auto interval = from_milliseconds(subscription.publishing_interval);
  subscription.next_publish += interval;
  if (subscription.next_publish <= now) subscription.next_publish = now + interval;
  if (session.publish_queue.empty()) ++subscription.lifetime_counter;

  bool has_notifications = false;
  if (subscription.publishing_enabled) {
    for (const auto& [id, item] : subscription.items) {
      if (item.mode == MonitoringMode::Reporting && !item.queue.empty()) {
        has_notifications = true;
        break;
      }
    }
  }
  if (has_notifications) {
    if (!send_notification(session, subscription)) subscription.late = true;
    return;
  }
  ++subscription.keep_alive_counter;
  if (!subscription.first_message_sent ||
      subscription.keep_alive_counter >= subscription.max_keep_alive_count) {
    if (!send_notification(session, subscription)) subscription.late = true;
  }
}

RepublishResponse ServerCore::republish(const RequestContext& context,
                                        const RepublishRequest& request) {
  Session& session = require_session(context, request.request_header);
  Subscription* subscription = &require_subscription(session, request.subscription_id);
  for (const auto& message : subscription->retransmission) {
    if (message.sequence_number == request.retransmit_sequence_number) {
      RepublishResponse response;
      response.notification_message = message;
      return response;
    }
  }
  throw Error(status::BadMessageNotAvailable, "the message is no longer kept");
}

}  // namespace twinloop::opcua
