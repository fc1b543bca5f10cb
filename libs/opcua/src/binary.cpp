#include "twinloop/opcua/binary.hpp"

#include <limits>

namespace twinloop::opcua {

namespace {

[[noreturn]] void decoding_error(const std::string& detail) {
  throw Error(status::BadDecodingError, detail);
}

// NodeId encoding bytes (OPC 10000-6, 5.2.2.9).
constexpr std::uint8_t kTwoByte = 0x00;
constexpr std::uint8_t kFourByte = 0x01;
constexpr std::uint8_t kNumeric = 0x02;
constexpr std::uint8_t kString = 0x03;
constexpr std::uint8_t kGuid = 0x04;
constexpr std::uint8_t kByteString = 0x05;
constexpr std::uint8_t kNamespaceUriFlag = 0x80;
constexpr std::uint8_t kServerIndexFlag = 0x40;

// Variant encoding mask bits (5.2.2.16).
constexpr std::uint8_t kArrayDimensionsFlag = 0x40;
constexpr std::uint8_t kArrayFlag = 0x80;

// DataValue encoding mask bits (5.2.2.17).
constexpr std::uint8_t kHasValue = 0x01;
constexpr std::uint8_t kHasStatus = 0x02;
constexpr std::uint8_t kHasSourceTimestamp = 0x04;
constexpr std::uint8_t kHasServerTimestamp = 0x08;
constexpr std::uint8_t kHasSourcePicoseconds = 0x10;
constexpr std::uint8_t kHasServerPicoseconds = 0x20;

// DiagnosticInfo encoding mask bits (5.2.2.12).
constexpr std::uint8_t kHasSymbolicId = 0x01;
constexpr std::uint8_t kHasNamespaceUri = 0x02;
constexpr std::uint8_t kHasLocalizedText = 0x04;
constexpr std::uint8_t kHasLocale = 0x08;
constexpr std::uint8_t kHasAdditionalInfo = 0x10;
constexpr std::uint8_t kHasInnerStatusCode = 0x20;
constexpr std::uint8_t kHasInnerDiagnosticInfo = 0x40;

void encode_raw_bytes(Writer& w, std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) {
    w.number(std::int32_t{-1});
    return;
  }
  w.length(bytes.size());
  w.append(bytes.data(), bytes.size());
}

std::vector<std::uint8_t> decode_raw_bytes(Reader& r) {
  const std::size_t size = r.string_length();
  auto bytes = r.bytes(size);
  return {bytes.begin(), bytes.end()};
}

// The NodeId part of a NodeId or ExpandedNodeId; `flags` are ExpandedNodeId's extra bits.
void encode_node_id(Writer& w, const NodeId& id, std::uint8_t flags) {
  switch (id.kind()) {
    case NodeId::Kind::Numeric: {
      const std::uint32_t number = *id.numeric();
      if (id.namespace_index == 0 && number <= 0xFF) {
        w.number(static_cast<std::uint8_t>(kTwoByte | flags));
        w.number(static_cast<std::uint8_t>(number));
      } else if (id.namespace_index <= 0xFF && number <= 0xFFFF) {
        w.number(static_cast<std::uint8_t>(kFourByte | flags));
        w.number(static_cast<std::uint8_t>(id.namespace_index));
        w.number(static_cast<std::uint16_t>(number));
      } else {
        w.number(static_cast<std::uint8_t>(kNumeric | flags));
        w.number(id.namespace_index);
        w.number(number);
      }
      return;
    }
    case NodeId::Kind::String:
      w.number(static_cast<std::uint8_t>(kString | flags));
      w.number(id.namespace_index);
      encode(w, *id.string());
      return;
    case NodeId::Kind::Guid:
      w.number(static_cast<std::uint8_t>(kGuid | flags));
      w.number(id.namespace_index);
      encode(w, std::get<Guid>(id.identifier));
      return;
    case NodeId::Kind::Opaque:
      w.number(static_cast<std::uint8_t>(kByteString | flags));
      w.number(id.namespace_index);
      encode(w, std::get<ByteString>(id.identifier));
      return;
  }
}

// Returns the flag bits of the encoding byte.
std::uint8_t decode_node_id(Reader& r, NodeId& id) {
  const auto encoding = r.number<std::uint8_t>();
  const std::uint8_t flags = encoding & (kNamespaceUriFlag | kServerIndexFlag);
  switch (encoding & 0x3F) {
    case kTwoByte:
      id = NodeId(0, std::uint32_t{r.number<std::uint8_t>()});
      break;
    case kFourByte: {
      const std::uint16_t ns = r.number<std::uint8_t>();
      id = NodeId(ns, std::uint32_t{r.number<std::uint16_t>()});
      break;
    }
    case kNumeric: {
      const auto ns = r.number<std::uint16_t>();
      id = NodeId(ns, r.number<std::uint32_t>());
      break;
    }
    case kString: {
      const auto ns = r.number<std::uint16_t>();
      std::string text;
      decode(r, text);
      id = NodeId(ns, std::move(text));
      break;
    }
    case kGuid: {
      const auto ns = r.number<std::uint16_t>();
      Guid guid;
      decode(r, guid);
      id = NodeId(ns, guid);
      break;
    }
    case kByteString: {
      const auto ns = r.number<std::uint16_t>();
      ByteString bytes;
      decode(r, bytes);
      id = NodeId(ns, std::move(bytes));
      break;
    }
    default:
      decoding_error("unknown NodeId encoding 0x" + std::to_string(encoding & 0x3F));
  }
  return flags;
}

template <class T>
struct IsBox : std::false_type {};
template <class T>
struct IsBox<Box<T>> : std::true_type {};

template <class T>
void encode_variant_value(Writer& w, const T& value) {
  if constexpr (std::is_same_v<T, std::monostate>) {
  } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
    w.length(value.size());
    for (bool element : value)
      encode(w, element);
  } else if constexpr (IsBox<T>::value) {
    encode(w, *value);
  } else {
    encode(w, value);
  }
}

