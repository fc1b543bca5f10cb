// Discovery service set (OPC 10000-4, 5.4): GetEndpoints and FindServers.
#include "server_core.hpp"

namespace twinloop::opcua {
namespace {

constexpr const char* kAnonymousPolicyId = "anonymous";
constexpr const char* kUserNamePolicyId = "username";

}  // namespace

ApplicationDescription ServerCore::application_description(const std::string& url) const {
  ApplicationDescription description;
  description.application_uri = config_.application_uri;
  description.product_uri = config_.product_uri;
  description.application_name = LocalizedText("", config_.application_name);
  description.application_type = ApplicationType::Server;
  description.discovery_urls = {url};
  return description;
}

std::vector<EndpointDescription> ServerCore::endpoints(const std::string& url) const {
  EndpointDescription endpoint;
  endpoint.endpoint_url = url;
  endpoint.server = application_description(url);
  endpoint.security_mode = MessageSecurityMode::None;
  endpoint.security_policy_uri = std::string(kSecurityPolicyNoneUri);
  if (config_.allow_anonymous) {
    UserTokenPolicy anonymous;
    anonymous.policy_id = kAnonymousPolicyId;
    anonymous.token_type = UserTokenType::Anonymous;
    endpoint.user_identity_tokens.push_back(anonymous);
  }
  if (!config_.users.empty()) {
    UserTokenPolicy user_name;
    user_name.policy_id = kUserNamePolicyId;
    user_name.token_type = UserTokenType::UserName;
    // The password travels as the channel protects it: in the clear under policy None.
    user_name.security_policy_uri = std::string(kSecurityPolicyNoneUri);
    endpoint.user_identity_tokens.push_back(user_name);
  }
  endpoint.transport_profile_uri = std::string(kTransportProfileBinaryUri);
  endpoint.security_level = 0;
  return {endpoint};
}

namespace {

// The URL the client asked for when it names this server's scheme, so the host it dialled
// (localhost or 127.0.0.1) comes back; otherwise the one of its Hello, or our own.
std::string reply_url(const std::string& requested, const std::string& hello,
                      const std::string& fallback) {
  if (requested.starts_with("opc.tcp://")) return requested;
  if (hello.starts_with("opc.tcp://")) return hello;
  return fallback;
}

}  // namespace

GetEndpointsResponse ServerCore::get_endpoints(const RequestContext& context,
                                               const GetEndpointsRequest& request) {
  GetEndpointsResponse response;
  const bool binary_wanted = request.profile_uris.empty() ||
                             std::find(request.profile_uris.begin(), request.profile_uris.end(),
                                       kTransportProfileBinaryUri) != request.profile_uris.end();
  if (binary_wanted) {
    response.endpoints = endpoints(reply_url(
        request.endpoint_url, context.channel->hello_endpoint_url(), default_endpoint_url_));
  }
  return response;
}

FindServersResponse ServerCore::find_servers(const RequestContext& context,
                                             const FindServersRequest& request) {
  FindServersResponse response;
  const bool wanted = request.server_uris.empty() ||
                      std::find(request.server_uris.begin(), request.server_uris.end(),
                                config_.application_uri) != request.server_uris.end();
  if (wanted) {
    response.servers.push_back(application_description(reply_url(
        request.endpoint_url, context.channel->hello_endpoint_url(), default_endpoint_url_)));
  }
  return response;
}

}  // namespace twinloop::opcua
