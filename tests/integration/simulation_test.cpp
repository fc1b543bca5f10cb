// Simulations through the real server: runs against the analytic answer, the lifecycle,
// overrides, results, several runs at once, bad requests, and a shutdown while a simulation
// runs. The live stream has its own file (stream_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

const nlohmann::json no_body = nlohmann::json::object();

class Simulations : public ApiTest {
 protected:
  // u (step at 0 to 1) -> lag (pt1, k = 2, T = 0.5 s) -> amplified (gain, k = 3)
  void SetUp() override {
    ApiTest::SetUp();
    const auto project = create_project("Plant");
    model_ = create_model(project, "Lag", {{"step_size", 0.01}});
    const auto step = create_component(model_, "u", "step", {{"step_time", 0.0}});
    const auto lag = create_component(model_, "lag", "pt1", {{"t", 0.5}, {"k", 2.0}});
    const auto gain = create_component(model_, "amplified", "gain", {{"k", 3.0}});
    connect(model_, step, "y", lag, "u");
    connect(model_, lag, "y", gain, "u");
  }

  std::string simulations_path() const { return resource_path("models", model_) + "/simulations"; }

  std::string create_simulation(const nlohmann::json& body) {
    const auto response = http().post(simulations_path(), body);
    EXPECT_TRUE(HasStatus(response, 201)) << response.body;
    EXPECT_EQ(response.header("location"), "/api/v1/simulations/" + id_text(response.json()["id"]));
    return "/api/v1/simulations/" + id_text(response.json().at("id"));
  }

  nlohmann::json wait_until_ended(const std::string& path) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    nlohmann::json status;
    do {
      status = http().get(path).json();
      if (status.at("state") != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < deadline);
    return status;
  }

  // The state after a lifecycle POST that must succeed.
  std::string transition(const std::string& path, const std::string& action) {
    const auto response = http().post(path + "/" + action, no_body);
    EXPECT_TRUE(HasStatus(response, 200)) << action << ": " << response.body;
    return response.json().value("state", "");
  }

  nlohmann::json model_;
};

double lag_answer(double time) {
  return 2.0 * (1.0 - std::exp(-time / 0.5));
}

