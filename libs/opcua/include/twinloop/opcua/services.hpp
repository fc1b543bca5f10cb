#pragma once
// Request and response structures of the services this library speaks (OPC 10000-4, chapter 5
// and 7), each with its fields in encoding order (`fields`) and, for messages and
// ExtensionObject bodies, the NodeId of its binary encoding in namespace 0.

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "twinloop/opcua/types.hpp"

namespace twinloop::opcua {

using Duration = double;  // milliseconds
using Counter = std::uint32_t;
using IntegerId = std::uint32_t;

namespace attribute {
inline constexpr std::uint32_t NodeId = 1;
inline constexpr std::uint32_t NodeClass = 2;
inline constexpr std::uint32_t BrowseName = 3;
inline constexpr std::uint32_t DisplayName = 4;
inline constexpr std::uint32_t Description = 5;
inline constexpr std::uint32_t WriteMask = 6;
inline constexpr std::uint32_t UserWriteMask = 7;
inline constexpr std::uint32_t IsAbstract = 8;
inline constexpr std::uint32_t Symmetric = 9;
inline constexpr std::uint32_t InverseName = 10;
inline constexpr std::uint32_t ContainsNoLoops = 11;
inline constexpr std::uint32_t EventNotifier = 12;
inline constexpr std::uint32_t Value = 13;
inline constexpr std::uint32_t DataType = 14;
inline constexpr std::uint32_t ValueRank = 15;
inline constexpr std::uint32_t ArrayDimensions = 16;
inline constexpr std::uint32_t AccessLevel = 17;
inline constexpr std::uint32_t UserAccessLevel = 18;
inline constexpr std::uint32_t MinimumSamplingInterval = 19;
inline constexpr std::uint32_t Historizing = 20;
inline constexpr std::uint32_t Executable = 21;
inline constexpr std::uint32_t UserExecutable = 22;
inline constexpr std::uint32_t DataTypeDefinition = 23;
inline constexpr std::uint32_t RolePermissions = 24;
inline constexpr std::uint32_t UserRolePermissions = 25;
inline constexpr std::uint32_t AccessRestrictions = 26;
inline constexpr std::uint32_t AccessLevelEx = 27;
}  // namespace attribute

namespace access_level {
inline constexpr std::uint8_t CurrentRead = 0x01;
inline constexpr std::uint8_t CurrentWrite = 0x02;
}  // namespace access_level

namespace value_rank {
inline constexpr std::int32_t ScalarOrOneDimension = -3;
inline constexpr std::int32_t Any = -2;
inline constexpr std::int32_t Scalar = -1;
inline constexpr std::int32_t OneOrMoreDimensions = 0;
inline constexpr std::int32_t OneDimension = 1;
}  // namespace value_rank

enum class NodeClass : std::int32_t {
  Unspecified = 0,
  Object = 1,
  Variable = 2,
  Method = 4,
  ObjectType = 8,
  VariableType = 16,
  ReferenceType = 32,
  DataType = 64,
  View = 128,
};
enum class MessageSecurityMode : std::int32_t {
  Invalid = 0,
  None = 1,
  Sign = 2,
  SignAndEncrypt = 3
};
enum class SecurityTokenRequestType : std::int32_t { Issue = 0, Renew = 1 };
enum class ApplicationType : std::int32_t {
  Server = 0,
  Client = 1,
  ClientAndServer = 2,
  DiscoveryServer = 3,
};
enum class UserTokenType : std::int32_t {
  Anonymous = 0,
  UserName = 1,
  Certificate = 2,
  IssuedToken = 3
};
enum class TimestampsToReturn : std::int32_t {
  Source = 0,
  Server = 1,
  Both = 2,
  Neither = 3,
  Invalid = 4,
};
enum class BrowseDirection : std::int32_t { Forward = 0, Inverse = 1, Both = 2, Invalid = 3 };
enum class MonitoringMode : std::int32_t { Disabled = 0, Sampling = 1, Reporting = 2 };
enum class DataChangeTrigger : std::int32_t {
  Status = 0,
  StatusValue = 1,
  StatusValueTimestamp = 2
};
enum class DeadbandType : std::uint32_t { None = 0, Absolute = 1, Percent = 2 };
enum class ServerState : std::int32_t {
  Running = 0,
  Failed = 1,
  NoConfiguration = 2,
  Suspended = 3,
  Shutdown = 4,
  Test = 5,
  CommunicationFault = 6,
  Unknown = 7,
};

// BrowseDescription.resultMask bits.
namespace browse_result {
inline constexpr std::uint32_t ReferenceTypeId = 0x01;
inline constexpr std::uint32_t IsForward = 0x02;
inline constexpr std::uint32_t NodeClass = 0x04;
inline constexpr std::uint32_t BrowseName = 0x08;
inline constexpr std::uint32_t DisplayName = 0x10;
inline constexpr std::uint32_t TypeDefinition = 0x20;
inline constexpr std::uint32_t All = 0x3F;
}  // namespace browse_result

inline constexpr std::string_view kSecurityPolicyNoneUri =
    "http://opcfoundation.org/UA/SecurityPolicy#None";
inline constexpr std::string_view kTransportProfileBinaryUri =
    "http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary";

// Common headers (7.33, 7.34).
struct RequestHeader {
  NodeId authentication_token;
  DateTime timestamp;
  IntegerId request_handle = 0;
  std::uint32_t return_diagnostics = 0;
  std::string audit_entry_id;
  std::uint32_t timeout_hint = 0;  // ms, 0 = none
  ExtensionObject additional_header;
  static auto fields(auto& s) {
    return std::tie(s.authentication_token, s.timestamp, s.request_handle, s.return_diagnostics,
                    s.audit_entry_id, s.timeout_hint, s.additional_header);
  }
};

struct ResponseHeader {
  DateTime timestamp;
  IntegerId request_handle = 0;
  StatusCode service_result;
  DiagnosticInfo service_diagnostics;
  std::vector<std::string> string_table;
  ExtensionObject additional_header;
  static auto fields(auto& s) {
    return std::tie(s.timestamp, s.request_handle, s.service_result, s.service_diagnostics,
                    s.string_table, s.additional_header);
  }
};

struct ServiceFault {
  static constexpr std::uint32_t binary_encoding_id = 397;
  ResponseHeader response_header;
  static auto fields(auto& s) { return std::tie(s.response_header); }
};

// Secure channel (5.5).
struct ChannelSecurityToken {
  std::uint32_t channel_id = 0;
  std::uint32_t token_id = 0;
  DateTime created_at;
  std::uint32_t revised_lifetime = 0;  // ms
  static auto fields(auto& s) {
    return std::tie(s.channel_id, s.token_id, s.created_at, s.revised_lifetime);
  }
};

struct OpenSecureChannelRequest {
  static constexpr std::uint32_t binary_encoding_id = 446;
  RequestHeader request_header;
  std::uint32_t client_protocol_version = 0;
  SecurityTokenRequestType request_type = SecurityTokenRequestType::Issue;
  MessageSecurityMode security_mode = MessageSecurityMode::None;
  ByteString client_nonce;
  std::uint32_t requested_lifetime = 0;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.client_protocol_version, s.request_type, s.security_mode,
                    s.client_nonce, s.requested_lifetime);
  }
};

