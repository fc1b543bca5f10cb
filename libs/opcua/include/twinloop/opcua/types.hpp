#pragma once
// The 25 built-in types of OPC UA (OPC 10000-6, 5.1.2) as value types.
//
// Strings and ByteStrings: the binary encoding distinguishes null (length -1) from empty
// (length 0); this library writes empty ones as null and reads both as empty.

#include <array>
#include <compare>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "twinloop/opcua/status.hpp"

namespace twinloop::opcua {

enum class BuiltinType : std::uint8_t {
  Null = 0,
  Boolean = 1,
  SByte = 2,
  Byte = 3,
  Int16 = 4,
  UInt16 = 5,
  Int32 = 6,
  UInt32 = 7,
  Int64 = 8,
  UInt64 = 9,
  Float = 10,
  Double = 11,
  String = 12,
  DateTime = 13,
  Guid = 14,
  ByteString = 15,
  XmlElement = 16,
  NodeId = 17,
  ExpandedNodeId = 18,
  StatusCode = 19,
  QualifiedName = 20,
  LocalizedText = 21,
  ExtensionObject = 22,
  DataValue = 23,
  Variant = 24,
  DiagnosticInfo = 25,
};
std::string_view builtin_type_name(BuiltinType type);

// A value-semantic owning pointer: lets recursive types (a Variant holding a DataValue holding
// a Variant) be members without making every Variant large.
template <class T>
class Box {
 public:
  Box() = default;
  explicit Box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}
  Box(const Box& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  explicit operator bool() const { return ptr_ != nullptr; }
  const T& operator*() const { return *ptr_; }
  T& operator*() { return *ptr_; }
  const T* operator->() const { return ptr_.get(); }
  T* operator->() { return ptr_.get(); }
  const T* get() const { return ptr_.get(); }
  bool operator==(const Box& other) const {
    if (!ptr_ || !other.ptr_) return ptr_ == other.ptr_;
    return *ptr_ == *other.ptr_;
  }

 private:
  std::unique_ptr<T> ptr_;
};

struct Guid {
  std::uint32_t data1 = 0;
  std::uint16_t data2 = 0;
  std::uint16_t data3 = 0;
  std::array<std::uint8_t, 8> data4{};

  // "72962B91-FA75-4AE6-8D28-B404DC7DAF63" (either case); nullopt when malformed.
  static std::optional<Guid> parse(std::string_view text);
  std::string to_string() const;
  auto operator<=>(const Guid&) const = default;
};

struct ByteString {
  std::vector<std::uint8_t> data;

  ByteString() = default;
  explicit ByteString(std::vector<std::uint8_t> bytes) : data(std::move(bytes)) {}
  static ByteString from_text(std::string_view text) {
    return ByteString({text.begin(), text.end()});
  }
  bool empty() const { return data.empty(); }
  std::size_t size() const { return data.size(); }
  std::string_view as_text() const {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
  }
  auto operator<=>(const ByteString&) const = default;
};

struct XmlElement {
  std::string text;
  auto operator<=>(const XmlElement&) const = default;
};

// 100-nanosecond ticks since 1601-01-01 UTC; 0 is "no time".
struct DateTime {
  std::int64_t ticks = 0;

  static constexpr std::int64_t kTicksPerSecond = 10'000'000;
  static constexpr std::int64_t kUnixEpochTicks = 116'444'736'000'000'000;
  static DateTime now();
  static constexpr DateTime from_unix_nanoseconds(std::int64_t ns) {
    return DateTime{kUnixEpochTicks + ns / 100};
  }
  // Saturates outside the years 1678..2262 that nanoseconds in an Int64 can hold.
  constexpr std::int64_t unix_nanoseconds() const {
    constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 100;
    if (ticks < kUnixEpochTicks - kLimit) return -kLimit * 100;
    if (ticks - kUnixEpochTicks > kLimit) return kLimit * 100;
    return (ticks - kUnixEpochTicks) * 100;
  }
  std::string to_iso8601() const;
  auto operator<=>(const DateTime&) const = default;
};

struct NodeId {
  enum class Kind : std::uint8_t { Numeric, String, Guid, Opaque };

