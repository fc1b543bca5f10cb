#pragma once
// OPC UA status codes (OPC 10000-4, 7.39; values from the specification's StatusCode table) and
// the one exception type of the library.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

// The named codes, once: X(name, value).
#define TWINLOOP_OPCUA_STATUS_CODES(X)             \
  X(Good, 0x00000000)                              \
  X(Uncertain, 0x40000000)                         \
  X(Bad, 0x80000000)                               \
  X(BadUnexpectedError, 0x80010000)                \
  X(BadInternalError, 0x80020000)                  \
  X(BadOutOfMemory, 0x80030000)                    \
  X(BadResourceUnavailable, 0x80040000)            \
  X(BadCommunicationError, 0x80050000)             \
  X(BadEncodingError, 0x80060000)                  \
  X(BadDecodingError, 0x80070000)                  \
  X(BadEncodingLimitsExceeded, 0x80080000)         \
  X(BadUnknownResponse, 0x80090000)                \
  X(BadTimeout, 0x800A0000)                        \
  X(BadServiceUnsupported, 0x800B0000)             \
  X(BadShutdown, 0x800C0000)                       \
  X(BadServerNotConnected, 0x800D0000)             \
  X(BadServerHalted, 0x800E0000)                   \
  X(BadNothingToDo, 0x800F0000)                    \
  X(BadTooManyOperations, 0x80100000)              \
  X(BadDataTypeIdUnknown, 0x80110000)              \
  X(BadSecurityChecksFailed, 0x80130000)           \
  X(BadUserAccessDenied, 0x801F0000)               \
  X(BadIdentityTokenInvalid, 0x80200000)           \
  X(BadIdentityTokenRejected, 0x80210000)          \
  X(BadSecureChannelIdInvalid, 0x80220000)         \
  X(BadInvalidTimestamp, 0x80230000)               \
  X(BadNonceInvalid, 0x80240000)                   \
  X(BadSessionIdInvalid, 0x80250000)               \
  X(BadSessionClosed, 0x80260000)                  \
  X(BadSessionNotActivated, 0x80270000)            \
  X(BadSubscriptionIdInvalid, 0x80280000)          \
  X(BadRequestHeaderInvalid, 0x802A0000)           \
  X(BadTimestampsToReturnInvalid, 0x802B0000)      \
  X(BadRequestCancelledByClient, 0x802C0000)       \
  X(BadNoCommunication, 0x80310000)                \
  X(BadWaitingForInitialData, 0x80320000)          \
  X(BadNodeIdInvalid, 0x80330000)                  \
  X(BadNodeIdUnknown, 0x80340000)                  \
  X(BadAttributeIdInvalid, 0x80350000)             \
  X(BadIndexRangeInvalid, 0x80360000)              \
  X(BadIndexRangeNoData, 0x80370000)               \
  X(BadDataEncodingInvalid, 0x80380000)            \
  X(BadDataEncodingUnsupported, 0x80390000)        \
  X(BadNotReadable, 0x803A0000)                    \
  X(BadNotWritable, 0x803B0000)                    \
  X(BadOutOfRange, 0x803C0000)                     \
  X(BadNotSupported, 0x803D0000)                   \
  X(BadNotFound, 0x803E0000)                       \
  X(BadNotImplemented, 0x80400000)                 \
  X(BadMonitoringModeInvalid, 0x80410000)          \
  X(BadMonitoredItemIdInvalid, 0x80420000)         \
  X(BadMonitoredItemFilterInvalid, 0x80430000)     \
  X(BadMonitoredItemFilterUnsupported, 0x80440000) \
  X(BadFilterNotAllowed, 0x80450000)               \
  X(BadContinuationPointInvalid, 0x804A0000)       \
  X(BadNoContinuationPoints, 0x804B0000)           \
  X(BadReferenceTypeIdInvalid, 0x804C0000)         \
  X(BadBrowseDirectionInvalid, 0x804D0000)         \
  X(BadNodeNotInView, 0x804E0000)                  \
  X(BadRequestTypeInvalid, 0x80530000)             \
  X(BadSecurityModeRejected, 0x80540000)           \
  X(BadSecurityPolicyRejected, 0x80550000)         \
  X(BadTooManySessions, 0x80560000)                \
  X(BadUserSignatureInvalid, 0x80570000)           \
  X(BadParentNodeIdInvalid, 0x805B0000)            \
  X(BadNodeIdExists, 0x805E0000)                   \
  X(BadNodeClassInvalid, 0x805F0000)               \
  X(BadBrowseNameInvalid, 0x80600000)              \
  X(BadViewIdUnknown, 0x806B0000)                  \
  X(BadNoMatch, 0x806F0000)                        \
  X(BadMaxAgeInvalid, 0x80700000)                  \
  X(BadWriteNotSupported, 0x80730000)              \
  X(BadTypeMismatch, 0x80740000)                   \
  X(BadTooManySubscriptions, 0x80770000)           \
  X(BadTooManyPublishRequests, 0x80780000)         \
  X(BadNoSubscription, 0x80790000)                 \
  X(BadSequenceNumberUnknown, 0x807A0000)          \
  X(BadMessageNotAvailable, 0x807B0000)            \
  X(BadTcpServerTooBusy, 0x807D0000)               \
  X(BadTcpMessageTypeInvalid, 0x807E0000)          \
  X(BadTcpSecureChannelUnknown, 0x807F0000)        \
  X(BadTcpMessageTooLarge, 0x80800000)             \
  X(BadTcpNotEnoughResources, 0x80810000)          \
  X(BadTcpInternalError, 0x80820000)               \
  X(BadTcpEndpointUrlInvalid, 0x80830000)          \
  X(BadRequestInterrupted, 0x80840000)             \
  X(BadRequestTimeout, 0x80850000)                 \
  X(BadSecureChannelClosed, 0x80860000)            \
  X(BadSecureChannelTokenUnknown, 0x80870000)      \
  X(BadSequenceNumberInvalid, 0x80880000)          \
  X(BadConfigurationError, 0x80890000)             \
  X(BadNotConnected, 0x808A0000)                   \
  X(BadDeadbandFilterInvalid, 0x808E0000)          \
  X(BadNoData, 0x809B0000)                         \
  X(BadInvalidArgument, 0x80AB0000)                \
  X(BadConnectionRejected, 0x80AC0000)             \
  X(BadDisconnect, 0x80AD0000)                     \
  X(BadConnectionClosed, 0x80AE0000)               \
  X(BadInvalidState, 0x80AF0000)                   \
  X(BadMaxConnectionsReached, 0x80B70000)          \
  X(BadRequestTooLarge, 0x80B80000)                \
  X(BadResponseTooLarge, 0x80B90000)               \
  X(BadProtocolVersionUnsupported, 0x80BE0000)     \
  X(BadIdentityChangeNotSupported, 0x80C60000)     \
  X(BadTooManyMonitoredItems, 0x80DB0000)          \
  X(BadIndexRangeDataMismatch, 0x80EA0000)         \
  X(GoodOverload, 0x002F0000)                      \
  X(GoodClamped, 0x00300000)

