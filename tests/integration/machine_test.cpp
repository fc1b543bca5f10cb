// The example machine of docs/examples/pusher_station.json, the way a user meets it: imported
// over the API, run as fast as possible against the analytic timing, then run in real time,
// watched live and poked while it runs, and downloaded as CSV.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "support/api_test.hpp"
#include "support/websocket_client.hpp"

namespace twinloop::itest {
namespace {

const nlohmann::json no_body = nlohmann::json::object();

class Machine : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::ifstream file(std::string(TWINLOOP_SOURCE_DIR) + "/docs/examples/pusher_station.json");
    std::stringstream document;
    document << file.rdbuf();
    const auto project = create_project("Line 1");
    const auto imported = http().request("POST", resource_path("projects", project) + "/models/import",
                                         document.str(), "application/json");
    ASSERT_TRUE(HasStatus(imported, 201)) << imported.body;
    simulations_ = resource_path("models", imported.json()) + "/simulations";
  }

  std::string create_simulation(const nlohmann::json& settings) {
    const auto response = http().post(simulations_, settings);
    EXPECT_TRUE(HasStatus(response, 201)) << response.body;
    return "/api/v1/simulations/" + id_text(response.json().at("id"));
  }

  nlohmann::json wait_until_ended(const std::string& path) {
    nlohmann::json status;
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      status = http().get(path).json();
    } while (status.at("state") == "running");
    return status;
  }

  std::string simulations_;
};

// The times (s) at which a boolean signal turns on.
std::vector<double> rising_edges(const nlohmann::json& results, const std::string& signal) {
  std::vector<double> edges;
  const auto& values = results.at("signals").at(signal);
  for (std::size_t row = 1; row < values.size(); ++row) {
    if (values[row].get<double>() > 0.5 && values[row - 1].get<double>() < 0.5) {
      edges.push_back(results.at("time")[row].get<double>());
    }
  }
  return edges;
}

void expect_times(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-9) << i;
}

TEST_F(Machine, EachPartIsPushedIntoTheSinkAtTheAnalyticTime) {
  const auto path = create_simulation({{"end_time", 12.0},
                                       {"record",
                                        {"belt.at_end", "pusher.extended", "pusher.retracted",
                                         "belt_motor.speed", "sink.count", "belt.refused"}}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  ASSERT_EQ(wait_until_ended(path).at("state"), "completed");
  const auto results = http().get(path + "/results").json();

  // A part moves v * dt in the update of every step whose belt speed is v, from the step of its
  // release on, and shows at the end in the step after it has covered the belt's 2 m. The belt
  // motor (a drive, no feedthrough) runs at 0.5 m/s from step 1 (t = 0.01).
  // Part 1, released at 0: 400 updates of 5 mm (0.01 .. 4.00): at the end at 4.01. That sets
  // the latch in the same step, which stops the motor (speed 0 from 4.02) and starts the
  // pusher: out 0.5 s later (4.51); the part leaves into the sink in the next step (4.52), the
  // latch resets, the pusher is back 0.5 s later (5.02) and the motor runs from 5.03.
  // Part 2, released at 3: 102 updates (3.00 .. 4.01) = 0.51 m, then 298 from 5.03: at 8.01.
  // Part 3, released at 6: 202 updates (6.00 .. 8.01) = 1.01 m, then 198 from 9.03: at 11.01.
  expect_times(rising_edges(results, "belt.at_end"), {4.01, 8.01, 11.01});
  expect_times(rising_edges(results, "pusher.extended"), {4.51, 8.51, 11.51});
  expect_times(rising_edges(results, "pusher.retracted"), {5.02, 9.02});
  const auto& count = results.at("signals").at("sink.count");
  EXPECT_EQ(count.back(), 3.0);
  EXPECT_EQ(results.at("signals").at("belt.refused").back(), 0.0);
  for (std::size_t row = 0; row < count.size(); ++row) {
    const double t = results.at("time")[row].get<double>();
    const double expected = t >= 11.52 - 1e-9 ? 3 : t >= 8.52 - 1e-9 ? 2 : t >= 4.52 - 1e-9 ? 1 : 0;
    ASSERT_EQ(count[row].get<double>(), expected) << "at " << t;
  }
}

TEST_F(Machine, RunsInRealTimeWatchedLiveAndPokedWhileItRuns) {
  const auto path = create_simulation({{"realtime_factor", 4.0}, {"end_time", 6.0}});
  WebSocketClient viewer("127.0.0.1", port(), path + "/stream?signals=belt.parts,sink.count&rate=20");
  ASSERT_EQ(nlohmann::json::parse(*viewer.receive()).at("type"), "hello");
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));

  // An operator holds the belt motor off for a while: the parts on the belt stand still.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(HasStatus(
      http().patch(path, {{"overrides", {{"belt_motor.forward", false}}}}), 200));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_TRUE(HasStatus(
      http().patch(path, {{"overrides", {{"belt_motor.forward", nullptr}}}}), 200));

  double last_count = 0.0;
  int frames = 0;
  while (auto message = viewer.receive()) {
    const auto frame = nlohmann::json::parse(*message);
    if (frame.at("type") != "data") continue;
    ++frames;
    last_count = frame.at("values").at("sink.count").back().get<double>();
  }
  EXPECT_GE(frames, 10) << "1.5 s of wall time at 20 frames per second";
  const auto status = http().get(path).json();
  EXPECT_EQ(status.at("state"), "completed");
  EXPECT_GE(status.at("wall_time").get<double>(), 1.4) << "6 s at 4x the wall clock";
  EXPECT_DOUBLE_EQ(status.at("time").get<double>(), 6.0);
  // Without the hold the first part would be in the sink at 4.52 s; held for about 1.6 s of
  // simulated time (0.4 s of wall time at 4x), it is not yet by 6 s.
  EXPECT_EQ(last_count, 0.0);

  const auto csv = http().get(path + "/results?format=csv&signals=belt_motor.speed");
  ASSERT_TRUE(HasStatus(csv, 200));
  std::istringstream lines(csv.body);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "time,belt_motor.speed");
  std::map<double, int> speeds;
  while (std::getline(lines, line)) ++speeds[std::stod(line.substr(line.find(',') + 1))];
  EXPECT_GT(speeds[0.0], 100) << "the belt stood while held";
  EXPECT_GT(speeds[0.5], 100) << "and ran before and after";
}

}  // namespace
}  // namespace twinloop::itest