  std::uint16_t namespace_index = 0;
  std::variant<std::uint32_t, std::string, Guid, ByteString> identifier{std::uint32_t{0}};

  NodeId() = default;
  NodeId(std::uint16_t ns, std::uint32_t id) : namespace_index(ns), identifier(id) {}
  NodeId(std::uint16_t ns, std::string id) : namespace_index(ns), identifier(std::move(id)) {}
  NodeId(std::uint16_t ns, const char* id) : namespace_index(ns), identifier(std::string(id)) {}
  NodeId(std::uint16_t ns, Guid id) : namespace_index(ns), identifier(id) {}
  NodeId(std::uint16_t ns, ByteString id) : namespace_index(ns), identifier(std::move(id)) {}
  // A node of namespace 0 by number: NodeId(2255).
  explicit NodeId(std::uint32_t id) : identifier(id) {}

  Kind kind() const { return static_cast<Kind>(identifier.index()); }
  bool is_null() const;
  const std::uint32_t* numeric() const { return std::get_if<std::uint32_t>(&identifier); }
  const std::string* string() const { return std::get_if<std::string>(&identifier); }

  // The XML/text form of OPC 10000-6, 5.3.1.10: "i=85", "ns=1;s=Line.Motor.speed",
  // "ns=2;g=...", "ns=3;b=<base64>". nullopt when malformed.
  static std::optional<NodeId> parse(std::string_view text);
  std::string to_string() const;
  bool operator==(const NodeId&) const = default;
  std::strong_ordering operator<=>(const NodeId& other) const;
};

struct NodeIdHash {
  std::size_t operator()(const NodeId& id) const noexcept;
};

struct ExpandedNodeId {
  NodeId node_id;
  std::string namespace_uri;
  std::uint32_t server_index = 0;

  ExpandedNodeId() = default;
  ExpandedNodeId(NodeId id) : node_id(std::move(id)) {}  // NOLINT: every NodeId is one
  bool is_local() const { return namespace_uri.empty() && server_index == 0; }
  std::string to_string() const;
  bool operator==(const ExpandedNodeId&) const = default;
};

struct QualifiedName {
  std::uint16_t namespace_index = 0;
  std::string name;

  QualifiedName() = default;
  QualifiedName(std::uint16_t ns, std::string text) : namespace_index(ns), name(std::move(text)) {}
  bool operator==(const QualifiedName&) const = default;
};

struct LocalizedText {
  std::string locale;
  std::string text;

  LocalizedText() = default;
  LocalizedText(std::string locale_id, std::string content)
      : locale(std::move(locale_id)), text(std::move(content)) {}
  bool operator==(const LocalizedText&) const = default;
};

struct ExtensionObject {
  enum class Encoding : std::uint8_t { None = 0, Binary = 1, Xml = 2 };

  NodeId type_id;  // the NodeId of the body's encoding, e.g. 324 UserNameIdentityToken binary
  Encoding encoding = Encoding::None;
  std::vector<std::uint8_t> body;

