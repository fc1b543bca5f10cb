#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "static_files.hpp"
#include "twinloop/api/http_message.hpp"
#include "twinloop/http/server.hpp"

namespace twinloop::http {

// An open connection (HTTP keep-alive or WebSocket) as the server's shutdown sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Asks the connection, from any thread, to close once it is not in the middle of answering.
  virtual void post_close_if_idle() = 0;
};

// The open connections, so that stop() can close the idle ones and wait for the busy ones.
class ConnectionRegistry {
 public:
  void begin_accepting() {
    const std::lock_guard lock(mutex_);
    stopping_ = false;
    accepting_ = true;
  }

  void accept_loop_ended() {
    const std::lock_guard lock(mutex_);
    accepting_ = false;
    changed_.notify_all();
  }

  void add(const std::shared_ptr<Connection>& connection) {
    const std::lock_guard lock(mutex_);
    connections_.emplace(connection.get(), connection);
  }

  void remove(const Connection* connection) {
    const std::lock_guard lock(mutex_);
    connections_.erase(connection);
    changed_.notify_all();
  }

  // Marks the server as stopping and returns the connections open now. A connection added
  // later sees stopping() and closes instead of reading a request.
  std::vector<std::shared_ptr<Connection>> begin_stop() {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    std::vector<std::shared_ptr<Connection>> open;
    open.reserve(connections_.size());
    for (const auto& [key, connection] : connections_) {
      if (auto alive = connection.lock()) open.push_back(std::move(alive));
    }
    return open;
  }

  bool stopping() const { return stopping_.load(); }

  // Waits until the accept loop has ended and every connection has closed; false on timeout.
  bool wait_until_closed(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return !accepting_ && connections_.empty(); });
  }

  std::size_t open_connections() const {
    const std::lock_guard lock(mutex_);
    return connections_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections_;
  std::atomic<bool> stopping_{false};
  bool accepting_ = false;
};

// What the acceptor and every connection share; outlives all connections.
struct ServerContext {
  api::RequestHandler& handler;
  ServerOptions options;
  std::optional<StaticFiles> static_files;
  ConnectionRegistry registry;
};

}  // namespace twinloop::http