struct OpenSecureChannelResponse {
  static constexpr std::uint32_t binary_encoding_id = 449;
  ResponseHeader response_header;
  std::uint32_t server_protocol_version = 0;
  ChannelSecurityToken security_token;
  ByteString server_nonce;
  static auto fields(auto& s) {
    return std::tie(s.response_header, s.server_protocol_version, s.security_token, s.server_nonce);
  }
};

struct CloseSecureChannelRequest {
  static constexpr std::uint32_t binary_encoding_id = 452;
  RequestHeader request_header;
  static auto fields(auto& s) { return std::tie(s.request_header); }
};

struct CloseSecureChannelResponse {
  static constexpr std::uint32_t binary_encoding_id = 455;
  ResponseHeader response_header;
  static auto fields(auto& s) { return std::tie(s.response_header); }
};

// Discovery (5.4).
struct ApplicationDescription {
  std::string application_uri;
  std::string product_uri;
  LocalizedText application_name;
  ApplicationType application_type = ApplicationType::Server;
  std::string gateway_server_uri;
  std::string discovery_profile_uri;
  std::vector<std::string> discovery_urls;
  static auto fields(auto& s) {
    return std::tie(s.application_uri, s.product_uri, s.application_name, s.application_type,
                    s.gateway_server_uri, s.discovery_profile_uri, s.discovery_urls);
  }
};

