#include "metrics.hpp"

#include <gtest/gtest.h>

namespace twinloop::api {
namespace {

using std::chrono::microseconds;

TEST(HttpMetrics, CountsByRouteMethodAndStatus) {
  HttpMetrics metrics;
  metrics.observe("/api/v1/projects", "GET", 200, microseconds(300));
  metrics.observe("/api/v1/projects", "GET", 200, microseconds(300));
  metrics.observe("/api/v1/projects", "POST", 409, microseconds(2000));
  const auto text = metrics.render();
  EXPECT_NE(text.find("twinloop_http_requests_total{route=\"/api/v1/projects\",method=\"GET\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("method=\"POST\",status=\"409\"} 1\n"), std::string::npos);
}

TEST(HttpMetrics, HistogramBucketsAreCumulative) {
  HttpMetrics metrics;
  metrics.observe("r", "GET", 200, microseconds(50));          // first bucket (0.0001)
  metrics.observe("r", "GET", 200, microseconds(3000));        // 0.005 bucket
  metrics.observe("r", "GET", 200, std::chrono::seconds(10));  // only +Inf
  const auto text = metrics.render();
  EXPECT_NE(text.find("_bucket{route=\"r\",le=\"0.0001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("_bucket{route=\"r\",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("_bucket{route=\"r\",le=\"2.5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("_bucket{route=\"r\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("_count{route=\"r\"} 3\n"), std::string::npos);
}

TEST(HttpMetrics, EscapesLabelValues) {
  HttpMetrics metrics;
  metrics.observe("a\"b\\c", "GET", 200, microseconds(1));
  EXPECT_NE(metrics.render().find("route=\"a\\\"b\\\\c\""), std::string::npos);
}

}  // namespace
}  // namespace twinloop::api
