// /healthz, /metrics and /api/v1/openapi.json.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

using SystemEndpoints = ApiTest;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    lines.push_back(line);
  return lines;
}

bool contains_all(const std::string& line, const std::vector<std::string>& parts) {
  for (const auto& part : parts) {
    if (line.find(part) == std::string::npos) return false;
  }
  return true;
}

TEST_F(SystemEndpoints, HealthzReportsOkWithVersionAndDatabase) {
  const auto response = http().get("/healthz");
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_TRUE(response.header("content-type").starts_with("application/json"));
  const auto body = response.json();
  EXPECT_EQ(body.value("status", ""), "ok");
  EXPECT_EQ(body.value("database", ""), "ok");
  ASSERT_TRUE(body.contains("version") && body["version"].is_string()) << response.body;
  EXPECT_FALSE(body["version"].get<std::string>().empty());
}

TEST_F(SystemEndpoints, HealthzVersionMatchesTheVersionCommand) {
  const auto version = http().get("/healthz").json().at("version").get<std::string>();
  const auto command = run_twinloop({"version"}, temp_dir().path());
  ASSERT_EQ(command.exit_code(), 0) << command.output();
  EXPECT_NE(command.standard_output.find(version), std::string::npos)
      << "healthz says " << version << ", twinloop version says " << command.standard_output;
}

// The server counts a request once its response is written, which may be just after the
// client has read it: poll /metrics until the expected series shows up.
TEST_F(SystemEndpoints, MetricsCountRequestsByRouteMethodAndStatus) {
  ASSERT_TRUE(HasStatus(http().get("/api/v1/projects"), 200));
  ASSERT_TRUE(HasStatus(http().get("/api/v1/projects/999999"), 404));

  const std::vector<std::vector<std::string>> expected_series{
      {"twinloop_http_requests_total{", "route=\"/api/v1/projects\"", "method=\"GET\"",
       "status=\"200\""},
      {"twinloop_http_requests_total{", "route=\"/api/v1/projects/{id}\"", "method=\"GET\"",
       "status=\"404\""},
      {"twinloop_http_request_duration_seconds_bucket{", "le=\"+Inf\""}};

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  HttpResponse metrics;
  std::vector<std::string> missing;
  do {
    metrics = http().get("/metrics");
    ASSERT_TRUE(HasStatus(metrics, 200));
    missing.clear();
    const auto lines = lines_of(metrics.body);
    for (const auto& parts : expected_series) {
      const bool found = std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.starts_with(parts.front()) && contains_all(line, parts);
      });
      if (!found) missing.push_back(fmt::format("{}", fmt::join(parts, " ")));
    }
    if (missing.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);

  EXPECT_TRUE(metrics.header("content-type").starts_with("text/plain"))
      << metrics.header("content-type");
  EXPECT_TRUE(missing.empty()) << "no series with: " << fmt::format("{}", fmt::join(missing, "; "))
                               << "\n/metrics:\n"
                               << metrics.body;
}

struct RouteMethods {
  std::string path;
  std::vector<std::string> methods;
};

TEST_F(SystemEndpoints, OpenApiDocumentListsEveryRoute) {
  const auto response = http().get("/api/v1/openapi.json");
  ASSERT_TRUE(HasStatus(response, 200));
  const auto document = response.json();
  ASSERT_TRUE(document.contains("openapi") && document["openapi"].is_string());
  EXPECT_TRUE(document["openapi"].get<std::string>().starts_with("3.1")) << document["openapi"];
  ASSERT_TRUE(document.contains("paths") && document["paths"].is_object());
  const auto& paths = document["paths"];

  const std::vector<RouteMethods> routes{
      {"/api/v1/component-types", {"get"}},
      {"/api/v1/component-types/{type}", {"get"}},
      {"/api/v1/projects", {"get", "post"}},
      {"/api/v1/projects/{id}", {"get", "patch", "delete"}},
      {"/api/v1/projects/{id}/models", {"get", "post"}},
      {"/api/v1/projects/{id}/models/import", {"post"}},
      {"/api/v1/models/{id}", {"get", "patch", "delete"}},
      {"/api/v1/models/{id}/components", {"get", "post"}},
      {"/api/v1/models/{id}/connections", {"get", "post"}},
      {"/api/v1/models/{id}/export", {"get"}},
      {"/api/v1/components/{id}", {"get", "patch", "delete"}},
      {"/api/v1/connections/{id}", {"get", "delete"}},
  };
  for (const auto& route : routes) {
    if (!paths.contains(route.path)) {
      ADD_FAILURE() << "openapi.json has no path " << route.path;
      continue;
    }
    for (const auto& method : route.methods) {
      EXPECT_TRUE(paths[route.path].contains(method))
          << "openapi.json has no " << method << " for " << route.path;
    }
  }
}

}  // namespace
}  // namespace twinloop::itest
