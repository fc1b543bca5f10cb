#include "twinloop/http/server.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_handler.hpp"
#include "termination_signal.hpp"
#include "test_client.hpp"

namespace twinloop::http {
namespace {

using testing::FakeHandler;
using testing::make_request;
using testing::Reply;
using testing::TestClient;
using namespace std::chrono_literals;

constexpr auto kPromptly = 5s;

ServerOptions loopback_options() {
  ServerOptions options;
  options.port = 0;
  return options;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = loopback_options()) {
    server_ = std::make_unique<Server>(handler_, std::move(options));
    server_->start();
  }

  std::uint16_t port() const { return server_->port(); }

  Reply get(std::string_view target) {
    TestClient client(port());
    return client.exchange(make_request("GET", target));
  }

  FakeHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, StartsOnAnEphemeralPortAndAnswers) {
  start();
  EXPECT_NE(port(), 0);
  EXPECT_EQ(get("/anything").status, 200);
}

TEST_F(ServerTest, HandsTheRequestToTheHandlerAndWritesItsResponse) {
  handler_.respond = [](const api::Request&) {
    api::Response response;
    response.status = 201;
    response.content_type = "application/json";
    response.body = R"({"id":7})";
    response.headers = {{"Location", "/api/v1/projects/7"}, {"X-Extra", "yes"}};
    return response;
  };
  start();
  TestClient client(port());

  const Reply reply = client.exchange(
      make_request("POST", "/api/v1/projects?limit=5", R"({"name":"press"})",
                   {{"Content-Type", "application/json"}, {"Origin", "http://localhost:5173"}}));

  const std::vector<api::Request> requests = handler_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const api::Request& request = requests.front();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/projects?limit=5");
  EXPECT_EQ(request.content_type, "application/json");
  EXPECT_EQ(request.origin, "http://localhost:5173");
  EXPECT_EQ(request.body, R"({"name":"press"})");
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
  EXPECT_EQ(reply.header("Location"), "/api/v1/projects/7");
  EXPECT_EQ(reply.header("X-Extra"), "yes");
  EXPECT_EQ(reply.header("Content-Length"), "8");
  EXPECT_EQ(reply.body, R"({"id":7})");
}

TEST_F(ServerTest, AbsentHeadersReachTheHandlerEmpty) {
  start();
  get("/plain");
  ASSERT_EQ(handler_.requests().size(), 1u);
  EXPECT_EQ(handler_.requests().front().content_type, "");
  EXPECT_EQ(handler_.requests().front().origin, "");
  EXPECT_EQ(handler_.requests().front().body, "");
}

TEST_F(ServerTest, ResponseWithoutContentTypeHasNoContentTypeHeader) {
  handler_.respond = [](const api::Request&) { return api::Response{}; };
  start();
  const Reply reply = get("/empty");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.count("Content-Type"), 0u);
  EXPECT_EQ(reply.header("Content-Length"), "0");
}

TEST_F(ServerTest, KeepsTheConnectionAliveForASecondRequest) {
  start();
  TestClient client(port());
  const Reply first = client.exchange(make_request("POST", "/one", "first"));
  const Reply second = client.exchange(make_request("POST", "/two", "second"));
  EXPECT_TRUE(first.keep_alive);
  EXPECT_EQ(first.body, "first");
  EXPECT_EQ(second.body, "second");
  EXPECT_EQ(handler_.requests().size(), 2u);
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  start();
  TestClient client(port());
  client.send(make_request("POST", "/a", "alpha") + make_request("POST", "/b", "beta"));
  EXPECT_EQ(client.receive().body, "alpha");
  EXPECT_EQ(client.receive().body, "beta");
}

