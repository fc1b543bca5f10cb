#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "twinloop/api/http_message.hpp"
#include "twinloop/core/model.hpp"

namespace twinloop::api {

// The request body as a JSON object. Throws core::Error: unsupported_media_type when the
// Content-Type is not JSON, bad_request when the body is not a JSON object.
nlohmann::json parse_json_object(const Request& request);

// Reads fields of one JSON object of a request, checking their JSON types. A field of the
// wrong type or an unknown field is a bad_request naming it by its JSON pointer.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string pointer_prefix = {});

  // Refuses fields other than `known`; `ignored` may be present and are skipped (read-only
  // fields of a resource, so that a GET's answer can be sent back).
  void allow_only(std::initializer_list<std::string_view> known,
                  std::initializer_list<std::string_view> ignored = {}) const;

  bool has(std::string_view name) const;
  std::string pointer(std::string_view name) const;

  std::optional<std::string> string(std::string_view name) const;
  std::string required_string(std::string_view name) const;
  // Absent: nullopt; null: optional<string>{}; a string: that string.
  std::optional<std::optional<std::string>> nullable_string(std::string_view name) const;
  std::optional<core::Id> id(std::string_view name) const;
  core::Id required_id(std::string_view name) const;
  // Absent: nullopt; null: optional<double>{}; a number: that number.
  std::optional<std::optional<double>> nullable_number(std::string_view name) const;
  // An object field; absent: nullptr; not an object: bad_request.
  const nlohmann::json* object(std::string_view name) const;
  const nlohmann::json& required_object(std::string_view name) const;
  const nlohmann::json* array(std::string_view name) const;
  // Absent: nullopt; null: optional<Position>{}; {"x": number, "y": number}: the position.
  std::optional<std::optional<core::Position>> nullable_position(std::string_view name) const;

 private:
  const nlohmann::json* find(std::string_view name) const;
  [[noreturn]] void wrong_type(std::string_view name, std::string_view expected) const;

  const nlohmann::json& object_;
  std::string prefix_;
};

}  // namespace twinloop::api