  bool empty() const { return encoding == Encoding::None; }
  bool operator==(const ExtensionObject&) const = default;
};

struct DataValue;
struct DiagnosticInfo;
class Variant;

template <class T>
struct BuiltinTypeOf;  // BuiltinTypeOf<double>::value == BuiltinType::Double
#define TWINLOOP_OPCUA_MAP_TYPE(cpp, id) \
  template <>                            \
  struct BuiltinTypeOf<cpp> : std::integral_constant<BuiltinType, BuiltinType::id> {};
TWINLOOP_OPCUA_MAP_TYPE(bool, Boolean)
TWINLOOP_OPCUA_MAP_TYPE(std::int8_t, SByte)
TWINLOOP_OPCUA_MAP_TYPE(std::uint8_t, Byte)
TWINLOOP_OPCUA_MAP_TYPE(std::int16_t, Int16)
TWINLOOP_OPCUA_MAP_TYPE(std::uint16_t, UInt16)
TWINLOOP_OPCUA_MAP_TYPE(std::int32_t, Int32)
TWINLOOP_OPCUA_MAP_TYPE(std::uint32_t, UInt32)
TWINLOOP_OPCUA_MAP_TYPE(std::int64_t, Int64)
TWINLOOP_OPCUA_MAP_TYPE(std::uint64_t, UInt64)
TWINLOOP_OPCUA_MAP_TYPE(float, Float)
TWINLOOP_OPCUA_MAP_TYPE(double, Double)
TWINLOOP_OPCUA_MAP_TYPE(std::string, String)
TWINLOOP_OPCUA_MAP_TYPE(DateTime, DateTime)
TWINLOOP_OPCUA_MAP_TYPE(Guid, Guid)
TWINLOOP_OPCUA_MAP_TYPE(ByteString, ByteString)
TWINLOOP_OPCUA_MAP_TYPE(XmlElement, XmlElement)
TWINLOOP_OPCUA_MAP_TYPE(NodeId, NodeId)
TWINLOOP_OPCUA_MAP_TYPE(ExpandedNodeId, ExpandedNodeId)
TWINLOOP_OPCUA_MAP_TYPE(StatusCode, StatusCode)
TWINLOOP_OPCUA_MAP_TYPE(QualifiedName, QualifiedName)
TWINLOOP_OPCUA_MAP_TYPE(LocalizedText, LocalizedText)
TWINLOOP_OPCUA_MAP_TYPE(ExtensionObject, ExtensionObject)
TWINLOOP_OPCUA_MAP_TYPE(DataValue, DataValue)
TWINLOOP_OPCUA_MAP_TYPE(Variant, Variant)
TWINLOOP_OPCUA_MAP_TYPE(DiagnosticInfo, DiagnosticInfo)
#undef TWINLOOP_OPCUA_MAP_TYPE

template <class T>
concept BuiltinScalar = requires {
  BuiltinTypeOf<T>::value;
};

// A scalar, a one-dimensional array, or a multi-dimensional array (the elements in row-major
// order plus `dimensions`) of one built-in type, or null.
class Variant {
  // Scalars of the big or recursive types are boxed so a Variant stays small.
  template <class T>
  using Stored =
      std::conditional_t<std::is_same_v<T, ExpandedNodeId> || std::is_same_v<T, ExtensionObject> ||
                             std::is_same_v<T, DataValue> || std::is_same_v<T, Variant> ||
                             std::is_same_v<T, DiagnosticInfo>,
                         Box<T>, T>;

 public:
  // Index 0 is null, 1..25 a scalar of that built-in type, 26..50 an array of it.
  using Storage =
      std::variant<std::monostate, bool, std::int8_t, std::uint8_t, std::int16_t, std::uint16_t,
                   std::int32_t, std::uint32_t, std::int64_t, std::uint64_t, float, double,
                   std::string, DateTime, Guid, ByteString, XmlElement, NodeId, Box<ExpandedNodeId>,
                   StatusCode, QualifiedName, LocalizedText, Box<ExtensionObject>, Box<DataValue>,
                   Box<Variant>, Box<DiagnosticInfo>, std::vector<bool>, std::vector<std::int8_t>,
                   std::vector<std::uint8_t>, std::vector<std::int16_t>, std::vector<std::uint16_t>,
                   std::vector<std::int32_t>, std::vector<std::uint32_t>, std::vector<std::int64_t>,
                   std::vector<std::uint64_t>, std::vector<float>, std::vector<double>,
                   std::vector<std::string>, std::vector<DateTime>, std::vector<Guid>,
                   std::vector<ByteString>, std::vector<XmlElement>, std::vector<NodeId>,
                   std::vector<ExpandedNodeId>, std::vector<StatusCode>, std::vector<QualifiedName>,
                   std::vector<LocalizedText>, std::vector<ExtensionObject>, std::vector<DataValue>,
                   std::vector<Variant>, std::vector<DiagnosticInfo>>;