TEST_F(ServerTest, ClosesWhenTheClientAsksForClose) {
  start();
  TestClient client(port());
  const Reply reply = client.exchange(make_request("GET", "/", {}, {{"Connection", "close"}}));
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, ClosesAnHttp10ConnectionAfterOneResponse) {
  start();
  TestClient client(port());
  const Reply reply = client.exchange("GET /old HTTP/1.0\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, ObservesRouteMethodStatusAndLatency) {
  handler_.respond = [](const api::Request&) {
    api::Response response;
    response.status = 404;
    response.route = "/api/v1/projects/{id}";
    return response;
  };
  start();
  get("/api/v1/projects/9");

  const auto observations = handler_.wait_for_observations(1);
  ASSERT_EQ(observations.size(), 1u);
  EXPECT_EQ(observations[0].route, "/api/v1/projects/{id}");
  EXPECT_EQ(observations[0].method, "GET");
  EXPECT_EQ(observations[0].status, 404);
  EXPECT_GT(observations[0].latency.count(), 0);
}

TEST_F(ServerTest, HeadResponseHasTheLengthButNoBody) {
  handler_.respond = [](const api::Request&) {
    api::Response response;
    response.content_type = "text/plain";
    response.body = "hello";
    return response;
  };
  start();
  TestClient client(port());
  const Reply head = client.exchange(make_request("HEAD", "/greeting"), true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "5");
  EXPECT_EQ(head.body, "");
  // The connection is still framed correctly: the next response is read whole.
  EXPECT_EQ(client.exchange(make_request("GET", "/greeting")).body, "hello");
}

TEST_F(ServerTest, NoContentResponseKeepsTheConnectionUsable) {
  handler_.respond = [](const api::Request& request) {
    api::Response response;
    response.status = request.method == "DELETE" ? 204 : 200;
    response.body = request.method == "DELETE" ? "" : "still here";
    response.content_type = "text/plain";
    return response;
  };
  start();
  TestClient client(port());
  const Reply deleted = client.exchange(make_request("DELETE", "/api/v1/projects/1"));
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(deleted.headers.count("Content-Length"), 0u);
  EXPECT_EQ(client.exchange(make_request("GET", "/")).body, "still here");
}

TEST_F(ServerTest, AnswersExpectContinueBeforeTheBodyIsSent) {
  start();
  TestClient client(port());
  client.send(
      "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.receive().status, 100);
  client.send("data");
  const Reply reply = client.receive();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "data");
}

TEST_F(ServerTest, BodyOverTheLimitByContentLengthIs413AndCloses) {
  ServerOptions options = loopback_options();
  options.body_limit = 16;
  start(options);
  TestClient client(port());

  const Reply reply = client.exchange(make_request("POST", "/api/v1/fmus", std::string(17, 'x')));

  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  EXPECT_NE(reply.body.find("urn:twinloop:problem:payload-too-large"), std::string::npos);
  EXPECT_NE(reply.body.find("16 bytes"), std::string::npos);
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(handler_.requests().empty());
  const auto observations = handler_.wait_for_observations(1);
  ASSERT_EQ(observations.size(), 1u);
  EXPECT_EQ(observations[0].status, 413);
  EXPECT_EQ(observations[0].method, "POST");

  EXPECT_EQ(get("/after").status, 200);
}

TEST_F(ServerTest, AnnouncedBodyOverTheLimitIs413WithoutWaitingForIt) {
  ServerOptions options = loopback_options();
  options.body_limit = 16;
  start(options);
  TestClient client(port());
  const Reply reply =
      client.exchange("POST /big HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n");
  EXPECT_EQ(reply.status, 413);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  ServerOptions options = loopback_options();
  options.body_limit = 16;
  start(options);
  TestClient client(port());
  const Reply reply = client.exchange(
      "POST /chunks HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
      "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(ServerTest, ARouteMayTakeABodyOverTheServersLimitAndHasItsOwn) {
  handler_.limit_for = [](std::string_view method, std::string_view target) -> std::size_t {
    return method == "POST" && target.starts_with("/upload") ? 64 : 0;
  };
  ServerOptions options = loopback_options();
  options.body_limit = 16;
  start(options);
  {
    TestClient client(port());
    const Reply reply = client.exchange(make_request("POST", "/upload?x=1", std::string(64, 'x')));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, std::string(64, 'x'));
  }
  {
    TestClient client(port());
    const Reply reply = client.exchange(make_request("POST", "/upload", std::string(65, 'x')));
    EXPECT_EQ(reply.status, 413);
    EXPECT_NE(reply.body.find("64 bytes"), std::string::npos) << reply.body;
  }
  {
    TestClient client(port());
    const Reply reply = client.exchange(
        "POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
        "28\r\n0123456789012345678901234567890123456789\r\n"
        "28\r\n0123456789012345678901234567890123456789\r\n0\r\n\r\n");
    EXPECT_EQ(reply.status, 413) << "chunked bodies count against the route's limit too";
  }
  {
    TestClient client(port());
    const Reply reply = client.exchange(make_request("POST", "/other", std::string(17, 'x')));
    EXPECT_EQ(reply.status, 413) << "other routes keep the server's limit";
  }
}

TEST_F(ServerTest, BodyAtTheLimitIsAccepted) {
  ServerOptions options = loopback_options();
  options.body_limit = 16;
  start(options);
  TestClient client(port());
  const std::string body(16, 'x');
  const Reply chunked = client.exchange(
      "POST /chunks HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
      "8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n");
  const Reply sized = client.exchange(make_request("POST", "/sized", body));
  EXPECT_EQ(chunked.status, 200);
  EXPECT_EQ(chunked.body, "0123456789abcdef");
  EXPECT_EQ(sized.status, 200);
  EXPECT_EQ(sized.body, body);
}

class MalformedRequestTest : public ServerTest,
                             public ::testing::WithParamInterface<std::string> {};

TEST_P(MalformedRequestTest, Is400AndCloses) {
  start();
  TestClient client(port());
  const Reply reply = client.exchange(GetParam());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  EXPECT_NE(reply.body.find("urn:twinloop:problem:bad-request"), std::string::npos);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(handler_.requests().empty());
  EXPECT_EQ(get("/after").status, 200);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, MalformedRequestTest,
    ::testing::Values("GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                      "GET / HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n",
                      "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: twelve\r\n\r\n",
                      "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "zz\r\nbad chunk\r\n0\r\n\r\n",
                      std::string("GET /\0 HTTP/1.1\r\n\r\n", 20)));

TEST_F(ServerTest, HeaderOverTheParserLimitIs400) {
  start();
  TestClient client(port());
  const Reply reply =
      client.exchange(make_request("GET", "/", {}, {{"X-Big", std::string(20000, 'a')}}));
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, HandlerThatThrowsGives500AndTheServerSurvives) {
  handler_.respond = [](const api::Request& request) -> api::Response {
    if (request.target == "/boom") throw std::runtime_error("handler bug");
    if (request.target == "/int") throw 42;
    return api::Response{};
  };
  start();
  TestClient client(port());

  const Reply boom = client.exchange(make_request("GET", "/boom"));
  const Reply thrown_int = client.exchange(make_request("GET", "/int"));

  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(boom.body.find("handler bug"), std::string::npos) << "internals must not leak";
  EXPECT_EQ(thrown_int.status, 500);
  EXPECT_EQ(client.exchange(make_request("GET", "/fine")).status, 200);
  EXPECT_EQ(get("/fine").status, 200);
}

TEST_F(ServerTest, ObserverThatThrowsDoesNotStopTheServer) {
  class ThrowingObserver : public FakeHandler {
   public:
    void observe(std::string_view, std::string_view, int, std::chrono::nanoseconds) override {
      throw std::runtime_error("metrics bug");
    }
  };
  ThrowingObserver handler;
  Server server(handler, loopback_options());
  server.start();
  TestClient client(server.port());
  EXPECT_EQ(client.exchange(make_request("GET", "/one")).status, 200);
  EXPECT_EQ(client.exchange(make_request("GET", "/two")).status, 200);
}

class InvalidResponseTest : public ServerTest,
                            public ::testing::WithParamInterface<api::Response> {};

TEST_P(InvalidResponseTest, Is500) {
  handler_.respond = [](const api::Request&) { return GetParam(); };
  start();
  TestClient client(port());
  const Reply reply = client.exchange(make_request("GET", "/"));
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.headers.count("Set-Cookie"), 0u);
  EXPECT_EQ(client.exchange(make_request("GET", "/")).status, 500) << "connection still usable";
}