TEST_F(Simulations, RunToTheEndAndDownloadCsvMatchingTheAnalyticAnswer) {
  const auto path = create_simulation({{"end_time", 2.0}, {"record", {"lag.y"}}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  const auto status = wait_until_ended(path);
  ASSERT_EQ(status.at("state"), "completed") << status.dump();
  EXPECT_EQ(status.at("steps"), 201);
  EXPECT_DOUBLE_EQ(status.at("time").get<double>(), 2.0);

  const auto csv = http().get(path + "/results?format=csv");
  ASSERT_TRUE(HasStatus(csv, 200));
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  std::istringstream lines(csv.body);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "time,lag.y");
  int rows = 0;
  while (std::getline(lines, line)) {
    const auto comma = line.find(',');
    const double time = std::stod(line.substr(0, comma));
    const double value = std::stod(line.substr(comma + 1));
    EXPECT_NEAR(time, rows * 0.01, 1e-12);
    EXPECT_NEAR(value, lag_answer(time), 1e-9) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 201);
}

TEST_F(Simulations, ResultsAsJsonForChosenSignalsWithDecimation) {
  const auto path = create_simulation({{"end_time", 1.0}, {"decimation", 10}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  ASSERT_EQ(wait_until_ended(path).at("state"), "completed");

  const auto response = http().get(path + "/results?signals=amplified.y,lag.y");
  ASSERT_TRUE(HasStatus(response, 200));
  const auto results = response.json();
  const auto& time = results.at("time");
  ASSERT_EQ(time.size(), 11U);  // steps 0, 10, ..., 100
  const auto& signals = results.at("signals");
  EXPECT_EQ(signals.size(), 2U);
  EXPECT_FALSE(signals.contains("u.y"));
  for (std::size_t row = 0; row < time.size(); ++row) {
    const double t = time[row].get<double>();
    EXPECT_NEAR(t, 0.1 * static_cast<double>(row), 1e-12);
    EXPECT_NEAR(signals.at("lag.y")[row].get<double>(), lag_answer(t), 1e-9);
    EXPECT_NEAR(signals.at("amplified.y")[row].get<double>(), 3.0 * lag_answer(t), 1e-9);
  }

  EXPECT_TRUE(NamesParameter(http().get(path + "/results?signals=nope.y"), "signals"));
  const auto bad_format = http().get(path + "/results?format=xml");
  EXPECT_TRUE(IsProblem(bad_format, 400));
  EXPECT_TRUE(NamesParameter(bad_format, "format"));
}

TEST_F(Simulations, LifecycleThroughEveryState) {
  const auto path = create_simulation({{"realtime_factor", 1.0}});
  EXPECT_EQ(http().get(path).json().at("state"), "created");

  EXPECT_EQ(transition(path, "step"), "paused");
  EXPECT_EQ(http().get(path).json().at("steps"), 1);
  EXPECT_EQ(transition(path, "step"), "paused");
  EXPECT_EQ(http().get(path).json().at("steps"), 2);

  EXPECT_EQ(transition(path, "resume"), "running");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(transition(path, "pause"), "paused");
  const auto paused = http().get(path).json();
  EXPECT_GT(paused.at("steps").get<int>(), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(http().get(path).json().at("steps"), paused.at("steps")) << "a paused run moved on";

  EXPECT_TRUE(IsProblem(http().post(path + "/pause", no_body), 409));
  EXPECT_EQ(transition(path, "resume"), "running");
  EXPECT_TRUE(IsProblem(http().post(path + "/resume", no_body), 409));
  EXPECT_TRUE(IsProblem(http().post(path + "/step", no_body), 409));
  EXPECT_EQ(transition(path, "stop"), "stopped");
  for (const char* action : {"start", "pause", "resume", "stop", "step"}) {
    const auto late = http().post(path + "/" + action, no_body);
    EXPECT_TRUE(IsProblem(late, 409)) << action;
    EXPECT_TRUE(HasProblemSlug(late, "invalid-state")) << action;
  }

  const auto listed = list_items(simulations_path());
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].at("state"), "stopped");
  EXPECT_TRUE(HasStatus(http().del(path), 204));
  EXPECT_TRUE(IsProblem(http().get(path), 404));
}

TEST_F(Simulations, PacedRunReportsItsRealtimeStatistics) {
  const auto path = create_simulation(
      {{"end_time", 0.3}, {"realtime_factor", 1.0}, {"step_size", 0.001}, {"spin", 0.0001}});
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  const auto status = wait_until_ended(path);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(status.at("state"), "completed");
  EXPECT_GE(elapsed, std::chrono::milliseconds(290)) << "a paced run ran ahead of the clock";
  const auto& realtime = status.at("realtime");
  for (const char* figure : {"overruns", "jitter_p50", "jitter_p99", "jitter_max"}) {
    EXPECT_TRUE(realtime.contains(figure)) << figure;
  }
  EXPECT_LE(realtime.at("jitter_p50").get<double>(), realtime.at("jitter_p99").get<double>());
  EXPECT_LE(realtime.at("jitter_p99").get<double>(), realtime.at("jitter_max").get<double>());
  EXPECT_GE(status.at("wall_time").get<double>(), 0.29);
}

TEST_F(Simulations, OverridesDriveAnInputUntilReleased) {
  const auto path = create_simulation({{"record", {"amplified.y"}}});
  const auto set = http().patch(path, {{"overrides", {{"amplified.u", 5.0}}}});
  ASSERT_TRUE(HasStatus(set, 200));
  EXPECT_EQ(set.json().at("overrides"), (nlohmann::json{{"amplified.u", 5.0}}));
  EXPECT_EQ(transition(path, "step"), "paused");
  auto results = http().get(path + "/results").json();
  EXPECT_DOUBLE_EQ(results.at("signals").at("amplified.y").back().get<double>(), 15.0);

  const auto released = http().patch(path, {{"overrides", {{"amplified.u", nullptr}}}});
  ASSERT_TRUE(HasStatus(released, 200));
  EXPECT_TRUE(released.json().at("overrides").empty());
  EXPECT_EQ(transition(path, "step"), "paused");
  results = http().get(path + "/results").json();
  const double t = results.at("time").back().get<double>();
  EXPECT_NEAR(results.at("signals").at("amplified.y").back().get<double>(), 3.0 * lag_answer(t),
              1e-9);

  const auto unknown = http().patch(path, {{"overrides", {{"nope.u", 1.0}}}});
  EXPECT_TRUE(IsProblem(unknown, 422));
  EXPECT_TRUE(NamesPointer(unknown, "/overrides/nope.u"));
  const auto output = http().patch(path, {{"overrides", {{"lag.y", 1.0}}}});
  EXPECT_TRUE(IsProblem(output, 422)) << "an output is not an input";
  const auto wrong_type = http().patch(path, {{"overrides", {{"amplified.u", "five"}}}});
  EXPECT_TRUE(IsProblem(wrong_type, 422));
  EXPECT_TRUE(NamesPointer(wrong_type, "/overrides/amplified.u"));
  const auto not_an_object = http().patch(path, {{"overrides", {1, 2}}});
  EXPECT_TRUE(IsProblem(not_an_object, 400));
  const auto unknown_field = http().patch(path, {{"speed", 2}});
  EXPECT_TRUE(IsProblem(unknown_field, 400));
  EXPECT_TRUE(NamesPointer(unknown_field, "/speed"));
}

TEST_F(Simulations, ParametersAreTunedWhileTheRunGoesOn) {
  const auto path = create_simulation({{"record", {"amplified.y", "lag.y"}}});
  EXPECT_EQ(transition(path, "step"), "paused");
  const auto tuned = http().patch(path, {{"parameters", {{"amplified.k", 10.0}}}});
  ASSERT_TRUE(HasStatus(tuned, 200));
  EXPECT_EQ(tuned.json().at("parameters"), (nlohmann::json{{"amplified.k", 10.0}}));
  EXPECT_EQ(transition(path, "step"), "paused");
  auto results = http().get(path + "/results").json();
  const auto& signals = results.at("signals");
  EXPECT_NEAR(signals.at("amplified.y").back().get<double>(),
              10.0 * signals.at("lag.y").back().get<double>(), 1e-12);

  const auto back = http().patch(path, {{"parameters", {{"amplified.k", nullptr}}}});
  ASSERT_TRUE(HasStatus(back, 200));
  EXPECT_TRUE(back.json().at("parameters").empty()) << back.body;
  EXPECT_EQ(transition(path, "step"), "paused");
  results = http().get(path + "/results").json();
  EXPECT_NEAR(results.at("signals").at("amplified.y").back().get<double>(),
              1.0 * results.at("signals").at("lag.y").back().get<double>(), 1e-12)
      << "null returns the parameter to its type's default (k = 1)";

  const auto out_of_range = http().patch(path, {{"parameters", {{"lag.t", -1.0}}}});
  EXPECT_TRUE(IsProblem(out_of_range, 422)) << out_of_range.body;
  EXPECT_TRUE(NamesPointer(out_of_range, "/parameters/lag.t")) << out_of_range.body;
  const auto unknown_parameter = http().patch(path, {{"parameters", {{"lag.colour", 1.0}}}});
  EXPECT_TRUE(IsProblem(unknown_parameter, 422));
  EXPECT_TRUE(NamesPointer(unknown_parameter, "/parameters/lag.colour"));
  const auto unknown_component = http().patch(path, {{"parameters", {{"nope.k", 1.0}}}});
  EXPECT_TRUE(IsProblem(unknown_component, 422));
  EXPECT_TRUE(NamesPointer(unknown_component, "/parameters/nope.k"));
  const auto not_named = http().patch(path, {{"parameters", {{"k", 1.0}}}});
  EXPECT_TRUE(NamesPointer(not_named, "/parameters/k"));
  const auto structural = http().patch(path, {{"parameters", {{"lag.sample_time", 0.1}}}});
  EXPECT_TRUE(IsProblem(structural, 422));
  EXPECT_TRUE(HasProblemSlug(structural, "not-tunable"));

  // A request with a bad part changes nothing, not even its good parts.
  const auto mixed = http().patch(
      path, {{"parameters", {{"amplified.k", 4.0}}}, {"overrides", {{"nope.u", 1.0}}}});
  EXPECT_TRUE(IsProblem(mixed, 422));
  EXPECT_TRUE(http().get(path).json().at("parameters").empty());
}

TEST_F(Simulations, SeveralRunAtOnceAndEachGetsItsOwnAnswer) {
  std::vector<std::string> paths;
  for (int i = 0; i < 4; ++i) {
    paths.push_back(
        create_simulation({{"end_time", 2.0 + i}, {"step_size", 0.0005}, {"record", {"lag.y"}}}));
  }
  for (const auto& path : paths)
    ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto status = wait_until_ended(paths[i]);
    ASSERT_EQ(status.at("state"), "completed");
    const auto results = http().get(paths[i] + "/results").json();
    const auto& time = results.at("time");
    ASSERT_EQ(time.size(), 4001U + 2000U * i);
    EXPECT_NEAR(results.at("signals").at("lag.y").back().get<double>(),
                lag_answer(time.back().get<double>()), 1e-6);
  }
  EXPECT_EQ(list_items(simulations_path()).size(), 4U);
}

TEST_F(Simulations, BadSettingsAreRefusedNamingTheField) {
  const auto path = create_simulation(no_body);
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  const auto again = http().post(path + "/start", no_body);
  EXPECT_TRUE(IsProblem(again, 409)) << again.body;
  EXPECT_TRUE(HasStatus(http().post(path + "/stop", no_body), 200));

  struct Case {
    nlohmann::json body;
    int status;
    std::string pointer;
  };
  const std::vector<Case> cases{
      {{{"step_size", -1.0}}, 422, "/step_size"},
      {{{"step_size", 0.0}}, 422, "/step_size"},
      {{{"step_size", "fast"}}, 400, "/step_size"},
      {{{"end_time", -1.0}}, 422, "/end_time"},
      {{{"realtime_factor", -2.0}}, 422, "/realtime_factor"},
      {{{"decimation", 0}}, 422, "/decimation"},
      {{{"spin", 0.5}}, 422, "/spin"},
      {{{"realtime_priority", 100}}, 422, "/realtime_priority"},
      {{{"realtime_priority", 1.5}}, 422, "/realtime_priority"},
      {{{"spin", -0.001}}, 422, "/spin"},
      {{{"decimation", 1.5}}, 422, "/decimation"},
      {{{"record", {"nope.y"}}}, 422, "/record/0"},
      {{{"record", {"lag.y", "lag.u"}}}, 422, "/record/1"},
      {{{"record", {7}}}, 400, "/record/0"},
      {{{"record", "lag.y"}}, 400, "/record"},
      {{{"colour", "red"}}, 400, "/colour"},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.body.dump());
    const auto response = http().post(simulations_path(), bad.body);
    EXPECT_TRUE(IsProblem(response, bad.status)) << response.body;
    EXPECT_TRUE(NamesPointer(response, bad.pointer)) << response.body;
  }
  EXPECT_TRUE(IsProblem(http().post("/api/v1/models/999/simulations", no_body), 404));
  EXPECT_TRUE(IsProblem(http().post("/api/v1/simulations/999/start", no_body), 404));
  const auto not_json = http().request("POST", simulations_path(), "x", "text/plain");
  EXPECT_TRUE(IsProblem(not_json, 415));
}

