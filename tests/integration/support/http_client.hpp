#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace twinloop::itest {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined ", "
  std::string body;

  // The body parsed as JSON; throws nlohmann::json::parse_error when it is not.
  nlohmann::json json() const;
  // The header's value, empty when absent. `name` in lower case.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const { return headers.contains(name); }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request per connection to a server on the given host (an IPv4 literal). Throws
// std::runtime_error when the server cannot be reached or does not answer within 10 s.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::string& content_type = {},
                       const HeaderList& extra_headers = {}) const;

  HttpResponse get(const std::string& target) const { return request("GET", target); }
  HttpResponse del(const std::string& target) const { return request("DELETE", target); }
  HttpResponse post(const std::string& target, const nlohmann::json& body) const;
  HttpResponse patch(const std::string& target, const nlohmann::json& body) const;

 private:
  std::string host_;
  std::uint16_t port_;
};

}  // namespace twinloop::itest
