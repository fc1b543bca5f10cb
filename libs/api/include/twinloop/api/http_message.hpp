#pragma once

#include <chrono>
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

// What the transport calls: the API application implements it; tests may give their own.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Must not throw: every failure becomes a response. Called from many threads at once.
  virtual Response handle(const Request& request) = 0;
  // One answered request for /metrics: its route, status and the time from its arrival to
  // the response being written.
  virtual void observe(std::string_view route, std::string_view method, int status,
                       std::chrono::nanoseconds latency) = 0;
};

// A problem+json response (RFC 9457) for transport-level failures that happen before a
// request reaches the handlers (a body over the limit, a malformed request line).
Response problem_response(int status, std::string_view detail);

}  // namespace twinloop::api
