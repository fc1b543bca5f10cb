// Simulations through the real server: a run to its end with results as CSV, and a
// shutdown while an open-ended simulation runs.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <thread>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

class Simulations : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    const auto project = create_project("Plant");
    model_ = create_model(project, "Lag", {{"step_size", 0.01}});
    const auto step = create_component(model_, "u", "step", {{"step_time", 0.0}});
    const auto lag = create_component(model_, "lag", "pt1", {{"t", 0.5}, {"k", 2.0}});
    connect(model_, step, "y", lag, "u");
  }

  std::string create_simulation(const nlohmann::json& body) {
    const auto response = http().post(resource_path("models", model_) + "/simulations", body);
    EXPECT_TRUE(HasStatus(response, 201)) << response.body;
    return "/api/v1/simulations/" + response.json().at("id").dump();
  }

  nlohmann::json model_;
};

TEST_F(Simulations, RunToTheEndAndDownloadCsvMatchingTheAnalyticAnswer) {
  const auto path = create_simulation({{"end_time", 2.0}, {"record", {"lag.y"}}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", nlohmann::json::object()), 200));
  nlohmann::json status;
  do {
    status = http().get(path).json();
  } while (status.at("state") == "running");
  ASSERT_EQ(status.at("state"), "completed") << status.dump();
  EXPECT_EQ(status.at("steps"), 201);

  const auto csv = http().get(path + "/results?format=csv");
  ASSERT_TRUE(HasStatus(csv, 200));
  std::istringstream lines(csv.body);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "time,lag.y");
  int rows = 0;
  while (std::getline(lines, line)) {
    const auto comma = line.find(',');
    const double time = std::stod(line.substr(0, comma));
    const double value = std::stod(line.substr(comma + 1));
    EXPECT_NEAR(value, 2.0 * (1.0 - std::exp(-time / 0.5)), 1e-9) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 201);
}

TEST_F(Simulations, StartTwiceIs409AndBadSettingsAre422) {
  const auto path = create_simulation(nlohmann::json::object());
  ASSERT_TRUE(HasStatus(http().post(path + "/start", nlohmann::json::object()), 200));
  const auto again = http().post(path + "/start", nlohmann::json::object());
  EXPECT_TRUE(IsProblem(again, 409)) << again.body;
  EXPECT_TRUE(HasStatus(http().post(path + "/stop", nlohmann::json::object()), 200));
  const auto bad =
      http().post(resource_path("models", model_) + "/simulations", {{"step_size", -1.0}});
  EXPECT_TRUE(IsProblem(bad, 422)) << bad.body;
  EXPECT_TRUE(NamesPointer(bad, "/step_size"));
}

TEST(SimulationShutdown, SigtermWhileASimulationRunsExitsZero) {
  TempDir directory;
  ServerProcess server(ServerLaunch::in(directory.path()));
  const auto client = server.client();
  const auto project = client.post("/api/v1/projects", {{"name", "p"}}).json();
  const auto model =
      client.post(resource_path("projects", project) + "/models", {{"name", "m"}}).json();
  client.post(resource_path("models", model) + "/components",
              {{"name", "c"}, {"type", "constant"}});
  const auto simulation = client
                              .post(resource_path("models", model) + "/simulations",
                                    {{"step_size", 0.001}, {"record", nlohmann::json::array()}})
                              .json();
  const auto path = "/api/v1/simulations/" + simulation.at("id").dump();
  ASSERT_TRUE(HasStatus(client.post(path + "/start", nlohmann::json::object()), 200));
  ASSERT_EQ(client.get(path).json().at("state"), "running");
  const auto status = server.stop(SIGTERM);
  EXPECT_EQ(status.exit_code, 0) << status.describe() << "\n" << server.standard_error();
}

}  // namespace
}  // namespace twinloop::itest
