#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twinloop::api {

// An HTTP request as the handlers see it: no transport types, so handlers are plain functions
// from request to response and are tested without sockets.
struct Request {
  std::string method;        // "GET", "POST", ...
  std::string target;        // path and query as sent: "/api/v1/projects?limit=5"
  std::string content_type;  // the Content-Type header, empty when absent
  std::string origin;        // the Origin header, empty when absent
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Location, ...)
  // The route pattern that answered ("/api/v1/projects/{id}"), for metrics; "unmatched"
  // when none did.
  std::string route = "unmatched";
};

// A stream of messages from the server to one client over a WebSocket, as the handlers see
// it. The transport calls poll() every interval() and sends what it returns, and hands each
// text message the client sends to receive(). Calls on one stream never overlap; a stream is
// destroyed when its connection closes.
class Stream {
 public:
  virtual ~Stream() = default;
  virtual std::chrono::milliseconds interval() const = 0;
  // Appends the messages to send now. Returns false when the stream has ended: the transport
  // sends what was appended and closes the connection.
  virtual bool poll(std::vector<std::string>& messages) = 0;
  // Appends the replies to a message from the client.
  virtual void receive(std::string_view message, std::vector<std::string>& replies) = 0;
};

// The answer to a WebSocket upgrade request: a stream, or an HTTP response that refuses it.
struct StreamOpening {
  std::unique_ptr<Stream> stream;  // null: answer with `refusal`
  Response refusal;
  std::string route = "unmatched";  // for metrics, as Response::route
};

// What the transport calls: the API application implements it; tests may give their own.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Must not throw: every failure becomes a response. Called from many threads at once.
  virtual Response handle(const Request& request) = 0;
  // For a WebSocket upgrade request. Must not throw. Called from many threads at once.
  virtual StreamOpening open_stream(const Request& request) = 0;
  // The largest body a request to `target` with `method` may have, in bytes; 0 for the
  // transport's own limit. Lets one route (FMU uploads) take more than the rest. Must not throw.
  virtual std::size_t body_limit(std::string_view method, std::string_view target) const {
    static_cast<void>(method);
    static_cast<void>(target);
    return 0;
  }
  // One answered request for /metrics: its route, status and the time from its arrival to
  // the response being written.
  virtual void observe(std::string_view route, std::string_view method, int status,
                       std::chrono::nanoseconds latency) = 0;
};

// A problem+json response (RFC 9457) for transport-level failures that happen before a
// request reaches the handlers (a body over the limit, a malformed request line).
Response problem_response(int status, std::string_view detail);

}  // namespace twinloop::api