struct UserTokenPolicy {
  std::string policy_id;
  UserTokenType token_type = UserTokenType::Anonymous;
  std::string issued_token_type;
  std::string issuer_endpoint_url;
  std::string security_policy_uri;
  static auto fields(auto& s) {
    return std::tie(s.policy_id, s.token_type, s.issued_token_type, s.issuer_endpoint_url,
                    s.security_policy_uri);
  }
};

struct EndpointDescription {
  std::string endpoint_url;
  ApplicationDescription server;
  ByteString server_certificate;
  MessageSecurityMode security_mode = MessageSecurityMode::None;
  std::string security_policy_uri;
  std::vector<UserTokenPolicy> user_identity_tokens;
  std::string transport_profile_uri;
  std::uint8_t security_level = 0;
  static auto fields(auto& s) {
    return std::tie(s.endpoint_url, s.server, s.server_certificate, s.security_mode,
                    s.security_policy_uri, s.user_identity_tokens, s.transport_profile_uri,
                    s.security_level);
  }
};

struct GetEndpointsRequest {
  static constexpr std::uint32_t binary_encoding_id = 428;
  RequestHeader request_header;
  std::string endpoint_url;
  std::vector<std::string> locale_ids;
  std::vector<std::string> profile_uris;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.endpoint_url, s.locale_ids, s.profile_uris);
  }
};

struct GetEndpointsResponse {
  static constexpr std::uint32_t binary_encoding_id = 431;
  ResponseHeader response_header;
  std::vector<EndpointDescription> endpoints;
  static auto fields(auto& s) { return std::tie(s.response_header, s.endpoints); }
};

struct FindServersRequest {
  static constexpr std::uint32_t binary_encoding_id = 422;
  RequestHeader request_header;
  std::string endpoint_url;
  std::vector<std::string> locale_ids;
  std::vector<std::string> server_uris;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.endpoint_url, s.locale_ids, s.server_uris);
  }
};

struct FindServersResponse {
  static constexpr std::uint32_t binary_encoding_id = 425;
  ResponseHeader response_header;
  std::vector<ApplicationDescription> servers;
  static auto fields(auto& s) { return std::tie(s.response_header, s.servers); }
};

// Session (5.6).
struct SignedSoftwareCertificate {
  ByteString certificate_data;
  ByteString signature;
  static auto fields(auto& s) { return std::tie(s.certificate_data, s.signature); }
};

struct SignatureData {
  std::string algorithm;
  ByteString signature;
  static auto fields(auto& s) { return std::tie(s.algorithm, s.signature); }
};

struct CreateSessionRequest {
  static constexpr std::uint32_t binary_encoding_id = 461;
  RequestHeader request_header;
  ApplicationDescription client_description;
  std::string server_uri;
  std::string endpoint_url;
  std::string session_name;
  ByteString client_nonce;
  ByteString client_certificate;
  Duration requested_session_timeout = 0;
  std::uint32_t max_response_message_size = 0;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.client_description, s.server_uri, s.endpoint_url,
                    s.session_name, s.client_nonce, s.client_certificate,
                    s.requested_session_timeout, s.max_response_message_size);
  }
};