// Decodes a scalar or array of the built-in type at `index` of Variant::Storage.
template <std::size_t Index>
void decode_variant_alternative(Reader& r, Variant::Storage& storage) {
  using T = std::variant_alternative_t<Index, Variant::Storage>;
  if constexpr (IsBox<T>::value) {
    std::remove_cvref_t<decltype(*std::declval<T&>())> value{};
    decode(r, value);
    storage.template emplace<Index>(T(std::move(value)));
  } else {
    T value{};
    decode(r, value);
    storage.template emplace<Index>(std::move(value));
  }
}

template <std::size_t... Indices>
void decode_variant_storage(Reader& r, std::size_t index, Variant::Storage& storage,
                            std::index_sequence<Indices...>) {
  // Index 0 (null) has no value to decode; Indices count from alternative 1.
  ((Indices + 1 == index ? (decode_variant_alternative<Indices + 1>(r, storage), true) : false) ||
   ...);
}

}  // namespace

void Writer::length(std::size_t size) {
  if (size > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw Error(status::BadEncodingLimitsExceeded, "a length beyond Int32");
  }
  number(static_cast<std::int32_t>(size));
}

void Reader::require(std::size_t size) const {
  if (size > data_.size() - position_) {
    decoding_error("the message ends " + std::to_string(size - (data_.size() - position_)) +
                   " bytes early at offset " + std::to_string(position_));
  }
}

std::size_t Reader::string_length() {
  const auto length = number<std::int32_t>();
  if (length == -1) return 0;
  if (length < -1) decoding_error("negative length " + std::to_string(length));
  const auto size = static_cast<std::size_t>(length);
  if (size > limits_.max_string_length) {
    throw Error(status::BadEncodingLimitsExceeded, "a string of " + std::to_string(size) +
                                                       " bytes is beyond the limit of " +
                                                       std::to_string(limits_.max_string_length));
  }
  require(size);
  return size;
}

std::size_t Reader::array_length() {
  const auto length = number<std::int32_t>();
  if (length == -1) return 0;
  if (length < -1) decoding_error("negative array length " + std::to_string(length));
  const auto size = static_cast<std::size_t>(length);
  if (size > limits_.max_array_length) {
    throw Error(status::BadEncodingLimitsExceeded, "an array of " + std::to_string(size) +
                                                       " elements is beyond the limit of " +
                                                       std::to_string(limits_.max_array_length));
  }
  // Every element takes at least one byte, so a longer array cannot fit in what is left.
  require(size);
  return size;
}

