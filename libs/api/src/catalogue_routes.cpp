// The component type catalogue.
#include <fmt/format.h>

#include "responses.hpp"
#include "routes.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::api {

using nlohmann::json;

void add_catalogue_routes(Router& router, Services services) {
  const auto& catalogue = services.catalogue;
  router.add("GET", "/api/v1/component-types", [&catalogue](const Call&) {
    json items = json::array();
    for (const auto* info : catalogue.list()) items.push_back(core::to_json(*info));
    const auto total = items.size();
    return json_response(200, json{{"items", std::move(items)},
                                   {"total", total},
                                   {"limit", total},
                                   {"offset", 0}});
  });
  router.add("GET", "/api/v1/component-types/{type}", [&catalogue](const Call& call) {
    const auto type = percent_decode(call.path_parameters.at(0)).value_or("");
    const auto* info = catalogue.find(type);
    if (info == nullptr) core::throw_not_found(fmt::format("no component type '{}'", type));
    return json_response(200, core::to_json(*info));
  });
}

}  // namespace twinloop::api