struct CreateSessionResponse {
  static constexpr std::uint32_t binary_encoding_id = 464;
  ResponseHeader response_header;
  NodeId session_id;
  NodeId authentication_token;
  Duration revised_session_timeout = 0;
  ByteString server_nonce;
  ByteString server_certificate;
  std::vector<EndpointDescription> server_endpoints;
  std::vector<SignedSoftwareCertificate> server_software_certificates;
  SignatureData server_signature;
  std::uint32_t max_request_message_size = 0;
  static auto fields(auto& s) {
    return std::tie(s.response_header, s.session_id, s.authentication_token,
                    s.revised_session_timeout, s.server_nonce, s.server_certificate,
                    s.server_endpoints, s.server_software_certificates, s.server_signature,
                    s.max_request_message_size);
  }
};

struct AnonymousIdentityToken {
  static constexpr std::uint32_t binary_encoding_id = 321;
  std::string policy_id;
  static auto fields(auto& s) { return std::tie(s.policy_id); }
};

struct UserNameIdentityToken {
  static constexpr std::uint32_t binary_encoding_id = 324;
  std::string policy_id;
  std::string user_name;
  ByteString password;
  std::string encryption_algorithm;
  static auto fields(auto& s) {
    return std::tie(s.policy_id, s.user_name, s.password, s.encryption_algorithm);
  }
};

struct ActivateSessionRequest {
  static constexpr std::uint32_t binary_encoding_id = 467;
  RequestHeader request_header;
  SignatureData client_signature;
  std::vector<SignedSoftwareCertificate> client_software_certificates;
  std::vector<std::string> locale_ids;
  ExtensionObject user_identity_token;
  SignatureData user_token_signature;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.client_signature, s.client_software_certificates,
                    s.locale_ids, s.user_identity_token, s.user_token_signature);
  }
};

struct ActivateSessionResponse {
  static constexpr std::uint32_t binary_encoding_id = 470;
  ResponseHeader response_header;
  ByteString server_nonce;
  std::vector<StatusCode> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) {
    return std::tie(s.response_header, s.server_nonce, s.results, s.diagnostic_infos);
  }
};

struct CloseSessionRequest {
  static constexpr std::uint32_t binary_encoding_id = 473;
  RequestHeader request_header;
  bool delete_subscriptions = true;
  static auto fields(auto& s) { return std::tie(s.request_header, s.delete_subscriptions); }
};

struct CloseSessionResponse {
  static constexpr std::uint32_t binary_encoding_id = 476;
  ResponseHeader response_header;
  static auto fields(auto& s) { return std::tie(s.response_header); }
};

// Attribute (5.10).
struct ReadValueId {
  NodeId node_id;
  std::uint32_t attribute_id = attribute::Value;
  std::string index_range;
  QualifiedName data_encoding;
  static auto fields(auto& s) {
    return std::tie(s.node_id, s.attribute_id, s.index_range, s.data_encoding);
  }
};

struct ReadRequest {
  static constexpr std::uint32_t binary_encoding_id = 631;
  RequestHeader request_header;
  Duration max_age = 0;
  TimestampsToReturn timestamps_to_return = TimestampsToReturn::Both;
  std::vector<ReadValueId> nodes_to_read;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.max_age, s.timestamps_to_return, s.nodes_to_read);
  }
};

