#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace twinloop::core {

// Appends JSON tokens to a string. The API writes its entities with it instead of building
// nlohmann::json trees, which cost most of a list request's time in allocations. The caller
// places commas and colons through key()/next(); nothing is checked beyond escaping.
class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}

  JsonText& raw(std::string_view text);
  JsonText& string(std::string_view text);
  JsonText& number(std::int64_t value);
  // Finite doubles only (the model rules refuse others); always with a fraction or
  // exponent, so that 1.0 reads back as a floating-point number.
  JsonText& number(double value);
  JsonText& null();
  // `"name":`, preceded by a comma unless it is the first member of the object. Names are the
  // caller's own identifiers and are not escaped.
  JsonText& key(std::string_view name, bool first = false);

 private:
  std::string& out_;
};

}  // namespace twinloop::core
