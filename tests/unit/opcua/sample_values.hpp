#pragma once
// Sample values for every service structure: each field differs from its default, so a field
// lost or swapped in a descriptor shows up in a round trip. Shared by the codec tests and the
// fuzz seed corpus.

#include <tuple>
#include <type_traits>
#include <vector>

#include "twinloop/opcua/binary.hpp"
#include "twinloop/opcua/services.hpp"

namespace twinloop::opcua::samples {

inline void fill(bool& value) {
  value = true;
}
inline void fill(std::string& value) {
  value = "text";
}
inline void fill(ByteString& value) {
  value = ByteString({9, 8, 7});
}
inline void fill(DateTime& value) {
  value = DateTime{132'000'000'000'000'000};
}
inline void fill(NodeId& value) {
  value = NodeId(1, "node");
}
inline void fill(ExpandedNodeId& value) {
  value.node_id = NodeId(2, 99u);
}
inline void fill(StatusCode& value) {
  value = status::BadNodeIdUnknown;
}
inline void fill(QualifiedName& value) {
  value = QualifiedName(1, "name");
}
inline void fill(LocalizedText& value) {
  value = LocalizedText("en", "text");
}
inline void fill(ExtensionObject& value) {
  value = to_extension_object(AnonymousIdentityToken{"x"});
}
inline void fill(DataValue& value) {
  value = DataValue(Variant(std::vector<double>{1, 2}));
  value.source_timestamp = DateTime{7};
}
inline void fill(DiagnosticInfo& value) {
  value.additional_info = "info";
}
template <class T>
requires std::is_arithmetic_v<T>
inline void fill(T& value) {
  value = static_cast<T>(7);
}
template <Enumeration E>
inline void fill(E& value) {
  value = static_cast<E>(1);
}
template <class T>
inline void fill(std::vector<T>& values);
template <Structure T>
inline void fill(T& value) {
  std::apply([](auto&... field) { (fill(field), ...); }, T::fields(value));
}
template <class T>
inline void fill(std::vector<T>& values) {
  values.resize(2);
  for (auto& value : values)
    fill(value);
}

// Every service structure of services.hpp, as the arguments of List.
template <template <class...> class List>
using AllServiceStructures =
    List<RequestHeader, ResponseHeader, ServiceFault, OpenSecureChannelRequest,
         OpenSecureChannelResponse, CloseSecureChannelRequest, CloseSecureChannelResponse,
         GetEndpointsRequest, GetEndpointsResponse, FindServersRequest, FindServersResponse,
         CreateSessionRequest, CreateSessionResponse, AnonymousIdentityToken, UserNameIdentityToken,
         ActivateSessionRequest, ActivateSessionResponse, CloseSessionRequest, CloseSessionResponse,
         ReadRequest, ReadResponse, WriteRequest, WriteResponse, BrowseRequest, BrowseResponse,
         BrowseNextRequest, BrowseNextResponse, TranslateBrowsePathsToNodeIdsRequest,
         TranslateBrowsePathsToNodeIdsResponse, RegisterNodesRequest, RegisterNodesResponse,
         UnregisterNodesRequest, UnregisterNodesResponse, CreateSubscriptionRequest,
         CreateSubscriptionResponse, ModifySubscriptionRequest, ModifySubscriptionResponse,
         SetPublishingModeRequest, SetPublishingModeResponse, DeleteSubscriptionsRequest,
         DeleteSubscriptionsResponse, DataChangeFilter, CreateMonitoredItemsRequest,
         CreateMonitoredItemsResponse, ModifyMonitoredItemsRequest, ModifyMonitoredItemsResponse,
         SetMonitoringModeRequest, SetMonitoringModeResponse, DeleteMonitoredItemsRequest,
         DeleteMonitoredItemsResponse, DataChangeNotification, StatusChangeNotification,
         PublishRequest, PublishResponse, RepublishRequest, RepublishResponse,
         ServerStatusDataType>;

}  // namespace twinloop::opcua::samples