api::Response response_with(int status, std::vector<std::pair<std::string, std::string>> headers,
                            std::string content_type = "text/plain") {
  api::Response response;
  response.status = status;
  response.headers = std::move(headers);
  response.content_type = std::move(content_type);
  return response;
}

INSTANTIATE_TEST_SUITE_P(
    Responses, InvalidResponseTest,
    ::testing::Values(response_with(42, {}), response_with(1000, {}), response_with(101, {}),
                      response_with(200, {{"Location", "/x\r\nSet-Cookie: stolen=1"}}),
                      response_with(200, {{"", "empty name"}}),
                      response_with(200, {}, "text/plain\r\nSet-Cookie: stolen=1")));

TEST_F(ServerTest, FramingHeadersFromTheHandlerAreIgnored) {
  handler_.respond = [](const api::Request&) {
    api::Response response;
    response.content_type = "text/plain";
    response.body = "four";
    response.headers = {
        {"Content-Length", "99"}, {"transfer-encoding", "chunked"}, {"Connection", "close"}};
    return response;
  };
  start();
  TestClient client(port());
  const Reply reply = client.exchange(make_request("GET", "/"));
  EXPECT_EQ(reply.header("Content-Length"), "4");
  EXPECT_EQ(reply.body, "four");
  EXPECT_TRUE(reply.keep_alive);
}