struct ReadResponse {
  static constexpr std::uint32_t binary_encoding_id = 634;
  ResponseHeader response_header;
  std::vector<DataValue> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct WriteValue {
  NodeId node_id;
  std::uint32_t attribute_id = attribute::Value;
  std::string index_range;
  DataValue value;
  static auto fields(auto& s) {
    return std::tie(s.node_id, s.attribute_id, s.index_range, s.value);
  }
};

struct WriteRequest {
  static constexpr std::uint32_t binary_encoding_id = 673;
  RequestHeader request_header;
  std::vector<WriteValue> nodes_to_write;
  static auto fields(auto& s) { return std::tie(s.request_header, s.nodes_to_write); }
};

struct WriteResponse {
  static constexpr std::uint32_t binary_encoding_id = 676;
  ResponseHeader response_header;
  std::vector<StatusCode> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

// View (5.8).
struct ViewDescription {
  NodeId view_id;
  DateTime timestamp;
  std::uint32_t view_version = 0;
  static auto fields(auto& s) { return std::tie(s.view_id, s.timestamp, s.view_version); }
};

struct BrowseDescription {
  NodeId node_id;
  BrowseDirection browse_direction = BrowseDirection::Forward;
  NodeId reference_type_id;
  bool include_subtypes = true;
  std::uint32_t node_class_mask = 0;
  std::uint32_t result_mask = browse_result::All;
  static auto fields(auto& s) {
    return std::tie(s.node_id, s.browse_direction, s.reference_type_id, s.include_subtypes,
                    s.node_class_mask, s.result_mask);
  }
};

struct ReferenceDescription {
  NodeId reference_type_id;
  bool is_forward = true;
  ExpandedNodeId node_id;
  QualifiedName browse_name;
  LocalizedText display_name;
  NodeClass node_class = NodeClass::Unspecified;
  ExpandedNodeId type_definition;
  static auto fields(auto& s) {
    return std::tie(s.reference_type_id, s.is_forward, s.node_id, s.browse_name, s.display_name,
                    s.node_class, s.type_definition);
  }
};

struct BrowseResult {
  StatusCode status_code;
  ByteString continuation_point;
  std::vector<ReferenceDescription> references;
  static auto fields(auto& s) {
    return std::tie(s.status_code, s.continuation_point, s.references);
  }
};

struct BrowseRequest {
  static constexpr std::uint32_t binary_encoding_id = 527;
  RequestHeader request_header;
  ViewDescription view;
  std::uint32_t requested_max_references_per_node = 0;
  std::vector<BrowseDescription> nodes_to_browse;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.view, s.requested_max_references_per_node,
                    s.nodes_to_browse);
  }
};

struct BrowseResponse {
  static constexpr std::uint32_t binary_encoding_id = 530;
  ResponseHeader response_header;
  std::vector<BrowseResult> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct BrowseNextRequest {
  static constexpr std::uint32_t binary_encoding_id = 533;
  RequestHeader request_header;
  bool release_continuation_points = false;
  std::vector<ByteString> continuation_points;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.release_continuation_points, s.continuation_points);
  }
};

struct BrowseNextResponse {
  static constexpr std::uint32_t binary_encoding_id = 536;
  ResponseHeader response_header;
  std::vector<BrowseResult> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct RelativePathElement {
  NodeId reference_type_id;
  bool is_inverse = false;
  bool include_subtypes = true;
  QualifiedName target_name;
  static auto fields(auto& s) {
    return std::tie(s.reference_type_id, s.is_inverse, s.include_subtypes, s.target_name);
  }
};

struct RelativePath {
  std::vector<RelativePathElement> elements;
  static auto fields(auto& s) { return std::tie(s.elements); }
};

struct BrowsePath {
  NodeId starting_node;
  RelativePath relative_path;
  static auto fields(auto& s) { return std::tie(s.starting_node, s.relative_path); }
};

struct BrowsePathTarget {
  ExpandedNodeId target_id;
  std::uint32_t remaining_path_index = 0xFFFFFFFFu;
  static auto fields(auto& s) { return std::tie(s.target_id, s.remaining_path_index); }
};

struct BrowsePathResult {
  StatusCode status_code;
  std::vector<BrowsePathTarget> targets;
  static auto fields(auto& s) { return std::tie(s.status_code, s.targets); }
};

struct TranslateBrowsePathsToNodeIdsRequest {
  static constexpr std::uint32_t binary_encoding_id = 554;
  RequestHeader request_header;
  std::vector<BrowsePath> browse_paths;
  static auto fields(auto& s) { return std::tie(s.request_header, s.browse_paths); }
};

struct TranslateBrowsePathsToNodeIdsResponse {
  static constexpr std::uint32_t binary_encoding_id = 557;
  ResponseHeader response_header;
  std::vector<BrowsePathResult> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct RegisterNodesRequest {
  static constexpr std::uint32_t binary_encoding_id = 560;
  RequestHeader request_header;
  std::vector<NodeId> nodes_to_register;
  static auto fields(auto& s) { return std::tie(s.request_header, s.nodes_to_register); }
};

struct RegisterNodesResponse {
  static constexpr std::uint32_t binary_encoding_id = 563;
  ResponseHeader response_header;
  std::vector<NodeId> registered_node_ids;
  static auto fields(auto& s) { return std::tie(s.response_header, s.registered_node_ids); }
};

struct UnregisterNodesRequest {
  static constexpr std::uint32_t binary_encoding_id = 566;
  RequestHeader request_header;
  std::vector<NodeId> nodes_to_unregister;
  static auto fields(auto& s) { return std::tie(s.request_header, s.nodes_to_unregister); }
};

struct UnregisterNodesResponse {
  static constexpr std::uint32_t binary_encoding_id = 569;
  ResponseHeader response_header;
  static auto fields(auto& s) { return std::tie(s.response_header); }
};

// Subscription (5.13) and MonitoredItem (5.12).
struct CreateSubscriptionRequest {
  static constexpr std::uint32_t binary_encoding_id = 787;
  RequestHeader request_header;
  Duration requested_publishing_interval = 1000;
  Counter requested_lifetime_count = 60;
  Counter requested_max_keep_alive_count = 10;
  Counter max_notifications_per_publish = 0;
  bool publishing_enabled = true;
  std::uint8_t priority = 0;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.requested_publishing_interval, s.requested_lifetime_count,
                    s.requested_max_keep_alive_count, s.max_notifications_per_publish,
                    s.publishing_enabled, s.priority);
  }
};