namespace twinloop::opcua {

struct StatusCode {
  std::uint32_t value = 0;

  constexpr StatusCode() = default;
  constexpr StatusCode(std::uint32_t code) : value(code) {}  // NOLINT: codes read like numbers

  // The severity is the top two bits: 00 good, 01 uncertain, 10 bad.
  constexpr bool is_good() const { return (value & 0xC0000000u) == 0; }
  constexpr bool is_uncertain() const { return (value & 0xC0000000u) == 0x40000000u; }
  constexpr bool is_bad() const { return (value & 0x80000000u) != 0; }
  // The code without the info bits (low 16 bits carry flags such as overflow).
  constexpr std::uint32_t code() const { return value & 0xFFFF0000u; }
  constexpr bool operator==(const StatusCode&) const = default;

  // "BadNodeIdUnknown", or "0x80340000" for a code this library does not name.
  std::string name() const;
};

namespace status {
#define TWINLOOP_OPCUA_DECLARE_STATUS(name, code) inline constexpr StatusCode name{code};
TWINLOOP_OPCUA_STATUS_CODES(TWINLOOP_OPCUA_DECLARE_STATUS)
#undef TWINLOOP_OPCUA_DECLARE_STATUS
}  // namespace status

// Every failure of the library: a status code and a sentence for people.
class Error : public std::runtime_error {
 public:
  Error(StatusCode status, const std::string& detail);
  StatusCode status() const { return status_; }

 private:
  StatusCode status_;
};

}  // namespace twinloop::opcua
