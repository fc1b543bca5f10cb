#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "support/http_client.hpp"

namespace twinloop::itest {

// A blocking WebSocket client for one connection to a server on loopback. Throws
// std::runtime_error when the handshake or a send fails.
class WebSocketClient {
 public:
  // Connects and upgrades; on a refused upgrade throws WebSocketRefused with the HTTP answer.
  WebSocketClient(const std::string& host, std::uint16_t port, const std::string& target);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  void send(const std::string& text);
  // The next text message; nullopt when the server closed the connection or nothing came
  // within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Whether the server's close (after the last receive() returned nullopt) was a normal one.
  bool closed_normally() const { return closed_normally_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool closed_normally_ = false;
};

// The HTTP answer of a server that refused the upgrade.
struct WebSocketRefused : std::runtime_error {
  explicit WebSocketRefused(HttpResponse answer);
  HttpResponse response;
};

}  // namespace twinloop::itest
