#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twinloop::http::testing {

struct CaseInsensitiveLess {
  bool operator()(std::string_view lhs, std::string_view rhs) const;
};

struct Reply {
  int status = 0;
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  bool keep_alive = false;

  std::string header(std::string_view name) const;
};

// A request as bytes on the wire: Host and, for a body, Content-Length are added.
std::string make_request(std::string_view method, std::string_view target,
                         std::string_view body = {},
                         const std::vector<std::pair<std::string, std::string>>& headers = {});

// A blocking HTTP/1.1 client on a plain socket to 127.0.0.1, so a test can send anything,
// including malformed requests. Every read gives up after a few seconds, so a server that
// never answers fails the test instead of hanging it.
class TestClient {
 public:
  explicit TestClient(std::uint16_t port, std::string_view address = "127.0.0.1");
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  void send(std::string_view bytes);
  // Reads one response; a HEAD response has a Content-Length but no body. Throws
  // std::runtime_error when the connection ends or times out first.
  Reply receive(bool head_request = false);
  Reply exchange(std::string_view request_bytes, bool head_request = false);
  // True when the server closed the connection (end of stream or reset) with no more data.
  bool closed_by_peer();

 private:
  int socket_ = -1;
  std::string unparsed_;
};

}  // namespace twinloop::http::testing
