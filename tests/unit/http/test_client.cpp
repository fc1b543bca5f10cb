#include "test_client.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace twinloop::http::testing {
namespace {

namespace bhttp = boost::beast::http;

constexpr int kReadTimeoutSeconds = 10;

std::runtime_error socket_error(std::string_view what) {
  return std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view lhs, std::string_view rhs) const {
  return boost::beast::iless()(lhs, rhs);
}

std::string Reply::header(std::string_view name) const {
  const auto found = headers.find(std::string(name));
  return found == headers.end() ? std::string() : found->second;
}

std::string make_request(std::string_view method, std::string_view target, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: test\r\n", method, target);
  for (const auto& [name, value] : headers)
    request += fmt::format("{}: {}\r\n", name, value);
  if (!body.empty()) request += fmt::format("Content-Length: {}\r\n", body.size());
  request += "\r\n";
  request += body;
  return request;
}

TestClient::TestClient(std::uint16_t port, std::string_view address) {
  const bool v6 = address.find(':') != std::string_view::npos;
  socket_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (socket_ < 0) throw socket_error("socket");
  const timeval timeout{.tv_sec = kReadTimeoutSeconds, .tv_usec = 0};
  ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const std::string host(address);
  int result = -1;
  if (v6) {
    sockaddr_in6 endpoint{};
    endpoint.sin6_family = AF_INET6;
    endpoint.sin6_port = htons(port);
    ::inet_pton(AF_INET6, host.c_str(), &endpoint.sin6_addr);
    result = ::connect(socket_, reinterpret_cast<const sockaddr*>(&endpoint), sizeof endpoint);
  } else {
    sockaddr_in endpoint{};
    endpoint.sin_family = AF_INET;
    endpoint.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &endpoint.sin_addr);
    result = ::connect(socket_, reinterpret_cast<const sockaddr*>(&endpoint), sizeof endpoint);
  }
  if (result != 0) {
    const std::runtime_error error = socket_error(fmt::format("connect to {} port {}", host, port));
    ::close(socket_);
    throw error;
  }
}

TestClient::~TestClient() {
  ::close(socket_);
}

void TestClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) throw socket_error("send");
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

Reply TestClient::receive(bool head_request) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.skip(head_request);
  char chunk[4096];
  for (;;) {
    if (!unparsed_.empty()) {
      boost::beast::error_code error;
      const std::size_t used =
          parser.put(boost::asio::buffer(unparsed_.data(), unparsed_.size()), error);
      unparsed_.erase(0, used);
      if (error && error != bhttp::error::need_more) {
        throw std::runtime_error("invalid response: " + error.message());
      }
      if (parser.is_done()) break;
      if (used > 0) continue;
    }
    const ssize_t received = ::recv(socket_, chunk, sizeof chunk, 0);
    if (received == 0) throw std::runtime_error("the server closed the connection");
    if (received < 0) throw socket_error("recv");
    unparsed_.append(chunk, static_cast<std::size_t>(received));
  }
  const auto& message = parser.get();
  Reply reply;
  reply.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    reply.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  }
  reply.body = message.body();
  reply.keep_alive = message.keep_alive();
  return reply;
}

Reply TestClient::exchange(std::string_view request_bytes, bool head_request) {
  send(request_bytes);
  return receive(head_request);
}

bool TestClient::closed_by_peer() {
  if (!unparsed_.empty()) return false;
  char byte = 0;
  const ssize_t received = ::recv(socket_, &byte, 1, 0);
  return received == 0 || (received < 0 && errno == ECONNRESET);
}

}  // namespace twinloop::http::testing