struct CreateSubscriptionResponse {
  static constexpr std::uint32_t binary_encoding_id = 790;
  ResponseHeader response_header;
  IntegerId subscription_id = 0;
  Duration revised_publishing_interval = 0;
  Counter revised_lifetime_count = 0;
  Counter revised_max_keep_alive_count = 0;
  static auto fields(auto& s) {
    return std::tie(s.response_header, s.subscription_id, s.revised_publishing_interval,
                    s.revised_lifetime_count, s.revised_max_keep_alive_count);
  }
};

struct ModifySubscriptionRequest {
  static constexpr std::uint32_t binary_encoding_id = 793;
  RequestHeader request_header;
  IntegerId subscription_id = 0;
  Duration requested_publishing_interval = 1000;
  Counter requested_lifetime_count = 60;
  Counter requested_max_keep_alive_count = 10;
  Counter max_notifications_per_publish = 0;
  std::uint8_t priority = 0;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.subscription_id, s.requested_publishing_interval,
                    s.requested_lifetime_count, s.requested_max_keep_alive_count,
                    s.max_notifications_per_publish, s.priority);
  }
};

struct ModifySubscriptionResponse {
  static constexpr std::uint32_t binary_encoding_id = 796;
  ResponseHeader response_header;
  Duration revised_publishing_interval = 0;
  Counter revised_lifetime_count = 0;
  Counter revised_max_keep_alive_count = 0;
  static auto fields(auto& s) {
    return std::tie(s.response_header, s.revised_publishing_interval, s.revised_lifetime_count,
                    s.revised_max_keep_alive_count);
  }
};

struct SetPublishingModeRequest {
  static constexpr std::uint32_t binary_encoding_id = 799;
  RequestHeader request_header;
  bool publishing_enabled = true;
  std::vector<IntegerId> subscription_ids;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.publishing_enabled, s.subscription_ids);
  }
};

