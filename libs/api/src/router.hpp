#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twinloop/api/http_message.hpp"

namespace twinloop::api {

// One request on its way through a handler: the request and what the route matched.
struct Call {
  const Request& request;
  std::string_view path;
  std::string_view query;
  std::vector<std::string_view> path_parameters;  // in pattern order

  // The first path parameter as an id (the route guarantees it is a positive integer).
  std::int64_t id() const;
  // The query parameter of that name, percent-decoded; nullopt when absent.
  std::optional<std::string> query_parameter(std::string_view name) const;
};

using Handler = std::function<Response(const Call&)>;

// The route table: patterns of literal segments and parameters. "{id}" matches a positive
// integer, any other "{name}" one non-empty segment.
class Router {
 public:
  void add(std::string_view method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // nullptr: the path matched but not the method
    std::string_view pattern;
    std::vector<std::string_view> path_parameters;
    std::string allowed_methods;  // "GET, POST"
  };
  // The route for a path and method; nullopt when no pattern matches the path.
  std::optional<Match> match(std::string_view method, std::string_view path) const;

  // Every (method, pattern) pair, in the order added.
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Segment {
    std::string text;
    bool is_parameter = false;
    bool is_id = false;
  };
  struct Route {
    std::string pattern;
    std::vector<Segment> segments;
    std::vector<std::pair<std::string, Handler>> methods;
  };
  std::vector<Route> routes_;
};

// Percent-decodes a URL component ('+' stays '+'); nullopt when malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace twinloop::api
