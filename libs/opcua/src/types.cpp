#include "twinloop/opcua/types.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>

#include "base64.hpp"

namespace twinloop::opcua {

std::string_view builtin_type_name(BuiltinType type) {
  static constexpr std::array<std::string_view, 26> kNames{
      "Null",          "Boolean",       "SByte",           "Byte",           "Int16",
      "UInt16",        "Int32",         "UInt32",          "Int64",          "UInt64",
      "Float",         "Double",        "String",          "DateTime",       "Guid",
      "ByteString",    "XmlElement",    "NodeId",          "ExpandedNodeId", "StatusCode",
      "QualifiedName", "LocalizedText", "ExtensionObject", "DataValue",      "Variant",
      "DiagnosticInfo"};
  const auto index = static_cast<std::size_t>(type);
  return index < kNames.size() ? kNames[index] : "Unknown";
}

namespace {

std::optional<unsigned> hex_digit(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
  return std::nullopt;
}

// Reads `digits` hex digits from text at pos.
std::optional<std::uint32_t> read_hex(std::string_view text, std::size_t& pos, int digits) {
  std::uint32_t value = 0;
  for (int i = 0; i < digits; ++i, ++pos) {
    if (pos >= text.size()) return std::nullopt;
    auto digit = hex_digit(text[pos]);
    if (!digit) return std::nullopt;
    value = (value << 4) | *digit;
  }
  return value;
}

template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Guid> Guid::parse(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, 36);
  }
  if (text.size() != 36) return std::nullopt;
  Guid guid;
  std::size_t pos = 0;
  auto part = [&](int digits, bool dash) -> std::optional<std::uint32_t> {
    auto value = read_hex(text, pos, digits);
    if (!value) return std::nullopt;
    if (dash) {
      if (text[pos] != '-') return std::nullopt;
      ++pos;
    }
    return value;
  };
  auto d1 = part(8, true);
  auto d2 = part(4, true);
  auto d3 = part(4, true);
  auto d4a = part(4, true);
  if (!d1 || !d2 || !d3 || !d4a) return std::nullopt;
  guid.data1 = *d1;
  guid.data2 = static_cast<std::uint16_t>(*d2);
  guid.data3 = static_cast<std::uint16_t>(*d3);
  guid.data4[0] = static_cast<std::uint8_t>(*d4a >> 8);
  guid.data4[1] = static_cast<std::uint8_t>(*d4a & 0xFF);
  for (std::size_t i = 2; i < 8; ++i) {
    auto byte = read_hex(text, pos, 2);
    if (!byte) return std::nullopt;
    guid.data4[i] = static_cast<std::uint8_t>(*byte);
  }
  return guid;
}

std::string Guid::to_string() const {
  std::array<char, 37> text{};
  std::snprintf(text.data(), text.size(), "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                static_cast<unsigned>(data1), static_cast<unsigned>(data2),
                static_cast<unsigned>(data3), data4[0], data4[1], data4[2], data4[3], data4[4],
                data4[5], data4[6], data4[7]);
  return text.data();
}

DateTime DateTime::now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return from_unix_nanoseconds(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

std::string DateTime::to_iso8601() const {
  // OPC 10000-6, 5.2.2.5: a value at or before 1601-01-01 means "no time".
  if (ticks <= 0) return "";
  const std::int64_t unix_ticks = ticks - kUnixEpochTicks;
  std::int64_t seconds = unix_ticks / kTicksPerSecond;
  std::int64_t fraction = unix_ticks % kTicksPerSecond;
  if (fraction < 0) {
    fraction += kTicksPerSecond;
    --seconds;
  }
  const auto time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  std::array<char, 96> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%07lldZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                utc.tm_sec, static_cast<long long>(fraction));
  return text.data();
}

bool NodeId::is_null() const {
  if (namespace_index != 0) return false;
  switch (kind()) {
    case Kind::Numeric:
      return *numeric() == 0;
    case Kind::String:
      return string()->empty();
    case Kind::Guid:
      return std::get<Guid>(identifier) == Guid{};
    case Kind::Opaque:
      return std::get<ByteString>(identifier).empty();
  }
  return false;
}