TEST_F(ServerTest, ClosesAnIdleConnectionAfterTheIdleTimeout) {
  ServerOptions options = loopback_options();
  options.idle_timeout = 1s;
  start(options);
  TestClient client(port());
  EXPECT_EQ(client.exchange(make_request("GET", "/")).status, 200);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, StopLetsARequestInFlightFinish) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  handler_.respond = [&](const api::Request& request) {
    if (request.target == "/slow") {
      entered.set_value();
      released.wait();
    }
    api::Response response;
    response.content_type = "text/plain";
    response.body = "done " + request.target;
    return response;
  };
  start();
  TestClient idle(port());
  ASSERT_EQ(idle.exchange(make_request("GET", "/warm-up")).status, 200);
  TestClient busy(port());
  busy.send(make_request("GET", "/slow"));
  entered.get_future().wait();

  auto stopped = std::async(std::launch::async, [this] { server_->stop(); });
  // Closing the idle connection shows that stop() is under way while /slow is still running.
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_EQ(stopped.wait_for(0s), std::future_status::timeout);
  release.set_value();

  const Reply reply = busy.receive();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "done /slow");
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_TRUE(busy.closed_by_peer());
  EXPECT_EQ(stopped.wait_for(kPromptly), std::future_status::ready);
}

TEST_F(ServerTest, StopDoesNotWaitForIdleConnections) {
  ServerOptions options = loopback_options();
  options.shutdown_grace = 60s;
  start(options);
  TestClient fresh(port());
  TestClient used(port());
  ASSERT_EQ(used.exchange(make_request("GET", "/")).status, 200);

  const auto began = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, kPromptly);
  EXPECT_TRUE(fresh.closed_by_peer());
  EXPECT_TRUE(used.closed_by_peer());
}

TEST_F(ServerTest, StopClosesAStalledRequestAfterTheGrace) {
  ServerOptions options = loopback_options();
  options.shutdown_grace = 1s;
  start(options);
  TestClient stalled(port());
  ASSERT_EQ(stalled.exchange(make_request("GET", "/")).status, 200);
  stalled.send("GET /never-finished HTTP/1.1\r\nHost: te");

  // A round trip on another connection gives the server time to read the partial request,
  // so that stop() usually meets it as a request in progress; either way it must return and
  // close the connection.
  TestClient witness(port());
  ASSERT_EQ(witness.exchange(make_request("GET", "/")).status, 200);

  const auto began = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, options.shutdown_grace + kPromptly);
  EXPECT_TRUE(stalled.closed_by_peer());
}