TEST_F(Simulations, AnAlgebraicLoopIsRefusedNamingTheCycle) {
  const auto sum = create_component(model_, "error", "sum", {{"signs", "+-"}});
  const auto feedback = create_component(model_, "feedback", "gain", {{"k", 0.5}});
  connect(model_, sum, "y", feedback, "u");
  connect(model_, feedback, "y", sum, "u2");
  const auto response = http().post(simulations_path(), no_body);
  EXPECT_TRUE(IsProblem(response, 422)) << response.body;
  EXPECT_TRUE(HasProblemSlug(response, "algebraic-loop"));
  const auto detail = response.json().value("detail", "");
  EXPECT_NE(detail.find("error"), std::string::npos) << detail;
  EXPECT_NE(detail.find("feedback"), std::string::npos) << detail;
}

// A server on a directory of its own, restarted on the same database within one test.
class SimulationRestarts : public ::testing::Test {
 protected:
  void start() { server_.emplace(ServerLaunch::in(directory_.path())); }
  ExitStatus stop(int signal_number) {
    auto status = server_->stop(signal_number);
    server_.reset();
    return status;
  }
  HttpClient http() const { return server_->client(); }

  // clock -> gain (k 2): a model whose every sample is known.
  std::string create_simulation(const nlohmann::json& settings) {
    const auto project = http().post("/api/v1/projects", {{"name", "p"}}).json();
    const auto model =
        http().post(resource_path("projects", project) + "/models", {{"name", "m"}}).json();
    const auto components = resource_path("models", model) + "/components";
    const auto clock = http().post(components, {{"name", "time"}, {"type", "clock"}}).json();
    const auto gain =
        http()
            .post(components, {{"name", "doubled"}, {"type", "gain"}, {"parameters", {{"k", 2.0}}}})
            .json();
    http().post(resource_path("models", model) + "/connections",
                connection_body(clock, "y", gain, "u"));
    models_path_ = resource_path("models", model) + "/simulations";
    const auto simulation = http().post(models_path_, settings);
    EXPECT_TRUE(HasStatus(simulation, 201)) << simulation.body;
    return "/api/v1/simulations/" + id_text(simulation.json().at("id"));
  }

