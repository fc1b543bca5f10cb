#include "problem.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace twinloop::api {

namespace {

struct ProblemClass {
  int status;
  std::string_view title;
  std::string_view slug;
};

ProblemClass problem_class(core::ErrorKind kind) {
  using core::ErrorKind;
  switch (kind) {
    case ErrorKind::bad_request:
      return {400, "Bad Request", "bad-request"};
    case ErrorKind::not_found:
      return {404, "Not Found", "not-found"};
    case ErrorKind::method_not_allowed:
      return {405, "Method Not Allowed", "method-not-allowed"};
    case ErrorKind::conflict:
      return {409, "Conflict", "conflict"};
    case ErrorKind::payload_too_large:
      return {413, "Content Too Large", "payload-too-large"};
    case ErrorKind::unsupported_media_type:
      return {415, "Unsupported Media Type", "unsupported-media-type"};
    case ErrorKind::unprocessable:
      return {422, "Unprocessable Content", "validation-failed"};
    case ErrorKind::internal:
      break;
  }
  return {500, "Internal Server Error", "internal-error"};
}

ProblemClass problem_class(int status) {
  using core::ErrorKind;
  for (auto kind : {ErrorKind::bad_request, ErrorKind::not_found, ErrorKind::method_not_allowed,
                    ErrorKind::conflict, ErrorKind::payload_too_large,
                    ErrorKind::unsupported_media_type, ErrorKind::unprocessable}) {
    if (problem_class(kind).status == status) return problem_class(kind);
  }
  if (status == 426) return {426, "Upgrade Required", "upgrade-required"};
  if (status == 503) return {503, "Service Unavailable", "service-unavailable"};
  return problem_class(ErrorKind::internal);
}

Response make_problem(const ProblemClass& problem, std::string_view slug, std::string_view detail,
                      std::string_view instance, nlohmann::json errors) {
  nlohmann::json body{{"type", "urn:twinloop:problem:" + std::string(slug)},
                      {"title", problem.title},
                      {"status", problem.status},
                      {"detail", detail}};
  if (!instance.empty()) body["instance"] = instance;
  if (!errors.empty()) body["errors"] = std::move(errors);
  Response response;
  response.status = problem.status;
  response.content_type = "application/problem+json";
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace

int status_of(core::ErrorKind kind) {
  return problem_class(kind).status;
}

Response error_response(const core::Error& error, std::string_view instance) {
  const ProblemClass problem = problem_class(error.kind());
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& field : error.fields()) {
    if (!field.query_parameter.empty()) {
      errors.push_back({{"parameter", field.query_parameter}, {"detail", field.detail}});
    } else {
      errors.push_back({{"pointer", field.pointer}, {"detail", field.detail}});
    }
  }
  const std::string_view slug = error.type_slug().empty() ? problem.slug : error.type_slug();
  return make_problem(problem, slug, error.what(), instance, std::move(errors));
}

Response status_problem(int status, std::string_view detail, std::string_view instance) {
  const ProblemClass problem = problem_class(status);
  return make_problem(problem, problem.slug, detail, instance, nlohmann::json::array());
}

Response problem_response(int status, std::string_view detail) {
  return status_problem(status, detail, {});
}

}  // namespace twinloop::api
