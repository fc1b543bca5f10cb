// Session service set (OPC 10000-4, 5.6): CreateSession, ActivateSession, CloseSession.
#include <algorithm>

#include "server_core.hpp"

namespace twinloop::opcua {
namespace {

// node-opcua rejects nonces of 1..31 bytes; 32 is what the specification asks for.
constexpr std::size_t kNonceSize = 32;

}  // namespace

CreateSessionResponse ServerCore::create_session(const RequestContext& context,
                                                 const CreateSessionRequest& request) {
  if (sessions_.size() >= config_.max_sessions) {
    throw Error(status::BadTooManySessions, "the server has its maximum of sessions");
  }
  auto session = std::make_unique<Session>();
  session->session_id = NodeId(1, next_session_number_++);
  session->authentication_token = NodeId(0, random_bytes(32));
  session->name = request.session_name;
  const double requested = request.requested_session_timeout;
  session->timeout_ms = std::clamp(requested > 0 ? requested : config_.max_session_timeout_ms,
                                   config_.min_session_timeout_ms, config_.max_session_timeout_ms);
  session->last_activity = context.received;
  session->channel_id = context.channel->channel_id();

  CreateSessionResponse response;
  response.session_id = session->session_id;
  response.authentication_token = session->authentication_token;
  response.revised_session_timeout = session->timeout_ms;
  response.server_nonce = random_bytes(kNonceSize);
  const std::string url = request.endpoint_url.starts_with("opc.tcp://")
                              ? request.endpoint_url
                              : context.channel->hello_endpoint_url();
  response.server_endpoints = endpoints(url.empty() ? default_endpoint_url_ : url);
  response.max_request_message_size = config_.max_message_size;
  sessions_.emplace(session->authentication_token, std::move(session));
  counters.sessions = sessions_.size();
  return response;
}

ActivateSessionResponse ServerCore::activate_session(const RequestContext& context,
                                                     const ActivateSessionRequest& request) {
  auto it = sessions_.find(request.request_header.authentication_token);
  if (it == sessions_.end()) throw Error(status::BadSessionIdInvalid, "no such session");
  Session& session = *it->second;
  const ExtensionObject& token = request.user_identity_token;
  std::string user;
  if (token.empty()) {
    if (!config_.allow_anonymous) {
      throw Error(status::BadIdentityTokenRejected, "anonymous access is not allowed");
    }
  } else if (auto anonymous = from_extension_object<AnonymousIdentityToken>(token)) {
    if (!config_.allow_anonymous) {
      throw Error(status::BadIdentityTokenRejected, "anonymous access is not allowed");
    }
    if (anonymous->policy_id != "anonymous") {
      throw Error(status::BadIdentityTokenInvalid, "unknown policy id " + anonymous->policy_id);
    }
  } else if (auto user_name = from_extension_object<UserNameIdentityToken>(token)) {
    if (config_.users.empty() || user_name->policy_id != "username") {
      throw Error(status::BadIdentityTokenInvalid, "unknown policy id " + user_name->policy_id);
    }
    if (!user_name->encryption_algorithm.empty()) {
      throw Error(status::BadIdentityTokenInvalid, "encrypted passwords need a secure channel");
    }
    const bool known = std::any_of(config_.users.begin(), config_.users.end(), [&](const auto& u) {
      return u.user_name == user_name->user_name && u.password == user_name->password.as_text();
    });
    if (!known) throw Error(status::BadUserAccessDenied, "wrong user name or password");
    user = user_name->user_name;
  } else {
    throw Error(status::BadIdentityTokenInvalid, "an identity token of an unsupported kind");
  }
  if (session.activated && session.user != user) {
    throw Error(status::BadIdentityChangeNotSupported, "the session belongs to another user");
  }
  // A session may move to a new channel (the client reconnected); its Publish requests stay
  // with the old one.
  if (session.channel_id != context.channel->channel_id()) session.publish_queue.clear();
  session.channel_id = context.channel->channel_id();
  session.activated = true;
  session.user = user;
  session.last_activity = context.received;
  ActivateSessionResponse response;
  response.server_nonce = random_bytes(kNonceSize);
  return response;
}

void ServerCore::end_session(Session& session, StatusCode pending_publish_status) {
  for (const auto& request : session.publish_queue)
    fail_publish(request, pending_publish_status);
  session.publish_queue.clear();
  session.subscriptions.clear();
}

CloseSessionResponse ServerCore::close_session(const RequestContext& context,
                                               const CloseSessionRequest& request) {
  auto it = sessions_.find(request.request_header.authentication_token);
  if (it == sessions_.end()) throw Error(status::BadSessionIdInvalid, "no such session");
  if (it->second->channel_id != context.channel->channel_id()) {
    throw Error(status::BadSecureChannelIdInvalid, "the session belongs to another channel");
  }
  end_session(*it->second, status::BadSessionClosed);
  sessions_.erase(it);
  counters.sessions = sessions_.size();
  return {};
}

}  // namespace twinloop::opcua