TEST_F(ServerTest, StopIsIdempotentAndTheServerCanStartAgain) {
  start();
  server_->stop();
  server_->stop();
  EXPECT_THROW(TestClient{port()}, std::runtime_error);

  server_->start();
  EXPECT_EQ(get("/again").status, 200);
  server_->stop();
}

TEST_F(ServerTest, StartingTwiceIsALogicError) {
  start();
  EXPECT_THROW(server_->start(), std::logic_error);
  EXPECT_EQ(get("/").status, 200);
}

TEST_F(ServerTest, DestructorStopsTheServer) {
  start();
  TestClient client(port());
  ASSERT_EQ(client.exchange(make_request("GET", "/")).status, 200);
  const std::uint16_t old_port = port();
  server_.reset();
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_THROW(TestClient{old_port}, std::runtime_error);
}

TEST_F(ServerTest, DestroyingAServerThatNeverStartedIsFine) {
  Server server(handler_, loopback_options());
  server.stop();
  EXPECT_EQ(server.port(), 0);
}

TEST_F(ServerTest, PortInUseIsARuntimeErrorNamingTheAddress) {
  start();
  ServerOptions options = loopback_options();
  options.port = port();
  Server second(handler_, options);
  try {
    second.start();
    FAIL() << "binding a port in use must fail";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(fmt::format("127.0.0.1:{}", port())),
              std::string::npos)
        << error.what();
  }
  EXPECT_EQ(get("/").status, 200);
}

TEST_F(ServerTest, UnresolvableHostIsARuntimeError) {
  for (const std::string host : {"bad host!", ""}) {
    ServerOptions options = loopback_options();
    options.host = host;
    Server server(handler_, options);
    try {
      server.start();
      FAIL() << "host '" << host << "' must not resolve";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find("cannot resolve host"), std::string::npos)
          << error.what();
    }
  }
}

TEST_F(ServerTest, FewerThanOneThreadIsRejected) {
  ServerOptions options = loopback_options();
  options.threads = 0;
  EXPECT_THROW(Server(handler_, options), std::invalid_argument);
}

bool ipv6_loopback_available() {
  const int probe = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (probe < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool bound =
      ::bind(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(probe);
  return bound;
}

TEST_F(ServerTest, ListensOnTheIpv6Loopback) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback here";
  ServerOptions options = loopback_options();
  options.host = "::1";
  start(options);
  TestClient client(port(), "::1");
  EXPECT_EQ(client.exchange(make_request("GET", "/")).status, 200);
}

TEST_F(ServerTest, ResolvesAHostName) {
  ServerOptions options = loopback_options();
  options.host = "localhost";
  start(options);
  EXPECT_NE(port(), 0);
}

TEST_F(ServerTest, ServesManyConnectionsAtOnce) {
  ServerOptions options = loopback_options();
  options.threads = 4;
  start(options);
  constexpr int kClients = 8;
  constexpr int kRequestsEach = 25;
  std::vector<std::future<int>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::async(std::launch::async, [this, c] {
      TestClient client(port());
      int ok = 0;
      for (int r = 0; r < kRequestsEach; ++r) {
        const std::string body = fmt::format("{}-{}", c, r);
        if (client.exchange(make_request("POST", "/echo", body)).body == body) ++ok;
      }
      return ok;
    }));
  }
  int answered = 0;
  for (auto& client : clients)
    answered += client.get();
  EXPECT_EQ(answered, kClients * kRequestsEach);
  EXPECT_EQ(handler_.wait_for_observations(kClients * kRequestsEach).size(),
            static_cast<std::size_t>(kClients * kRequestsEach));
}

TEST(TerminationSignalTest, ReturnsTheSignalRaised) {
  EXPECT_EQ(wait_for_termination_signal([] { std::raise(SIGTERM); }), SIGTERM);
  EXPECT_EQ(wait_for_termination_signal([] { std::raise(SIGINT); }), SIGINT);
}

}  // namespace
}  // namespace twinloop::http
