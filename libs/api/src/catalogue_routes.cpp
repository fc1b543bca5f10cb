// The component type catalogue.
#include <fmt/format.h>

#include <algorithm>

#include "responses.hpp"
#include "routes.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::api {

using nlohmann::json;

void add_catalogue_routes(Router& router, Services services) {
  const auto& catalogue = services.catalogue;
  router.add("GET", "/api/v1/component-types", [&catalogue](const Call& call) {
    const auto page = page_request(call);
    const auto all = catalogue.list();
    const auto total = static_cast<std::int64_t>(all.size());
    json items = json::array();
    for (auto i = std::min(page.offset, total); i < std::min(page.offset + page.limit, total);
         ++i) {
      items.push_back(core::to_json(*all[static_cast<std::size_t>(i)]));
    }
    return json_response(200, json{{"items", std::move(items)},
                                   {"total", total},
                                   {"limit", page.limit},
                                   {"offset", page.offset}});
  });
  router.add("GET", "/api/v1/component-types/{type}", [&catalogue](const Call& call) {
    const auto type = percent_decode(call.path_parameters.at(0)).value_or("");
    const auto* info = catalogue.find(type);
    if (info == nullptr) core::throw_not_found(fmt::format("no component type '{}'", type));
    return json_response(200, core::to_json(*info));
  });
}

}  // namespace twinloop::api
