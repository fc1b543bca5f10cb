// WS /api/v1/simulations/{id}/stream with a real WebSocket client against the real server.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "support/api_test.hpp"
#include "support/websocket_client.hpp"

namespace twinloop::itest {
namespace {

const nlohmann::json no_body = nlohmann::json::object();

class Stream : public ApiTest {
 protected:
  // time (clock) -> doubled (gain 2): doubled.y = 2 t exactly, so every sample can be checked.
  void SetUp() override {
    ApiTest::SetUp();
    const auto project = create_project("Streams");
    model_ = create_model(project, "Clock", {{"step_size", 0.001}});
    const auto clock = create_component(model_, "time", "clock");
    const auto gain = create_component(model_, "doubled", "gain", {{"k", 2.0}});
    connect(model_, clock, "y", gain, "u");
  }

  std::string create_simulation(const nlohmann::json& body) {
    const auto response = http().post(resource_path("models", model_) + "/simulations", body);
    EXPECT_TRUE(HasStatus(response, 201)) << response.body;
    return "/api/v1/simulations/" + id_text(response.json().at("id"));
  }

  nlohmann::json receive_json(WebSocketClient& client) {
    const auto message = client.receive();
    if (!message) throw std::runtime_error("no message from the stream");
    return nlohmann::json::parse(*message);
  }