std::optional<NodeId> NodeId::parse(std::string_view text) {
  std::uint16_t ns = 0;
  if (text.starts_with("ns=")) {
    const auto semicolon = text.find(';');
    if (semicolon == std::string_view::npos) return std::nullopt;
    auto parsed = parse_number<std::uint16_t>(text.substr(3, semicolon - 3));
    if (!parsed) return std::nullopt;
    ns = *parsed;
    text.remove_prefix(semicolon + 1);
  }
  if (text.size() < 2 || text[1] != '=') return std::nullopt;
  const std::string_view value = text.substr(2);
  switch (text[0]) {
    case 'i': {
      auto number = parse_number<std::uint32_t>(value);
      if (!number) return std::nullopt;
      return NodeId(ns, *number);
    }
    case 's':
      return NodeId(ns, std::string(value));
    case 'g': {
      auto guid = Guid::parse(value);
      if (!guid) return std::nullopt;
      return NodeId(ns, *guid);
    }
    case 'b': {
      auto bytes = base64_decode(value);
      if (!bytes) return std::nullopt;
      return NodeId(ns, ByteString(std::move(*bytes)));
    }
    default:
      return std::nullopt;
  }
}

std::string NodeId::to_string() const {
  std::string text = namespace_index == 0 ? "" : "ns=" + std::to_string(namespace_index) + ";";
  switch (kind()) {
    case Kind::Numeric:
      return text + "i=" + std::to_string(*numeric());
    case Kind::String:
      return text + "s=" + *string();
    case Kind::Guid:
      return text + "g=" + std::get<Guid>(identifier).to_string();
    case Kind::Opaque:
      return text + "b=" + base64_encode(std::get<ByteString>(identifier).data);
  }
  return text;
}

std::strong_ordering NodeId::operator<=>(const NodeId& other) const {
  if (auto order = namespace_index <=> other.namespace_index; order != 0) return order;
  if (auto order = identifier.index() <=> other.identifier.index(); order != 0) return order;
  return std::visit(
      [&](const auto& mine) -> std::strong_ordering {
        using T = std::decay_t<decltype(mine)>;
        const auto& theirs = std::get<T>(other.identifier);
        if (mine < theirs) return std::strong_ordering::less;
        if (theirs < mine) return std::strong_ordering::greater;
        return std::strong_ordering::equal;
      },
      identifier);
}

std::size_t NodeIdHash::operator()(const NodeId& id) const noexcept {
  std::size_t seed = std::hash<std::uint32_t>{}(id.namespace_index) * 31 + id.identifier.index();
  const std::size_t value = std::visit(
      [](const auto& identifier) -> std::size_t {
        using T = std::decay_t<decltype(identifier)>;
        if constexpr (std::is_same_v<T, std::uint32_t>) {
          return std::hash<std::uint32_t>{}(identifier);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return std::hash<std::string>{}(identifier);
        } else if constexpr (std::is_same_v<T, ByteString>) {
          return std::hash<std::string_view>{}(identifier.as_text());
        } else {
          return std::hash<std::uint32_t>{}(identifier.data1) ^ identifier.data2;
        }
      },
      id.identifier);
  return seed * 1'000'003u ^ value;
}

std::string ExpandedNodeId::to_string() const {
  std::string text;
  if (server_index != 0) text += "svr=" + std::to_string(server_index) + ";";
  if (!namespace_uri.empty()) {
    text += "nsu=" + namespace_uri + ";";
    NodeId without_index = node_id;
    without_index.namespace_index = 0;
    return text + without_index.to_string();
  }
  return text + node_id.to_string();
}

Variant::Variant() = default;
Variant::Variant(const Variant&) = default;
Variant::Variant(Variant&&) noexcept = default;
Variant& Variant::operator=(const Variant&) = default;
Variant& Variant::operator=(Variant&&) noexcept = default;
Variant::~Variant() = default;

BuiltinType Variant::type() const {
  const auto index = storage_.index();
  return static_cast<BuiltinType>(index > 25 ? index - 25 : index);
}

std::size_t Variant::array_length() const {
  if (!is_array()) return 0;
  return std::visit(
      [](const auto& value) -> std::size_t {
        using T = std::decay_t<decltype(value)>;
        if constexpr (requires { value.size(); } && !std::is_same_v<T, std::string> &&
                      !std::is_same_v<T, ByteString>) {
          return value.size();
        } else {
          return 0;
        }
      },
      storage_);
}

std::optional<double> Variant::to_double() const {
  return std::visit(
      [](const auto& value) -> std::optional<double> {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_arithmetic_v<T>) {
          return static_cast<double>(value);
        } else {
          return std::nullopt;
        }
      },
      storage_);
}

bool Variant::operator==(const Variant& other) const {
  return storage_ == other.storage_ && dimensions_ == other.dimensions_;
}

}  // namespace twinloop::opcua
