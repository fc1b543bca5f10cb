#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "router.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::api {

inline constexpr std::string_view api_prefix = "/api/v1";

Response json_response(int status, const nlohmann::json& body);
// 201 with a Location header.
Response created(const nlohmann::json& body, std::string location);
Response no_content();

// limit (1..1000, default 50) and offset (>= 0, default 0) from the query; a bad value is a
// bad_request naming the query parameter.
store::PageRequest page_request(const Call& call);

template <typename T>
nlohmann::json list_body(const store::Page<T>& page, const store::PageRequest& request) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items)
    items.push_back(core::to_json(item));
  return nlohmann::json{{"items", std::move(items)},
                        {"total", page.total},
                        {"limit", request.limit},
                        {"offset", request.offset}};
}

}  // namespace twinloop::api
