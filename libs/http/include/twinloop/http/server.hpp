#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "twinloop/api/http_message.hpp"

namespace twinloop::http {

struct ServerOptions {
  std::string host = "127.0.0.1";    // an IPv4 or IPv6 literal, or a host name to resolve
  std::uint16_t port = 7777;         // 0: an ephemeral port, see Server::port()
  int threads = 2;                   // I/O threads, at least 1
  std::size_t body_limit = 1 << 20;  // bytes; a larger request body is answered with 413
  std::string static_dir;            // empty: no static files
  // How long a keep-alive connection may wait for its next request; also bounds reading one
  // request and writing one response.
  std::chrono::seconds idle_timeout{30};
  std::chrono::seconds shutdown_grace{10};
};

// An HTTP/1.1 server that hands every request to a RequestHandler and serves the web app's
// static files. Connections are kept alive; each is served on its own strand, so one
// connection's requests are handled one after the other while connections run in parallel.
class Server {
 public:
  // Throws std::invalid_argument when the options cannot work (threads < 1).
  Server(api::RequestHandler& handler, ServerOptions options);
  ~Server();  // stops if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O threads. Throws std::runtime_error naming the address
  // when the host cannot be resolved or the address cannot be bound (for example, in use),
  // and std::logic_error when already running. A stopped server may be started again.
  void start();

  // The bound port (useful with port 0); 0 before the first start().
  std::uint16_t port() const;

  // Stops accepting, closes idle keep-alive connections, lets requests in flight finish and
  // write their responses for up to shutdown_grace, then closes what is left and joins the
  // threads (a handler call still running then is waited for: it cannot be interrupted).
  // Idempotent.
  void stop();

  // Starts if not running, blocks until SIGINT or SIGTERM arrives, then stops. `on_armed` runs
  // once the signals are caught: announce the server there, so that a signal sent by whoever
  // waited for the announcement stops it gracefully instead of killing it.
  void run_until_signal(const std::function<void()>& on_armed = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinloop::http