  TempDir directory_;
  std::optional<ServerProcess> server_;
  std::string models_path_;
};

TEST_F(SimulationRestarts, AnEndedSimulationAndItsResultsOutliveTheServer) {
  start();
  const auto path = create_simulation({{"step_size", 0.001}, {"end_time", 2.0}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  nlohmann::json ended;
  do {
    ended = http().get(path).json();
  } while (ended.at("state") == "running");
  ASSERT_EQ(ended.at("state"), "completed");
  const auto csv = http().get(path + "/results?format=csv").body;
  const auto json_results = http().get(path + "/results?signals=doubled.y").body;
  ASSERT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2002);
  ASSERT_EQ(stop(SIGTERM).exit_code, 0);

  start();
  const auto after = http().get(path);
  ASSERT_TRUE(HasStatus(after, 200));
  auto expected = ended;
  auto actual = after.json();
  ASSERT_TRUE(actual.at("ended_at").is_string()) << after.body;
  expected.erase("ended_at");
  actual.erase("ended_at");
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(http().get(path + "/results?format=csv").body, csv) << "bit for bit";
  EXPECT_EQ(http().get(path + "/results?signals=doubled.y").body, json_results);
  const auto listed = http().get(models_path_).json();
  ASSERT_EQ(listed.at("total"), 1);
  EXPECT_EQ(listed.at("items")[0].at("state"), "completed");

  const auto restart = http().post(path + "/start", no_body);
  EXPECT_TRUE(IsProblem(restart, 409));
  EXPECT_TRUE(HasProblemSlug(restart, "invalid-state"));
  EXPECT_TRUE(IsProblem(http().patch(path, {{"overrides", {{"doubled.u", 1.0}}}}), 409));
  EXPECT_TRUE(HasStatus(http().del(path), 204));
  EXPECT_TRUE(IsProblem(http().get(path), 404));
  EXPECT_TRUE(IsProblem(http().get(path + "/results"), 404));
  EXPECT_TRUE(IsProblem(http().del(path), 404));
}

TEST_F(SimulationRestarts, ARunGoingAtSigtermIsStoppedWithWhatItRecorded) {
  start();
  const auto path = create_simulation({{"step_size", 0.001}, {"realtime_factor", 1.0}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(stop(SIGTERM).exit_code, 0);

  start();
  const auto after = http().get(path).json();
  EXPECT_EQ(after.at("state"), "stopped") << after.dump();
  EXPECT_FALSE(after.contains("error")) << after.dump();
  const auto results = http().get(path + "/results").json();
  const auto& time = results.at("time");
  ASSERT_GT(time.size(), 50U);
  EXPECT_EQ(time.size(), after.at("steps").get<std::size_t>());
  const auto& doubled = results.at("signals").at("doubled.y");
  for (std::size_t i = 0; i < time.size(); ++i) {
    EXPECT_NEAR(doubled[i].get<double>(), 2.0 * time[i].get<double>(), 1e-12);
  }
}

TEST_F(SimulationRestarts, ARunGoingWhenTheServerIsKilledIsStoppedWithTheReason) {
  start();
  const auto path = create_simulation({{"step_size", 0.001}, {"realtime_factor", 1.0}});
  ASSERT_TRUE(HasStatus(http().post(path + "/start", no_body), 200));
  EXPECT_EQ(stop(SIGKILL).signal, SIGKILL);

  start();
  const auto after = http().get(path).json();
  EXPECT_EQ(after.at("state"), "stopped");
  EXPECT_NE(after.value("error", "").find("server stopped"), std::string::npos) << after.dump();
  const auto results = http().get(path + "/results").json();
  EXPECT_TRUE(results.at("time").empty());
  EXPECT_TRUE(results.at("signals").at("doubled.y").empty());
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
