#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "router.hpp"
#include "twinloop/core/json_text.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::api {

inline constexpr std::string_view api_prefix = "/api/v1";

Response json_response(int status, const nlohmann::json& body);
Response json_text_response(int status, std::string body);

template <typename Entity>
Response entity_response(const Entity& entity) {
  return json_text_response(200, core::json_text(entity));
}

// 201 with the entity and a Location header.
template <typename Entity>
Response created(const Entity& entity, std::string location) {
  Response response = json_text_response(201, core::json_text(entity));
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

Response no_content();

// Now as ISO 8601 UTC with milliseconds, like the store's timestamps.
std::string utc_now();

// limit (1..1000, default 50) and offset (>= 0, default 0) from the query; a bad value is a
// bad_request naming the query parameter.
store::PageRequest page_request(const Call& call);

// {"items": [...], "total", "limit", "offset"}
template <typename T>
Response list_response(const store::Page<T>& page, const store::PageRequest& request) {
  std::string body;
  body.reserve(64 + page.items.size() * 256);  // about an entity's size; saves regrowing
  body += "{\"items\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) body += ',';
    core::append_json(body, page.items[i]);
  }
  core::JsonText text(body);
  text.raw("]").key("total").number(page.total);
  text.key("limit").number(request.limit);
  text.key("offset").number(request.offset).raw("}");
  return json_text_response(200, std::move(body));
}

}  // namespace twinloop::api
