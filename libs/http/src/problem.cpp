#include "problem.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace twinloop::http {
namespace {

std::string_view problem_slug(int status) {
  switch (status) {
    case 400:
      return "bad-request";
    case 404:
      return "not-found";
    case 405:
      return "method-not-allowed";
    case 413:
      return "payload-too-large";
    default:
      return "internal-error";
  }
}

}  // namespace

api::Response make_problem(int status, std::string_view title, std::string_view detail,
                           std::string_view instance) {
  nlohmann::json problem = {
      {"type", "urn:twinloop:problem:" + std::string(problem_slug(status))},
      {"title", title},
      {"status", status},
      {"detail", detail},
  };
  if (!instance.empty()) problem["instance"] = instance.substr(0, instance.find('?'));
  api::Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  // Replace rather than throw on invalid UTF-8: the detail may quote what a client sent.
  response.body = problem.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace twinloop::http
