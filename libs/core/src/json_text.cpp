#include "twinloop/core/json_text.hpp"

#include <array>
#include <charconv>
#include <iterator>

namespace twinloop::core {

JsonText& JsonText::raw(std::string_view text) {
  out_ += text;
  return *this;
}

namespace {

// The bytes a JSON string cannot hold as they are: controls, '"' and '\\'.
constexpr auto needs_escape = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c)
    table[static_cast<std::size_t>(c)] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}();

}  // namespace

JsonText& JsonText::string(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t clean_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!needs_escape[c]) continue;
    out_.append(text.data() + clean_from, i - clean_from);
    clean_from = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 0xf];
    }
  }
  out_.append(text.data() + clean_from, text.size() - clean_from);
  out_ += '"';
  return *this;
}

JsonText& JsonText::number(std::int64_t value) {
  char buffer[24];
  const auto end = std::to_chars(std::begin(buffer), std::end(buffer), value).ptr;
  out_.append(buffer, end);
  return *this;
}

JsonText& JsonText::number(double value) {
  char buffer[32];
  const auto end = std::to_chars(std::begin(buffer), std::end(buffer), value).ptr;
  const std::string_view digits(buffer, static_cast<std::size_t>(end - buffer));
  out_ += digits;
  if (digits.find_first_of(".eE") == std::string_view::npos) out_ += ".0";
  return *this;
}

JsonText& JsonText::null() {
  out_ += "null";
  return *this;
}

JsonText& JsonText::key(std::string_view name, bool first) {
  out_ += first ? "\"" : ",\"";
  out_ += name;
  out_ += "\":";
  return *this;
}

}  // namespace twinloop::core
