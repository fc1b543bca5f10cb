#include "router.hpp"

#include <gtest/gtest.h>

namespace twinloop::api {
namespace {

Handler answer(int status) {
  return [status](const Call&) {
    Response response;
    response.status = status;
    return response;
  };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/api/v1/projects", answer(1));
    router.add("POST", "/api/v1/projects", answer(2));
    router.add("GET", "/api/v1/projects/{id}", answer(3));
    router.add("GET", "/api/v1/component-types/{type}", answer(4));
  }
  Router router;
};

TEST_F(RouterTest, MatchesLiteralRoutesByMethod) {
  auto match = router.match("POST", "/api/v1/projects");
  ASSERT_TRUE(match);
  ASSERT_NE(match->handler, nullptr);
  EXPECT_EQ(match->pattern, "/api/v1/projects");
  EXPECT_EQ(match->allowed_methods, "GET, POST");
}

TEST_F(RouterTest, IdParametersArePositiveIntegers) {
  auto match = router.match("GET", "/api/v1/projects/42");
  ASSERT_TRUE(match);
  ASSERT_EQ(match->path_parameters.size(), 1u);
  EXPECT_EQ(match->path_parameters[0], "42");
  for (auto path : {"/api/v1/projects/abc", "/api/v1/projects/0", "/api/v1/projects/-1",
                    "/api/v1/projects/01", "/api/v1/projects/", "/api/v1/projects/1/"}) {
    EXPECT_FALSE(router.match("GET", path)) << path;
  }
  EXPECT_FALSE(router.match("GET", "/api/v1/projects/12345678901234567890"));
}

TEST_F(RouterTest, NamedParametersTakeAnySegment) {
  auto match = router.match("GET", "/api/v1/component-types/pt1");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->path_parameters.at(0), "pt1");
}

TEST_F(RouterTest, WrongMethodMatchesPathWithoutHandler) {
  auto match = router.match("DELETE", "/api/v1/projects");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->handler, nullptr);
  EXPECT_EQ(match->allowed_methods, "GET, POST");
}

TEST_F(RouterTest, UnknownPathsDoNotMatch) {
  EXPECT_FALSE(router.match("GET", "/api/v1/nope"));
  EXPECT_FALSE(router.match("GET", ""));
  EXPECT_FALSE(router.match("GET", "api/v1/projects"));
}

TEST(CallQuery, FindsAndDecodesParameters) {
  Request request;
  const Call call{request, "/x", "limit=5&name=Line%203+A&flag&empty=", {}};
  EXPECT_EQ(call.query_parameter("limit"), "5");
  EXPECT_EQ(call.query_parameter("name"), "Line 3 A");
  EXPECT_EQ(call.query_parameter("flag"), "");
  EXPECT_EQ(call.query_parameter("empty"), "");
  EXPECT_FALSE(call.query_parameter("offset"));
}

TEST(PercentDecode, DecodesAndRefusesMalformed) {
  EXPECT_EQ(percent_decode("a%2Fb%20c"), "a/b c");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%zz"));
}

}  // namespace
}  // namespace twinloop::api
