#pragma once
// OPC UA Binary encoding (OPC 10000-6, 5.2): a Writer that appends to a byte buffer, a Reader
// over a byte span with limits, and encode/decode for the built-in types, enumerations,
// arrays and every structure that lists its fields with a static `fields(self)` function
// returning std::tie(...) of its members in encoding order.
//
// Decoding never reads past its input: truncated or malformed input throws opcua::Error with
// BadDecodingError, input beyond the limits with BadEncodingLimitsExceeded.

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "twinloop/opcua/types.hpp"

namespace twinloop::opcua {

static_assert(std::endian::native == std::endian::little,
              "the binary codec copies numbers as they are in memory");

struct DecodeLimits {
  std::size_t max_string_length = 16u << 20;
  std::size_t max_array_length = 1u << 20;
  // Nesting of Variants, DataValues, DiagnosticInfos and structures inside each other.
  int max_depth = 100;
};

class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>& out) : out_(&out) {}

  template <class T>
  requires std::is_arithmetic_v<T>
  void number(T value) { append(&value, sizeof value); }
  void append(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out_->insert(out_->end(), bytes, bytes + size);
  }
  // Writes a length as Int32; throws BadEncodingLimitsExceeded beyond 2^31 - 1.
  void length(std::size_t size);
  std::size_t size() const { return out_->size(); }
  void patch_uint32(std::size_t offset, std::uint32_t value) {
    std::memcpy(out_->data() + offset, &value, sizeof value);
  }
  std::vector<std::uint8_t>& buffer() { return *out_; }

 private:
  std::vector<std::uint8_t>* out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data, const DecodeLimits& limits = {})
      : data_(data), limits_(limits) {}

  template <class T>
  requires std::is_arithmetic_v<T> T number() {
    require(sizeof(T));
    T value;
    std::memcpy(&value, data_.data() + position_, sizeof value);
    position_ += sizeof value;
    return value;
  }
  std::span<const std::uint8_t> bytes(std::size_t size) {
    require(size);
    auto result = data_.subspan(position_, size);
    position_ += size;
    return result;
  }
  // An Int32 length of a string (element size 1) or array; -1 (null) reads as 0.
  std::size_t string_length();
  std::size_t array_length();

  std::size_t position() const { return position_; }
  std::size_t remaining() const { return data_.size() - position_; }
  const DecodeLimits& limits() const { return limits_; }

  // Counts nesting for the lifetime of the guard; throws past limits().max_depth.
  class DepthGuard {
   public:
    explicit DepthGuard(Reader& reader);
    ~DepthGuard() { --reader_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Reader& reader_;
  };

 private:
  void require(std::size_t size) const;

  std::span<const std::uint8_t> data_;
  std::size_t position_ = 0;
  DecodeLimits limits_;
  int depth_ = 0;
};

template <class T>
concept Structure = requires(T& value) {
  T::fields(value);
};

template <class T>
concept Enumeration = std::is_enum_v<T>;

// Built-in types.
void encode(Writer& w, bool value);
void encode(Writer& w, std::int8_t value);
void encode(Writer& w, std::uint8_t value);
void encode(Writer& w, std::int16_t value);
void encode(Writer& w, std::uint16_t value);
void encode(Writer& w, std::int32_t value);
void encode(Writer& w, std::uint32_t value);
void encode(Writer& w, std::int64_t value);
void encode(Writer& w, std::uint64_t value);
void encode(Writer& w, float value);
void encode(Writer& w, double value);
void encode(Writer& w, const std::string& value);
void encode(Writer& w, DateTime value);
void encode(Writer& w, const Guid& value);
void encode(Writer& w, const ByteString& value);
void encode(Writer& w, const XmlElement& value);
void encode(Writer& w, const NodeId& value);
void encode(Writer& w, const ExpandedNodeId& value);
void encode(Writer& w, StatusCode value);
void encode(Writer& w, const QualifiedName& value);
void encode(Writer& w, const LocalizedText& value);
void encode(Writer& w, const ExtensionObject& value);
void encode(Writer& w, const DataValue& value);
void encode(Writer& w, const Variant& value);
void encode(Writer& w, const DiagnosticInfo& value);

