#include "responses.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>

#include "twinloop/core/error.hpp"

namespace twinloop::api {

std::string utc_now() {
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto days = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss time{now - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count(),
                     time.subseconds().count());
}

Response json_response(int status, const nlohmann::json& body) {
  return json_text_response(status,
                            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response json_text_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

Response no_content() {
  Response response;
  response.status = 204;
  return response;
}

namespace {

std::int64_t integer_query(const Call& call, std::string_view name, std::int64_t fallback,
                           std::int64_t min, std::int64_t max) {
  const auto text = call.query_parameter(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc{} || end != text->data() + text->size() || value < min || value > max) {
    const std::string detail = fmt::format(
        "query parameter '{}' must be an integer from {} to {}, got '{}'", name, min, max, *text);
    throw core::Error(core::ErrorKind::bad_request, detail,
                      {core::FieldProblem{{}, detail, std::string(name)}});
  }
  return value;
}

}  // namespace

store::PageRequest page_request(const Call& call) {
  store::PageRequest page;
  page.limit = integer_query(call, "limit", 50, 1, 1000);
  page.offset = integer_query(call, "offset", 0, 0, std::numeric_limits<std::int64_t>::max() / 2);
  return page;
}

}  // namespace twinloop::api
