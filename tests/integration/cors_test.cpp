// CORS with --cors-origin, and none without it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

constexpr const char* allowed_origin = "http://example.test";

class Cors : public ApiTest {
 protected:
  std::vector<std::string> server_arguments() const override {
    return {"--cors-origin", allowed_origin};
  }
};

TEST_F(Cors, RequestFromTheOriginIsAllowed) {
  const auto response =
      http().request("GET", "/api/v1/projects", {}, {}, {{"Origin", allowed_origin}});
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_EQ(response.header("access-control-allow-origin"), allowed_origin);
}

TEST_F(Cors, ErrorResponsesAreAllowedToo) {
  const auto response =
      http().request("GET", "/api/v1/projects/999999", {}, {}, {{"Origin", allowed_origin}});
  EXPECT_TRUE(IsProblem(response, 404));
  EXPECT_EQ(response.header("access-control-allow-origin"), allowed_origin);
}

TEST_F(Cors, PreflightIs204WithAllowedMethods) {
  const auto response = http().request("OPTIONS", "/api/v1/projects", {}, {},
                                       {{"Origin", allowed_origin},
                                        {"Access-Control-Request-Method", "POST"},
                                        {"Access-Control-Request-Headers", "content-type"}});
  ASSERT_TRUE(HasStatus(response, 204));
  EXPECT_EQ(response.header("access-control-allow-origin"), allowed_origin);
  const auto methods = response.header("access-control-allow-methods");
  EXPECT_NE(methods.find("POST"), std::string::npos) << "Allow-Methods: " << methods;
  EXPECT_NE(methods.find("GET"), std::string::npos) << "Allow-Methods: " << methods;
  // A browser sends JSON with a Content-Type that is not CORS-safelisted.
  auto headers = response.header("access-control-allow-headers");
  std::transform(headers.begin(), headers.end(), headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_NE(headers.find("content-type"), std::string::npos) << "Allow-Headers: " << headers;
}

using NoCors = ApiTest;

TEST_F(NoCors, WithoutCorsOriginNoCorsHeaders) {
  const auto response =
      http().request("GET", "/api/v1/projects", {}, {}, {{"Origin", allowed_origin}});
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_FALSE(response.has_header("access-control-allow-origin"))
      << response.header("access-control-allow-origin");
}

}  // namespace
}  // namespace twinloop::itest