struct SetPublishingModeResponse {
  static constexpr std::uint32_t binary_encoding_id = 802;
  ResponseHeader response_header;
  std::vector<StatusCode> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct DeleteSubscriptionsRequest {
  static constexpr std::uint32_t binary_encoding_id = 847;
  RequestHeader request_header;
  std::vector<IntegerId> subscription_ids;
  static auto fields(auto& s) { return std::tie(s.request_header, s.subscription_ids); }
};

struct DeleteSubscriptionsResponse {
  static constexpr std::uint32_t binary_encoding_id = 850;
  ResponseHeader response_header;
  std::vector<StatusCode> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct DataChangeFilter {
  static constexpr std::uint32_t binary_encoding_id = 724;
  DataChangeTrigger trigger = DataChangeTrigger::StatusValue;
  DeadbandType deadband_type = DeadbandType::None;
  double deadband_value = 0;
  static auto fields(auto& s) { return std::tie(s.trigger, s.deadband_type, s.deadband_value); }
};

struct MonitoringParameters {
  IntegerId client_handle = 0;
  Duration sampling_interval = -1;  // -1: the subscription's publishing interval
  ExtensionObject filter;
  Counter queue_size = 1;
  bool discard_oldest = true;
  static auto fields(auto& s) {
    return std::tie(s.client_handle, s.sampling_interval, s.filter, s.queue_size, s.discard_oldest);
  }
};

struct MonitoredItemCreateRequest {
  ReadValueId item_to_monitor;
  MonitoringMode monitoring_mode = MonitoringMode::Reporting;
  MonitoringParameters requested_parameters;
  static auto fields(auto& s) {
    return std::tie(s.item_to_monitor, s.monitoring_mode, s.requested_parameters);
  }
};

struct MonitoredItemCreateResult {
  StatusCode status_code;
  IntegerId monitored_item_id = 0;
  Duration revised_sampling_interval = 0;
  Counter revised_queue_size = 0;
  ExtensionObject filter_result;
  static auto fields(auto& s) {
    return std::tie(s.status_code, s.monitored_item_id, s.revised_sampling_interval,
                    s.revised_queue_size, s.filter_result);
  }
};

struct CreateMonitoredItemsRequest {
  static constexpr std::uint32_t binary_encoding_id = 751;
  RequestHeader request_header;
  IntegerId subscription_id = 0;
  TimestampsToReturn timestamps_to_return = TimestampsToReturn::Both;
  std::vector<MonitoredItemCreateRequest> items_to_create;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.subscription_id, s.timestamps_to_return, s.items_to_create);
  }
};

struct CreateMonitoredItemsResponse {
  static constexpr std::uint32_t binary_encoding_id = 754;
  ResponseHeader response_header;
  std::vector<MonitoredItemCreateResult> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct MonitoredItemModifyRequest {
  IntegerId monitored_item_id = 0;
  MonitoringParameters requested_parameters;
  static auto fields(auto& s) { return std::tie(s.monitored_item_id, s.requested_parameters); }
};

struct MonitoredItemModifyResult {
  StatusCode status_code;
  Duration revised_sampling_interval = 0;
  Counter revised_queue_size = 0;
  ExtensionObject filter_result;
  static auto fields(auto& s) {
    return std::tie(s.status_code, s.revised_sampling_interval, s.revised_queue_size,
                    s.filter_result);
  }
};

struct ModifyMonitoredItemsRequest {
  static constexpr std::uint32_t binary_encoding_id = 763;
  RequestHeader request_header;
  IntegerId subscription_id = 0;
  TimestampsToReturn timestamps_to_return = TimestampsToReturn::Both;
  std::vector<MonitoredItemModifyRequest> items_to_modify;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.subscription_id, s.timestamps_to_return, s.items_to_modify);
  }
};

struct ModifyMonitoredItemsResponse {
  static constexpr std::uint32_t binary_encoding_id = 766;
  ResponseHeader response_header;
  std::vector<MonitoredItemModifyResult> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct SetMonitoringModeRequest {
  static constexpr std::uint32_t binary_encoding_id = 769;
  RequestHeader request_header;
  IntegerId subscription_id = 0;
  MonitoringMode monitoring_mode = MonitoringMode::Reporting;
  std::vector<IntegerId> monitored_item_ids;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.subscription_id, s.monitoring_mode, s.monitored_item_ids);
  }
};

struct SetMonitoringModeResponse {
  static constexpr std::uint32_t binary_encoding_id = 772;
  ResponseHeader response_header;
  std::vector<StatusCode> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct DeleteMonitoredItemsRequest {
  static constexpr std::uint32_t binary_encoding_id = 781;
  RequestHeader request_header;
  IntegerId subscription_id = 0;
  std::vector<IntegerId> monitored_item_ids;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.subscription_id, s.monitored_item_ids);
  }
};