Reader::DepthGuard::DepthGuard(Reader& reader) : reader_(reader) {
  if (++reader_.depth_ > reader_.limits_.max_depth) {
    --reader_.depth_;
    throw Error(status::BadEncodingLimitsExceeded,
                "values nested deeper than " + std::to_string(reader_.limits_.max_depth));
  }
}

void encode(Writer& w, bool value) {
  w.number(static_cast<std::uint8_t>(value ? 1 : 0));
}
void encode(Writer& w, std::int8_t value) {
  w.number(value);
}
void encode(Writer& w, std::uint8_t value) {
  w.number(value);
}
void encode(Writer& w, std::int16_t value) {
  w.number(value);
}
void encode(Writer& w, std::uint16_t value) {
  w.number(value);
}
void encode(Writer& w, std::int32_t value) {
  w.number(value);
}
void encode(Writer& w, std::uint32_t value) {
  w.number(value);
}
void encode(Writer& w, std::int64_t value) {
  w.number(value);
}
void encode(Writer& w, std::uint64_t value) {
  w.number(value);
}
void encode(Writer& w, float value) {
  w.number(value);
}
void encode(Writer& w, double value) {
  w.number(value);
}
void encode(Writer& w, const std::string& value) {
  encode_raw_bytes(w, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
}
void encode(Writer& w, DateTime value) {
  w.number(value.ticks);
}
void encode(Writer& w, const Guid& value) {
  w.number(value.data1);
  w.number(value.data2);
  w.number(value.data3);
  w.append(value.data4.data(), value.data4.size());
}
void encode(Writer& w, const ByteString& value) {
  encode_raw_bytes(w, value.data);
}
void encode(Writer& w, const XmlElement& value) {
  encode(w, value.text);
}
void encode(Writer& w, const NodeId& value) {
  encode_node_id(w, value, 0);
}
void encode(Writer& w, const ExpandedNodeId& value) {
  std::uint8_t flags = 0;
  if (!value.namespace_uri.empty()) flags |= kNamespaceUriFlag;
  if (value.server_index != 0) flags |= kServerIndexFlag;
  encode_node_id(w, value.node_id, flags);
  if (!value.namespace_uri.empty()) encode(w, value.namespace_uri);
  if (value.server_index != 0) w.number(value.server_index);
}
void encode(Writer& w, StatusCode value) {
  w.number(value.value);
}
void encode(Writer& w, const QualifiedName& value) {
  w.number(value.namespace_index);
  encode(w, value.name);
}
void encode(Writer& w, const LocalizedText& value) {
  const std::uint8_t mask = static_cast<std::uint8_t>((value.locale.empty() ? 0 : 0x01) |
                                                      (value.text.empty() ? 0 : 0x02));
  w.number(mask);
  if (!value.locale.empty()) encode(w, value.locale);
  if (!value.text.empty()) encode(w, value.text);
}
void encode(Writer& w, const ExtensionObject& value) {
  encode(w, value.type_id);
  w.number(static_cast<std::uint8_t>(value.encoding));
  if (value.encoding != ExtensionObject::Encoding::None) {
    w.length(value.body.size());
    w.append(value.body.data(), value.body.size());
  }
}
void encode(Writer& w, const DataValue& value) {
  std::uint8_t mask = 0;
  if (!value.value.is_null()) mask |= kHasValue;
  if (value.status != status::Good) mask |= kHasStatus;
  if (value.source_timestamp.ticks != 0) mask |= kHasSourceTimestamp;
  if (value.server_timestamp.ticks != 0) mask |= kHasServerTimestamp;
  if (value.source_picoseconds != 0) mask |= kHasSourcePicoseconds;
  if (value.server_picoseconds != 0) mask |= kHasServerPicoseconds;
  w.number(mask);
  if (mask & kHasValue) encode(w, value.value);
  if (mask & kHasStatus) encode(w, value.status);
  if (mask & kHasSourceTimestamp) encode(w, value.source_timestamp);
  if (mask & kHasSourcePicoseconds) w.number(value.source_picoseconds);
  if (mask & kHasServerTimestamp) encode(w, value.server_timestamp);
  if (mask & kHasServerPicoseconds) w.number(value.server_picoseconds);
}
void encode(Writer& w, const Variant& value) {
  auto mask = static_cast<std::uint8_t>(value.type());
  if (value.is_array()) {
    mask |= kArrayFlag;
    if (!value.dimensions().empty()) mask |= kArrayDimensionsFlag;
  }
  w.number(mask);
  std::visit([&](const auto& stored) { encode_variant_value(w, stored); }, value.storage());
  if (mask & kArrayDimensionsFlag) encode(w, value.dimensions());
}
void encode(Writer& w, const DiagnosticInfo& value) {
  std::uint8_t mask = 0;
  if (value.symbolic_id) mask |= kHasSymbolicId;
  if (value.namespace_uri) mask |= kHasNamespaceUri;
  if (value.localized_text) mask |= kHasLocalizedText;
  if (value.locale) mask |= kHasLocale;
  if (value.additional_info) mask |= kHasAdditionalInfo;
  if (value.inner_status_code) mask |= kHasInnerStatusCode;
  if (value.inner_diagnostic_info) mask |= kHasInnerDiagnosticInfo;
  w.number(mask);
  if (value.symbolic_id) w.number(*value.symbolic_id);
  if (value.namespace_uri) w.number(*value.namespace_uri);
  if (value.locale) w.number(*value.locale);
  if (value.localized_text) w.number(*value.localized_text);
  if (value.additional_info) encode(w, *value.additional_info);
  if (value.inner_status_code) encode(w, *value.inner_status_code);
  if (value.inner_diagnostic_info) encode(w, *value.inner_diagnostic_info);
}

void decode(Reader& r, bool& value) {
  value = r.number<std::uint8_t>() != 0;
}
void decode(Reader& r, std::int8_t& value) {
  value = r.number<std::int8_t>();
}
void decode(Reader& r, std::uint8_t& value) {
  value = r.number<std::uint8_t>();
}
void decode(Reader& r, std::int16_t& value) {
  value = r.number<std::int16_t>();
}
void decode(Reader& r, std::uint16_t& value) {
  value = r.number<std::uint16_t>();
}
void decode(Reader& r, std::int32_t& value) {
  value = r.number<std::int32_t>();
}
void decode(Reader& r, std::uint32_t& value) {
  value = r.number<std::uint32_t>();
}
void decode(Reader& r, std::int64_t& value) {
  value = r.number<std::int64_t>();
}
void decode(Reader& r, std::uint64_t& value) {
  value = r.number<std::uint64_t>();
}
void decode(Reader& r, float& value) {
  value = r.number<float>();
}
void decode(Reader& r, double& value) {
  value = r.number<double>();
}
void decode(Reader& r, std::string& value) {
  const std::size_t size = r.string_length();
  auto bytes = r.bytes(size);
  value.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
void decode(Reader& r, DateTime& value) {
  value.ticks = r.number<std::int64_t>();
}
void decode(Reader& r, Guid& value) {
  value.data1 = r.number<std::uint32_t>();
  value.data2 = r.number<std::uint16_t>();
  value.data3 = r.number<std::uint16_t>();
  auto bytes = r.bytes(value.data4.size());
  std::copy(bytes.begin(), bytes.end(), value.data4.begin());
}
void decode(Reader& r, ByteString& value) {
  value.data = decode_raw_bytes(r);
}
void decode(Reader& r, XmlElement& value) {
  decode(r, value.text);
}
void decode(Reader& r, NodeId& value) {
  if (decode_node_id(r, value) != 0) decoding_error("ExpandedNodeId flags on a NodeId");
}
void decode(Reader& r, ExpandedNodeId& value) {
  const std::uint8_t flags = decode_node_id(r, value.node_id);
  value.namespace_uri.clear();
  value.server_index = 0;
  if (flags & kNamespaceUriFlag) decode(r, value.namespace_uri);
  if (flags & kServerIndexFlag) value.server_index = r.number<std::uint32_t>();
}
void decode(Reader& r, StatusCode& value) {
  value.value = r.number<std::uint32_t>();
}
void decode(Reader& r, QualifiedName& value) {
  value.namespace_index = r.number<std::uint16_t>();
  decode(r, value.name);
}
void decode(Reader& r, LocalizedText& value) {
  const auto mask = r.number<std::uint8_t>();
  value = LocalizedText();
  if (mask & 0x01) decode(r, value.locale);
  if (mask & 0x02) decode(r, value.text);
}
void decode(Reader& r, ExtensionObject& value) {
  decode(r, value.type_id);
  const auto encoding = r.number<std::uint8_t>();
  if (encoding > 2) decoding_error("unknown ExtensionObject encoding " + std::to_string(encoding));
  value.encoding = static_cast<ExtensionObject::Encoding>(encoding);
  value.body.clear();
  if (value.encoding != ExtensionObject::Encoding::None) value.body = decode_raw_bytes(r);
}
void decode(Reader& r, DataValue& value) {
  Reader::DepthGuard depth(r);
  const auto mask = r.number<std::uint8_t>();
  value = DataValue();
  if (mask & kHasValue) decode(r, value.value);
  if (mask & kHasStatus) decode(r, value.status);
  if (mask & kHasSourceTimestamp) decode(r, value.source_timestamp);
  if (mask & kHasSourcePicoseconds) value.source_picoseconds = r.number<std::uint16_t>();
  if (mask & kHasServerTimestamp) decode(r, value.server_timestamp);
  if (mask & kHasServerPicoseconds) value.server_picoseconds = r.number<std::uint16_t>();
}
void decode(Reader& r, Variant& value) {
  Reader::DepthGuard depth(r);
  const auto mask = r.number<std::uint8_t>();
  const std::size_t type = mask & 0x3F;
  if (type > 25) decoding_error("unknown built-in type " + std::to_string(type) + " in a Variant");
  const bool array = (mask & kArrayFlag) != 0;
  value = Variant();
  if (type == 0) {
    if (array) decoding_error("an array of Null in a Variant");
    return;
  }
  const std::size_t index = array ? type + 25 : type;
  decode_variant_storage(r, index, value.storage(),
                         std::make_index_sequence<std::variant_size_v<Variant::Storage> - 1>());
  if (mask & kArrayDimensionsFlag) {
    if (!array) decoding_error("ArrayDimensions on a scalar Variant");
    std::vector<std::int32_t> dimensions;
    decode(r, dimensions);
    std::size_t product = dimensions.empty() ? 0 : 1;
    for (const std::int32_t dimension : dimensions) {
      if (dimension < 0) decoding_error("a negative array dimension");
      product *= static_cast<std::size_t>(dimension);
      if (product > r.limits().max_array_length) {
        throw Error(status::BadEncodingLimitsExceeded, "array dimensions beyond the limit");
      }
    }
    if (product != value.array_length()) {
      decoding_error("array dimensions do not match the " + std::to_string(value.array_length()) +
                     " elements");
    }
    value.set_dimensions(std::move(dimensions));
  }
}
void decode(Reader& r, DiagnosticInfo& value) {
  Reader::DepthGuard depth(r);
  const auto mask = r.number<std::uint8_t>();
  value = DiagnosticInfo();
  if (mask & kHasSymbolicId) value.symbolic_id = r.number<std::int32_t>();
  if (mask & kHasNamespaceUri) value.namespace_uri = r.number<std::int32_t>();
  if (mask & kHasLocale) value.locale = r.number<std::int32_t>();
  if (mask & kHasLocalizedText) value.localized_text = r.number<std::int32_t>();
  if (mask & kHasAdditionalInfo) decode(r, value.additional_info.emplace());
  if (mask & kHasInnerStatusCode) decode(r, value.inner_status_code.emplace());
  if (mask & kHasInnerDiagnosticInfo) {
    DiagnosticInfo inner;
    decode(r, inner);
    value.inner_diagnostic_info = Box<DiagnosticInfo>(std::move(inner));
  }
}

}  // namespace twinloop::opcua