  Variant();
  Variant(const Variant&);
  Variant(Variant&&) noexcept;
  Variant& operator=(const Variant&);
  Variant& operator=(Variant&&) noexcept;
  ~Variant();

  template <BuiltinScalar T>
  Variant(T value) {  // NOLINT: a value converts to a Variant implicitly, as in the spec
    if constexpr (std::is_same_v<Stored<T>, T>) {
      storage_.template emplace<T>(std::move(value));
    } else {
      storage_.template emplace<Box<T>>(Box<T>(std::move(value)));
    }
  }
  Variant(const char* text);  // NOLINT: as std::string
  // A Variant whose value is another Variant (copying would not nest).
  static Variant nest(Variant inner);
  template <BuiltinScalar T>
  Variant(std::vector<T> values, std::vector<std::int32_t> array_dimensions = {})
      : storage_(std::move(values)), dimensions_(std::move(array_dimensions)) {}

  BuiltinType type() const;
  bool is_null() const { return storage_.index() == 0; }
  bool is_array() const { return storage_.index() > 25; }
  bool is_scalar() const { return !is_null() && !is_array(); }
  // Empty for a scalar or a one-dimensional array.
  const std::vector<std::int32_t>& dimensions() const { return dimensions_; }
  void set_dimensions(std::vector<std::int32_t> array_dimensions) {
    dimensions_ = std::move(array_dimensions);
  }
  std::size_t array_length() const;

  // The scalar of type T, or nullptr when the Variant holds something else.
  template <BuiltinScalar T>
  const T* scalar() const {
    if constexpr (std::is_same_v<Stored<T>, T>) {
      return std::get_if<T>(&storage_);
    } else {
      const auto* boxed = std::get_if<Box<T>>(&storage_);
      return boxed ? boxed->get() : nullptr;
    }
  }
  template <BuiltinScalar T>
  const std::vector<T>* array() const {
    return std::get_if<std::vector<T>>(&storage_);
  }
  // A numeric scalar as double (Boolean, integers, Float, Double); nullopt otherwise.
  std::optional<double> to_double() const;

  const Storage& storage() const { return storage_; }
  Storage& storage() { return storage_; }
  bool operator==(const Variant& other) const;

 private:
  Storage storage_;
  std::vector<std::int32_t> dimensions_;
};

struct DataValue {
  Variant value;  // null: no value
  StatusCode status;
  DateTime source_timestamp;
  DateTime server_timestamp;
  std::uint16_t source_picoseconds = 0;
  std::uint16_t server_picoseconds = 0;

  DataValue() = default;
  DataValue(Variant v) : value(std::move(v)) {}  // NOLINT: a value is a DataValue
  static DataValue bad(StatusCode code) {
    DataValue result;
    result.status = code;
    return result;
  }
  bool operator==(const DataValue&) const = default;
};

struct DiagnosticInfo {
  std::optional<std::int32_t> symbolic_id;
  std::optional<std::int32_t> namespace_uri;
  std::optional<std::int32_t> locale;
  std::optional<std::int32_t> localized_text;
  std::optional<std::string> additional_info;
  std::optional<StatusCode> inner_status_code;
  Box<DiagnosticInfo> inner_diagnostic_info;  // empty when absent
  bool operator==(const DiagnosticInfo&) const = default;
};

// Defined here, where every alternative of Variant::Storage is a complete type.
inline Variant::Variant(const char* text) : storage_(std::string(text)) {}
inline Variant Variant::nest(Variant inner) {
  Variant outer;
  outer.storage_.emplace<Box<Variant>>(Box<Variant>(std::move(inner)));
  return outer;
}

}  // namespace twinloop::opcua