  nlohmann::json model_;
};

TEST_F(Stream, DeliversFramesOfTheLiveSignalsThenTheEndState) {
  const auto path = create_simulation({{"end_time", 1.0}, {"realtime_factor", 1.0}});
  WebSocketClient client("127.0.0.1", port(), path + "/stream?signals=doubled.y&rate=20");
  const auto hello = receive_json(client);
  EXPECT_EQ(hello.at("type"), "hello");
  EXPECT_EQ(hello.at("signals"), (nlohmann::json{"doubled.y"}));
  EXPECT_EQ(hello.at("rate"), 20);
  EXPECT_EQ(hello.at("simulation").at("state"), "created");

  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  int frames = 0;
  double last_time = -1.0;
  std::vector<std::string> states;
  while (auto message = client.receive()) {
    const auto frame = nlohmann::json::parse(*message);
    if (frame.at("type") == "state") {
      states.push_back(frame.at("simulation").at("state"));
      continue;
    }
    ASSERT_EQ(frame.at("type"), "data") << *message;
    ++frames;
    const auto& t = frame.at("t");
    const auto& values = frame.at("values").at("doubled.y");
    ASSERT_EQ(t.size(), values.size());
    ASSERT_FALSE(t.empty());
    EXPECT_LE(t.size(), 500U);
    for (std::size_t i = 0; i < t.size(); ++i) {
      EXPECT_GT(t[i].get<double>(), last_time) << "samples go forward in time";
      last_time = t[i].get<double>();
      EXPECT_NEAR(values[i].get<double>(), 2.0 * last_time, 1e-9);
    }
    EXPECT_DOUBLE_EQ(frame.at("time").get<double>(), t.back().get<double>())
        << "a frame ends with the latest step";
  }
  EXPECT_TRUE(client.closed_normally()) << "the stream ends with a normal close";
  EXPECT_GE(frames, 10) << "a one-second paced run at 20 frames/s";
  EXPECT_LE(frames, 30);
  EXPECT_DOUBLE_EQ(last_time, 1.0) << "the last step is always delivered";
  EXPECT_EQ(states, (std::vector<std::string>{"running", "completed"}));
}

TEST_F(Stream, AFastRunIsThinnedToTheHistoryLimit) {
  const auto path = create_simulation({{"end_time", 200.0}, {"record", nlohmann::json::array()}});
  WebSocketClient client("127.0.0.1", port(), path + "/stream?signals=time.y&history=50&rate=10");
  EXPECT_EQ(receive_json(client).at("type"), "hello");
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  std::size_t samples = 0;
  double last = -1.0;
  while (auto message = client.receive()) {
    const auto frame = nlohmann::json::parse(*message);
    if (frame.at("type") != "data") continue;
    const auto& t = frame.at("t");
    EXPECT_LE(t.size(), 50U);
    for (const auto& time : t) {
      EXPECT_GT(time.get<double>(), last);
      last = time.get<double>();
    }
    samples += t.size();
  }
  EXPECT_DOUBLE_EQ(last, 200.0);
  EXPECT_LT(samples, 200'001U) << "thinned";
}

TEST_F(Stream, AClientMessageChangesTheSelection) {
  const auto path = create_simulation(no_body);
  WebSocketClient client("127.0.0.1", port(), path + "/stream");
  const auto hello = receive_json(client);
  EXPECT_EQ(hello.at("signals"), (nlohmann::json{"time.y", "doubled.y"}))
      << "the default is every recorded signal";

  client.send(R"({"signals": ["time.y"], "rate": 5})");
  const auto again = receive_json(client);
  EXPECT_EQ(again.at("type"), "hello");
  EXPECT_EQ(again.at("signals"), (nlohmann::json{"time.y"}));
  EXPECT_EQ(again.at("rate"), 5);

  ASSERT_TRUE(HasStatus(http().post(path + "/step", no_body), 200));
  nlohmann::json frame;
  do {
    frame = receive_json(client);
  } while (frame.at("type") != "data");
  EXPECT_EQ(frame.at("values").size(), 1U);
  EXPECT_TRUE(frame.at("values").contains("time.y"));

  client.send("not json");
  auto error = receive_json(client);
  while (error.at("type") != "error")
    error = receive_json(client);
  EXPECT_EQ(error.at("status"), 400);
  client.send(R"({"signals": ["nope.y"]})");
  error = receive_json(client);
  while (error.at("type") != "error")
    error = receive_json(client);
  EXPECT_EQ(error.at("status"), 422);
  EXPECT_EQ(error.at("pointer"), "/signals");
  client.send(R"({"rate": 1000})");
  error = receive_json(client);
  while (error.at("type") != "error")
    error = receive_json(client);
  EXPECT_EQ(error.at("status"), 422);
  client.send(R"({"volume": 11})");
  error = receive_json(client);
  while (error.at("type") != "error")
    error = receive_json(client);
  EXPECT_EQ(error.at("status"), 400);
}

TEST_F(Stream, DeletingTheSimulationEndsItsStream) {
  const auto path = create_simulation({{"realtime_factor", 1.0}});
  WebSocketClient client("127.0.0.1", port(), path + "/stream");
  EXPECT_EQ(receive_json(client).at("type"), "hello");
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  ASSERT_TRUE(HasStatus(http().del(path), 204));
  while (client.receive()) {
  }
  EXPECT_TRUE(client.closed_normally());
}

TEST_F(Stream, AnEndedSimulationHasNoStream) {
  const auto path = create_simulation({{"end_time", 0.01}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  while (http().get(path).json().at("state") == "running") {
  }
  // Its end is stored by the run's own thread, right after the state changed.
  for (int attempt = 0; attempt < 100; ++attempt) {
    try {
      WebSocketClient client("127.0.0.1", port(), path + "/stream");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } catch (const WebSocketRefused& refusal) {
      EXPECT_EQ(refusal.response.status, 409);
      EXPECT_NE(refusal.response.body.find("invalid-state"), std::string::npos);
      return;
    }
  }
  FAIL() << "the stream of an ended simulation was accepted";
}

TEST_F(Stream, BadUpgradesAreRefusedWithProblems) {
  const auto path = create_simulation(no_body);
  const auto refused = [&](const std::string& target) -> HttpResponse {
    try {
      WebSocketClient client("127.0.0.1", port(), target);
    } catch (const WebSocketRefused& refusal) {
      return refusal.response;
    }
    ADD_FAILURE() << target << " was accepted";
    return {};
  };
  const auto unknown = refused("/api/v1/simulations/999/stream");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.header("content-type"), "application/problem+json");
  const auto no_such_signal = refused(path + "/stream?signals=nope.y");
  EXPECT_EQ(no_such_signal.status, 422);
  EXPECT_NE(no_such_signal.body.find("\"parameter\":\"signals\""), std::string::npos)
      << no_such_signal.body;
  EXPECT_EQ(refused(path + "/stream?rate=0").status, 422);
  EXPECT_EQ(refused(path + "/stream?rate=fast").status, 400);
  EXPECT_EQ(refused(path + "/stream?history=1").status, 422);
  EXPECT_EQ(refused("/api/v1/projects").status, 404);

  const auto plain = http().get(path + "/stream");
  EXPECT_TRUE(IsProblem(plain, 426));
  EXPECT_EQ(plain.header("upgrade"), "websocket");
  EXPECT_TRUE(IsProblem(http().get("/api/v1/simulations/999/stream"), 404));
}

}  // namespace
}  // namespace twinloop::itest

namespace twinloop::itest {
namespace {

TEST(StreamShutdown, SigtermClosesOpenStreamsAndExitsZero) {
  TempDir directory;
  ServerProcess server(ServerLaunch::in(directory.path()));
  const auto client = server.client();
  const auto project = client.post("/api/v1/projects", {{"name", "p"}}).json();
  const auto model =
      client.post(resource_path("projects", project) + "/models", {{"name", "m"}}).json();
  client.post(resource_path("models", model) + "/components", {{"name", "c"}, {"type", "clock"}});
  const auto simulation = client
                              .post(resource_path("models", model) + "/simulations",
                                    {{"step_size", 0.001}, {"realtime_factor", 1.0}})
                              .json();
  const auto path = "/api/v1/simulations/" + id_text(simulation.at("id"));
  WebSocketClient viewer("127.0.0.1", server.port(), path + "/stream");
  ASSERT_TRUE(viewer.receive());
  ASSERT_TRUE(HasStatus(client.post(path + "/start", nlohmann::json::object()), 200));
  ASSERT_TRUE(viewer.receive());

  const auto started = std::chrono::steady_clock::now();
  const auto status = server.stop(SIGTERM);
  EXPECT_EQ(status.exit_code, 0) << status.describe() << "\n" << server.standard_error();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5))
      << "an open stream does not hold the shutdown for its grace period";
  while (viewer.receive(std::chrono::seconds(2))) {
  }
}

}  // namespace
}  // namespace twinloop::itest