struct DeleteMonitoredItemsResponse {
  static constexpr std::uint32_t binary_encoding_id = 784;
  ResponseHeader response_header;
  std::vector<StatusCode> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.response_header, s.results, s.diagnostic_infos); }
};

struct MonitoredItemNotification {
  IntegerId client_handle = 0;
  DataValue value;
  static auto fields(auto& s) { return std::tie(s.client_handle, s.value); }
};

struct DataChangeNotification {
  static constexpr std::uint32_t binary_encoding_id = 811;
  std::vector<MonitoredItemNotification> monitored_items;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) { return std::tie(s.monitored_items, s.diagnostic_infos); }
};

struct StatusChangeNotification {
  static constexpr std::uint32_t binary_encoding_id = 820;
  StatusCode status;
  DiagnosticInfo diagnostic_info;
  static auto fields(auto& s) { return std::tie(s.status, s.diagnostic_info); }
};

struct NotificationMessage {
  Counter sequence_number = 0;
  DateTime publish_time;
  std::vector<ExtensionObject> notification_data;
  static auto fields(auto& s) {
    return std::tie(s.sequence_number, s.publish_time, s.notification_data);
  }
};

struct SubscriptionAcknowledgement {
  IntegerId subscription_id = 0;
  Counter sequence_number = 0;
  static auto fields(auto& s) { return std::tie(s.subscription_id, s.sequence_number); }
};

struct PublishRequest {
  static constexpr std::uint32_t binary_encoding_id = 826;
  RequestHeader request_header;
  std::vector<SubscriptionAcknowledgement> subscription_acknowledgements;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.subscription_acknowledgements);
  }
};

struct PublishResponse {
  static constexpr std::uint32_t binary_encoding_id = 829;
  ResponseHeader response_header;
  IntegerId subscription_id = 0;
  std::vector<Counter> available_sequence_numbers;
  bool more_notifications = false;
  NotificationMessage notification_message;
  std::vector<StatusCode> results;
  std::vector<DiagnosticInfo> diagnostic_infos;
  static auto fields(auto& s) {
    return std::tie(s.response_header, s.subscription_id, s.available_sequence_numbers,
                    s.more_notifications, s.notification_message, s.results, s.diagnostic_infos);
  }
};

struct RepublishRequest {
  static constexpr std::uint32_t binary_encoding_id = 832;
  RequestHeader request_header;
  IntegerId subscription_id = 0;
  Counter retransmit_sequence_number = 0;
  static auto fields(auto& s) {
    return std::tie(s.request_header, s.subscription_id, s.retransmit_sequence_number);
  }
};

struct RepublishResponse {
  static constexpr std::uint32_t binary_encoding_id = 835;
  ResponseHeader response_header;
  NotificationMessage notification_message;
  static auto fields(auto& s) { return std::tie(s.response_header, s.notification_message); }
};

// The value of Server.ServerStatus (i=2256) (OPC 10000-5, 12.10).
struct BuildInfo {
  static constexpr std::uint32_t binary_encoding_id = 340;
  std::string product_uri;
  std::string manufacturer_name;
  std::string product_name;
  std::string software_version;
  std::string build_number;
  DateTime build_date;
  static auto fields(auto& s) {
    return std::tie(s.product_uri, s.manufacturer_name, s.product_name, s.software_version,
                    s.build_number, s.build_date);
  }
};

struct ServerStatusDataType {
  static constexpr std::uint32_t binary_encoding_id = 864;
  DateTime start_time;
  DateTime current_time;
  ServerState state = ServerState::Running;
  BuildInfo build_info;
  std::uint32_t seconds_till_shutdown = 0;
  LocalizedText shutdown_reason;
  static auto fields(auto& s) {
    return std::tie(s.start_time, s.current_time, s.state, s.build_info, s.seconds_till_shutdown,
                    s.shutdown_reason);
  }
};

}  // namespace twinloop::opcua
