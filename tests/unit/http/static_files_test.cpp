#include "static_files.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "fake_handler.hpp"
#include "test_client.hpp"
#include "twinloop/http/server.hpp"

namespace twinloop::http {
namespace {

using testing::FakeHandler;
using testing::make_request;
using testing::Reply;
using testing::TestClient;

TEST(PercentDecodeTest, DecodesEscapesInAnyCase) {
  EXPECT_EQ(percent_decode("/a%20b"), "/a b");
  EXPECT_EQ(percent_decode("%2e%2E"), "..");
  EXPECT_EQ(percent_decode("%2Fetc"), "/etc");
  EXPECT_EQ(percent_decode("plain+text"), "plain+text");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%00"), std::string(1, '\0'));
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%2"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("%g0"), std::nullopt);
}

TEST(ContentTypeTest, KnowsTheWebAppsFileTypes) {
  EXPECT_EQ(content_type_for_extension(".html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for_extension(".JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for_extension(".mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for_extension(".css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for_extension(".json"), "application/json");
  EXPECT_EQ(content_type_for_extension(".map"), "application/json");
  EXPECT_EQ(content_type_for_extension(".png"), "image/png");
  EXPECT_EQ(content_type_for_extension(".svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for_extension(".ico"), "image/x-icon");
  EXPECT_EQ(content_type_for_extension(".woff"), "font/woff");
  EXPECT_EQ(content_type_for_extension(".woff2"), "font/woff2");
  EXPECT_EQ(content_type_for_extension(".txt"), "text/plain; charset=utf-8");
}

TEST(ContentTypeTest, FallsBackToOctetStream) {
  EXPECT_EQ(content_type_for_extension(".exe"), "application/octet-stream");
  EXPECT_EQ(content_type_for_extension(""), "application/octet-stream");
}

// A static directory inside a temporary directory that also holds a file the server must
// never hand out.
class StaticFilesServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    base_ = std::filesystem::temp_directory_path() /
            fmt::format("twinloop-http-test-{}-{}", ::getpid(), counter++);
    root_ = base_ / "web";
    write(base_ / "secret.txt", "top secret");
    write(root_ / "index.html", "<h1>twinloop</h1>");
    write(root_ / "assets" / "app.js", "console.log(1);");
    write(root_ / "assets" / "style.css", "body{}");
    write(root_ / "docs" / "index.html", "<h1>API docs</h1>");
    write(root_ / "docs" / "swagger.js", "swagger();");
    write(root_ / "api" / "v1" / "projects", "a file where the API lives");
    write(root_ / "healthz", "a file named healthz");
    write(root_ / "metrics", "a file named metrics");

    ServerOptions options;
    options.port = 0;
    options.static_dir = root_.string();
    server_ = std::make_unique<Server>(handler_, options);
    server_->start();
  }

  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(base_);
  }

  static void write(const std::filesystem::path& file, std::string_view content) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }

  Reply request(std::string_view method, std::string_view target) {
    TestClient client(server_->port());
    return client.exchange(make_request(method, target), method == "HEAD");
  }

  std::filesystem::path base_;
  std::filesystem::path root_;
  FakeHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(StaticFilesServerTest, RootServesIndexHtmlThatIsAlwaysRevalidated) {
  const Reply reply = request("GET", "/");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "<h1>twinloop</h1>");
  EXPECT_EQ(reply.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(reply.header("Cache-Control"), "no-cache");
  EXPECT_EQ(request("GET", "/index.html").body, "<h1>twinloop</h1>");
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(StaticFilesServerTest, HashedAssetsHaveTheirContentTypeAndAreCachedForever) {
  const Reply script = request("GET", "/assets/app.js");
  const Reply style = request("GET", "/assets/style.css?v=3");
  EXPECT_EQ(script.body, "console.log(1);");
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(style.body, "body{}");
  EXPECT_EQ(style.header("Content-Type"), "text/css; charset=utf-8");
}

TEST_F(StaticFilesServerTest, FilesOutsideAssetsAreCachedForAnHour) {
  EXPECT_EQ(request("GET", "/docs/swagger.js").header("Cache-Control"), "public, max-age=3600");
}

TEST_F(StaticFilesServerTest, ClientRoutesOfTheWebAppGetIndexHtml) {
  for (const char* target : {"/projects", "/projects/3", "/models/4?tab=simulation"}) {
    const Reply reply = request("GET", target);
    EXPECT_EQ(reply.status, 200) << target;
    EXPECT_EQ(reply.body, "<h1>twinloop</h1>") << target;
    EXPECT_EQ(reply.header("Cache-Control"), "no-cache") << target;
  }
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(StaticFilesServerTest, WithoutIndexHtmlClientRoutesGoToTheHandler) {
  std::filesystem::remove(root_ / "index.html");
  request("GET", "/projects/3");
  ASSERT_EQ(handler_.requests().size(), 1u);
  EXPECT_EQ(handler_.requests()[0].target, "/projects/3");
}

TEST_F(StaticFilesServerTest, PercentEncodedNamesAreDecoded) {
  EXPECT_EQ(request("GET", "/assets/%61pp.js").body, "console.log(1);");
}

TEST_F(StaticFilesServerTest, HeadGivesTheLengthWithoutTheBody) {
  const Reply reply = request("HEAD", "/assets/app.js");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Length"), "15");
  EXPECT_EQ(reply.body, "");
}

TEST_F(StaticFilesServerTest, DocsRedirectsToItsSlashForm) {
  const Reply plain = request("GET", "/docs");
  EXPECT_EQ(plain.status, 301);
  EXPECT_EQ(plain.header("Location"), "/docs/");
  EXPECT_EQ(request("GET", "/docs?url=/api/v1/openapi.json").header("Location"),
            "/docs/?url=/api/v1/openapi.json");
  EXPECT_EQ(request("GET", "//docs").header("Location"), "/docs/") << "not to the host 'docs'";

  const Reply docs = request("GET", "/docs/");
  EXPECT_EQ(docs.status, 200);
  EXPECT_EQ(docs.body, "<h1>API docs</h1>");
  EXPECT_EQ(docs.header("Cache-Control"), "no-cache");
}

TEST_F(StaticFilesServerTest, MissingFilesGoToTheHandler) {
  request("GET", "/nothing-here.js");
  request("GET", "/assets/");
  request("GET", "/assets/gone-1234.css");
  ASSERT_EQ(handler_.requests().size(), 3u);
  EXPECT_EQ(handler_.requests()[0].target, "/nothing-here.js");
  EXPECT_EQ(handler_.requests()[1].target, "/assets/");
  EXPECT_EQ(handler_.requests()[2].target, "/assets/gone-1234.css");
}

TEST_F(StaticFilesServerTest, ApiHealthAndMetricsPathsAlwaysGoToTheHandler) {
  for (const char* target : {"/api/v1/projects", "/healthz", "/metrics", "/api"}) {
    const Reply reply = request("GET", target);
    EXPECT_EQ(reply.header("Content-Type"), "text/plain") << target;
  }
  EXPECT_EQ(handler_.requests().size(), 4u);
}

TEST_F(StaticFilesServerTest, OtherMethodsGoToTheHandler) {
  const Reply reply = request("POST", "/index.html");
  ASSERT_EQ(handler_.requests().size(), 1u);
  EXPECT_EQ(handler_.requests()[0].method, "POST");
  EXPECT_EQ(reply.header("Content-Type"), "text/plain");
}

class PathTraversalTest : public StaticFilesServerTest,
                          public ::testing::WithParamInterface<std::string> {};

TEST_P(PathTraversalTest, IsRefusedWith404) {
  const Reply reply = request("GET", GetParam());
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  EXPECT_NE(reply.body.find("urn:twinloop:problem:not-found"), std::string::npos);
  EXPECT_EQ(reply.body.find("top secret"), std::string::npos);
  EXPECT_TRUE(handler_.requests().empty());
}

INSTANTIATE_TEST_SUITE_P(Targets, PathTraversalTest,
                         ::testing::Values("/../secret.txt", "/%2e%2e/secret.txt",
                                           "/%2E%2E/secret.txt", "/docs/../../secret.txt",
                                           "/docs/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt",
                                           "/..", "/index.html%00.txt", "/bad%zzescape"));

TEST_F(StaticFilesServerTest, AnAbsolutePathInTheTargetStaysInsideTheRoot) {
  const Reply reply = request("GET", "/" + (base_ / "secret.txt").string());
  EXPECT_EQ(reply.body.find("top secret"), std::string::npos);
}

}  // namespace
}  // namespace twinloop::http
