#include "support/http_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace twinloop::itest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto request_timeout = std::chrono::seconds(10);
constexpr std::uint64_t response_body_limit = 64U * 1024U * 1024U;

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

nlohmann::json HttpResponse::json() const {
  return nlohmann::json::parse(body);
}

std::string HttpResponse::header(const std::string& name) const {
  const auto found = headers.find(name);
  return found == headers.end() ? std::string{} : found->second;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body, const std::string& content_type,
                                 const HeaderList& extra_headers) const {
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(request_timeout);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host_), port_));

    http::request<http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(http::field::host, fmt::format("{}:{}", host_, port_));
    request.set(http::field::connection, "close");
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    for (const auto& [name, value] : extra_headers)
      request.set(name, value);
    request.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      request.prepare_payload();
    }
    http::write(stream, request);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(response_body_limit);
    http::read(stream, buffer, parser);
    auto& message = parser.get();

    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      const auto name = to_lower(std::string(field.name_string()));
      const std::string value(field.value());
      auto [entry, inserted] = response.headers.emplace(name, value);
      if (!inserted) entry->second += ", " + value;
    }
    response.body = std::move(message.body());
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return response;
  } catch (const std::exception& error) {
    throw std::runtime_error(
        fmt::format("{} http://{}:{}{} failed: {}", method, host_, port_, target, error.what()));
  }
}

HttpResponse HttpClient::post(const std::string& target, const nlohmann::json& body) const {
  return request("POST", target, body.dump(), "application/json");
}

HttpResponse HttpClient::patch(const std::string& target, const nlohmann::json& body) const {
  return request("PATCH", target, body.dump(), "application/json");
}

}  // namespace twinloop::itest
