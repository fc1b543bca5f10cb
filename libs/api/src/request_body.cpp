#include "request_body.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "twinloop/core/error.hpp"

namespace twinloop::api {

using nlohmann::json;

namespace {

bool is_json_media_type(std::string_view content_type) {
  const auto end = content_type.find(';');
  std::string media(content_type.substr(0, end));
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.back())))
    media.pop_back();
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return media == "application/json" ||
         (media.starts_with("application/") && media.ends_with("+json"));
}

std::string_view json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a number";
  }
}

}  // namespace

json parse_json_object(const Request& request) {
  if (!is_json_media_type(request.content_type)) {
    throw core::Error(
        core::ErrorKind::unsupported_media_type,
        request.content_type.empty()
            ? "the request needs a JSON body with Content-Type: application/json"
            : fmt::format("the body must be application/json, not '{}'", request.content_type));
  }
  json body;
  try {
    body = json::parse(request.body);
  } catch (const json::parse_error& error) {
    throw core::Error(core::ErrorKind::bad_request,
                      fmt::format("the body is not valid JSON (at byte {})", error.byte), {},
                      "invalid-json");
  }
  if (!body.is_object()) {
    throw core::Error(core::ErrorKind::bad_request,
                      fmt::format("the body must be a JSON object, got {}", json_type_name(body)),
                      {core::FieldProblem{"", "must be an object", {}}}, "bad-request");
  }
  return body;
}

FieldReader::FieldReader(const json& object, std::string pointer_prefix)
    : object_(object), prefix_(std::move(pointer_prefix)) {}

std::string FieldReader::pointer(std::string_view name) const {
  return prefix_ + "/" + core::json_pointer_token(name);
}

const json* FieldReader::find(std::string_view name) const {
  const auto found = object_.find(name);
  return found == object_.end() ? nullptr : &*found;
}

bool FieldReader::has(std::string_view name) const {
  return find(name) != nullptr;
}

void FieldReader::wrong_type(std::string_view name, std::string_view expected) const {
  const json* value = find(name);
  const std::string detail = value == nullptr ? fmt::format("'{}' is required ({})", name, expected)
                                              : fmt::format("'{}' must be {}, got {}", name,
                                                            expected, json_type_name(*value));
  core::throw_bad_request(detail, pointer(name));
}

void FieldReader::allow_only(std::initializer_list<std::string_view> known,
                             std::initializer_list<std::string_view> ignored) const {
  for (const auto& [name, value] : object_.items()) {
    const auto is = [&](std::string_view candidate) { return candidate == name; };
    if (std::none_of(known.begin(), known.end(), is) &&
        std::none_of(ignored.begin(), ignored.end(), is)) {
      std::string names;
      for (auto field : known)
        names += names.empty() ? std::string(field) : ", " + std::string(field);
      core::throw_bad_request(fmt::format("unknown field '{}' (known fields: {})", name, names),
                              pointer(name));
    }
  }
}

std::optional<std::string> FieldReader::string(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) wrong_type(name, "a string");
  return value->get<std::string>();
}

std::string FieldReader::required_string(std::string_view name) const {
  auto value = string(name);
  if (!value) wrong_type(name, "a string");
  return *value;
}

std::optional<core::Id> FieldReader::id(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) wrong_type(name, "an integer id");
  return value->get<core::Id>();
}

core::Id FieldReader::required_id(std::string_view name) const {
  auto value = id(name);
  if (!value) wrong_type(name, "an integer id");
  return *value;
}

std::optional<std::optional<std::string>> FieldReader::nullable_string(
    std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_null()) return std::optional<std::string>{};
  if (!value->is_string()) wrong_type(name, "a string or null");
  return std::optional<std::string>{value->get<std::string>()};
}

std::optional<std::optional<double>> FieldReader::nullable_number(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_null()) return std::optional<double>{};
  if (!value->is_number()) wrong_type(name, "a number or null");
  return std::optional<double>{value->get<double>()};
}

const json* FieldReader::object(std::string_view name) const {
  const json* value = find(name);
  if (value != nullptr && !value->is_object()) wrong_type(name, "an object");
  return value;
}

const json& FieldReader::required_object(std::string_view name) const {
  const json* value = object(name);
  if (value == nullptr) wrong_type(name, "an object");
  return *value;
}

const json* FieldReader::array(std::string_view name) const {
  const json* value = find(name);
  if (value != nullptr && !value->is_array()) wrong_type(name, "an array");
  return value;
}

std::optional<std::optional<core::Position>> FieldReader::nullable_position(
    std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_null()) return std::optional<core::Position>{};
  if (!value->is_object()) wrong_type(name, "an object {\"x\": number, \"y\": number} or null");
  const FieldReader position(*value, pointer(name));
  position.allow_only({"x", "y"});
  const auto x = position.nullable_number("x");
  const auto y = position.nullable_number("y");
  if (!x || !*x) position.wrong_type("x", "a number");
  if (!y || !*y) position.wrong_type("y", "a number");
  return std::optional<core::Position>{core::Position{**x, **y}};
}

}  // namespace twinloop::api