void decode(Reader& r, bool& value);
void decode(Reader& r, std::int8_t& value);
void decode(Reader& r, std::uint8_t& value);
void decode(Reader& r, std::int16_t& value);
void decode(Reader& r, std::uint16_t& value);
void decode(Reader& r, std::int32_t& value);
void decode(Reader& r, std::uint32_t& value);
void decode(Reader& r, std::int64_t& value);
void decode(Reader& r, std::uint64_t& value);
void decode(Reader& r, float& value);
void decode(Reader& r, double& value);
void decode(Reader& r, std::string& value);
void decode(Reader& r, DateTime& value);
void decode(Reader& r, Guid& value);
void decode(Reader& r, ByteString& value);
void decode(Reader& r, XmlElement& value);
void decode(Reader& r, NodeId& value);
void decode(Reader& r, ExpandedNodeId& value);
void decode(Reader& r, StatusCode& value);
void decode(Reader& r, QualifiedName& value);
void decode(Reader& r, LocalizedText& value);
void decode(Reader& r, ExtensionObject& value);
void decode(Reader& r, DataValue& value);
void decode(Reader& r, Variant& value);
void decode(Reader& r, DiagnosticInfo& value);

// Enumerations are Int32 on the wire.
template <Enumeration E>
void encode(Writer& w, E value) {
  w.number(static_cast<std::int32_t>(value));
}
template <Enumeration E>
void decode(Reader& r, E& value) {
  value = static_cast<E>(r.number<std::int32_t>());
}

template <class T>
void encode(Writer& w, const std::vector<T>& values);
template <class T>
void decode(Reader& r, std::vector<T>& values);

template <Structure T>
void encode(Writer& w, const T& value) {
  std::apply([&](const auto&... field) { (encode(w, field), ...); }, T::fields(value));
}
template <Structure T>
void decode(Reader& r, T& value) {
  Reader::DepthGuard depth(r);
  std::apply([&](auto&... field) { (decode(r, field), ...); }, T::fields(value));
}

template <class T>
void encode(Writer& w, const std::vector<T>& values) {
  w.length(values.size());
  for (const auto& value : values)
    encode(w, static_cast<const T&>(value));
}
template <class T>
void decode(Reader& r, std::vector<T>& values) {
  const std::size_t count = r.array_length();
  values.clear();
  values.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      bool element = false;
      decode(r, element);
      values[i] = element;
    } else {
      decode(r, values[i]);
    }
  }
}

// A message body: the NodeId of T's binary encoding, then T.
template <Structure T>
void encode_message(Writer& w, const T& message) {
  encode(w, NodeId(T::binary_encoding_id));
  encode(w, message);
}
template <Structure T>
std::vector<std::uint8_t> encode_message(const T& message) {
  std::vector<std::uint8_t> bytes;
  Writer writer(bytes);
  encode_message(writer, message);
  return bytes;
}

// One value to bytes and back.
template <class T>
std::vector<std::uint8_t> encode_to_bytes(const T& value) {
  std::vector<std::uint8_t> bytes;
  Writer writer(bytes);
  encode(writer, value);
  return bytes;
}
// Throws BadDecodingError when bytes are left over.
template <class T>
T decode_from_bytes(std::span<const std::uint8_t> bytes, const DecodeLimits& limits = {}) {
  Reader reader(bytes, limits);
  T value{};
  decode(reader, value);
  if (reader.remaining() != 0) {
    throw Error(status::BadDecodingError,
                std::to_string(reader.remaining()) + " bytes left over after the value");
  }
  return value;
}

// A structure with a `binary_encoding_id` as an ExtensionObject and back.
template <Structure T>
ExtensionObject to_extension_object(const T& value) {
  ExtensionObject object;
  object.type_id = NodeId(T::binary_encoding_id);
  object.encoding = ExtensionObject::Encoding::Binary;
  object.body = encode_to_bytes(value);
  return object;
}
// nullopt when the object holds another type; throws when its body does not decode. Bytes
// after the known fields are ignored: a newer peer may have appended fields.
template <Structure T>
std::optional<T> from_extension_object(const ExtensionObject& object,
                                       const DecodeLimits& limits = {}) {
  if (object.encoding != ExtensionObject::Encoding::Binary ||
      object.type_id != NodeId(T::binary_encoding_id)) {
    return std::nullopt;
  }
  Reader reader(object.body, limits);
  T value{};
  decode(reader, value);
  return value;
}

}  // namespace twinloop::opcua
