// FMUs through the real server: upload (raw and multipart), summary, list, models with FMUs
// wired to native components, simulations against the analytic answer, broken FMUs, deleting,
// the upload size limit.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

using nlohmann::json;

std::string test_fmu_bytes(const std::string& name) {
  const std::filesystem::path file = std::filesystem::path(TWINLOOP_TEST_FMU_DIR) / (name + ".fmu");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string multipart_body(const std::string& boundary, const std::string& file_name,
                           const std::string& content) {
  return "--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nnot a file\r\n--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
         "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary +
         "--\r\n";
}

class Fmus : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    project_ = create_project("Plant");
  }

  std::string fmus_path(const json& project) const {
    return resource_path("projects", project) + "/fmus";
  }

  HttpResponse upload_raw(const json& project, const std::string& name) const {
    return http().request("POST", fmus_path(project) + "?file_name=" + name + ".fmu",
                          test_fmu_bytes(name), "application/octet-stream");
  }

  json upload(const std::string& name) const {
    const auto response = upload_raw(project_, name);
    EXPECT_TRUE(HasStatus(response, 201)) << response.body;
    return response.json();
  }

  json simulate(const json& model, const json& body) {
    const auto created = http().post(resource_path("models", model) + "/simulations", body);
    EXPECT_TRUE(HasStatus(created, 201)) << created.body;
    const std::string path = resource_path("simulations", created.json());
    EXPECT_TRUE(HasStatus(http().post(path + "/start", json::object()), 200));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    json status;
    do {
      status = http().get(path).json();
      if (status.at("state") != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < deadline);
    status["results"] = http().get(path + "/results?format=json").json();
    return status;
  }

  json project_;
};

TEST_F(Fmus, UploadRawAndMultipartThenReadTheSummaryAndTheList) {
  const auto raw = upload_raw(project_, "pt1");
  ASSERT_TRUE(HasStatus(raw, 201)) << raw.body;
  const json pt1 = raw.json();
  EXPECT_EQ(raw.header("location"), resource_path("fmus", pt1));
  EXPECT_EQ(pt1.at("file_name"), "pt1.fmu");
  EXPECT_EQ(pt1.at("size"), test_fmu_bytes("pt1").size());
  EXPECT_EQ(pt1.at("sha256").get<std::string>().size(), 64u);

  const auto summary = http().get(resource_path("fmus", pt1));
  ASSERT_TRUE(HasStatus(summary, 200));
  const json fmu = summary.json();
  EXPECT_EQ(fmu.at("fmi_version"), "2.0");
  EXPECT_EQ(fmu.at("model_name"), "PT1");
  EXPECT_EQ(fmu.at("instantiation_token"), "{3b8f6a1c-7d2e-4f10-b5a9-c1e2d3f4a5b6}");
  EXPECT_TRUE(fmu.at("co_simulation").is_object());
  EXPECT_EQ(fmu.at("co_simulation").at("can_handle_variable_communication_step_size"), true);
  EXPECT_TRUE(fmu.at("model_exchange").is_null());
  EXPECT_EQ(fmu.at("default_experiment").at("stop_time"), 5.0);
  EXPECT_EQ(fmu.at("default_experiment").at("step_size"), 0.01);
  ASSERT_EQ(fmu.at("variables").size(), 4u);
  const json& t = fmu.at("variables").at(3);
  EXPECT_EQ(t.at("name"), "T");
  EXPECT_EQ(t.at("causality"), "parameter");
  EXPECT_EQ(t.at("variability"), "fixed");
  EXPECT_EQ(t.at("type"), "Float64");
  EXPECT_EQ(t.at("start"), 1.0);
  EXPECT_EQ(t.at("unit"), "s");
  EXPECT_EQ(t.at("description"), "time constant");
  EXPECT_TRUE(t.at("min").is_null());

  const std::string boundary = "twinloop-boundary-7d2e";
  const auto multipart = http().request(
      "POST", fmus_path(project_),
      multipart_body(boundary, "C:\\models\\ball.fmu", test_fmu_bytes("bouncing_ball")),
      "multipart/form-data; boundary=\"" + boundary + "\"");
  ASSERT_TRUE(HasStatus(multipart, 201)) << multipart.body;
  EXPECT_EQ(multipart.json().at("file_name"), "ball.fmu");
  EXPECT_TRUE(multipart.json().at("model_exchange").is_object());
  EXPECT_EQ(multipart.json().at("number_of_event_indicators"), 1);

  const auto list = http().get(fmus_path(project_) + "?limit=1");
  ASSERT_TRUE(HasStatus(list, 200));
  EXPECT_EQ(list.json().at("total"), 2);
  ASSERT_EQ(list.json().at("items").size(), 1u);
  EXPECT_EQ(list.json().at("items")[0].at("id"), pt1.at("id"));
  EXPECT_FALSE(list.json().at("items")[0].contains("variables")) << "lists leave them out";
  EXPECT_EQ(list.json().at("limit"), 1);
}

TEST_F(Fmus, TheSameFmuTwiceIsStoredOnce) {
  const json first = upload("pt1");
  const auto again = upload_raw(project_, "pt1");
  ASSERT_TRUE(HasStatus(again, 200)) << "the project has it already: " << again.body;
  EXPECT_EQ(again.json().at("id"), first.at("id"));

  const json other_project = create_project("Other plant");
  const auto elsewhere = upload_raw(other_project, "pt1");
  ASSERT_TRUE(HasStatus(elsewhere, 201)) << elsewhere.body;
  EXPECT_NE(elsewhere.json().at("id"), first.at("id")) << "each project has its own resource";
  EXPECT_EQ(elsewhere.json().at("sha256"), first.at("sha256"));

  const auto stored = temp_dir().path() / "fmus";
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(stored),
                          std::filesystem::directory_iterator()),
            1)
      << "one unpacked copy";
  const auto unpacked = stored / first.at("sha256").get<std::string>();
  ASSERT_TRUE(HasStatus(http().del(resource_path("fmus", first)), 204));
  EXPECT_TRUE(std::filesystem::exists(unpacked)) << "the other project still has it";
  ASSERT_TRUE(HasStatus(http().del(resource_path("fmus", elsewhere.json())), 204));
  EXPECT_FALSE(std::filesystem::exists(unpacked)) << "removed with the last FMU that kept it";
}

TEST_F(Fmus, AModelWiresAnFmuToNativeComponentsBothWaysAndSimulatesTheAnalyticAnswer) {
  const json pt1 = upload("pt1");
  const json model = create_model(project_, "Lag", {{"step_size", 0.01}});
  const auto step = create_component(model, "u", "step", {{"step_time", 0.0}});
  const auto lag = create_component(model, "lag", "fmu",
                                    {{"fmu", pt1.at("id")}, {"values", {{"K", 2}, {"T", 0.5}}}});
  EXPECT_EQ(lag.at("parameters").at("values").at("K"), 2);
  const auto gain = create_component(model, "amplified", "gain", {{"k", 3.0}});
  connect(model, step, "y", lag, "u");
  connect(model, lag, "y", gain, "u");

  const json run = simulate(model, {{"end_time", 2.0}, {"record", {"lag.y", "amplified.y"}}});
  ASSERT_EQ(run.at("state"), "completed") << run.dump();
  const json& results = run.at("results");
  const auto& time = results.at("time");
  ASSERT_EQ(time.size(), 201u);
  for (std::size_t k = 0; k < time.size(); ++k) {
    const double t = time[k].get<double>();
    const double expected = 2.0 * (1.0 - std::exp(-t / 0.5));
    ASSERT_NEAR(results.at("signals").at("lag.y")[k].get<double>(), expected, 1e-12) << t;
    ASSERT_NEAR(results.at("signals").at("amplified.y")[k].get<double>(), 3 * expected, 1e-12);
  }
}

TEST_F(Fmus, ComponentsWithBadFmuParametersAreRefusedNamingTheField) {
  const json pt1 = upload("pt1");
  const json model = create_model(project_, "Lag");
  const std::string components = resource_path("models", model) + "/components";
  const auto unknown_variable =
      http().post(components, {{"name", "lag"},
                               {"type", "fmu"},
                               {"parameters", {{"fmu", pt1.at("id")}, {"values", {{"Q", 1}}}}}});
  ASSERT_TRUE(IsProblem(unknown_variable, 422));
  EXPECT_TRUE(NamesPointer(unknown_variable, "/parameters/values/Q"));
  EXPECT_NE(unknown_variable.json().at("detail").get<std::string>().find(
                "the FMU 'PT1' has no variable 'Q' (parameters a component may set: K, T)"),
            std::string::npos)
      << unknown_variable.body;

  const auto unknown_fmu =
      http().post(components, {{"name", "lag"}, {"type", "fmu"}, {"parameters", {{"fmu", 999}}}});
  ASSERT_TRUE(IsProblem(unknown_fmu, 422));
  EXPECT_TRUE(NamesPointer(unknown_fmu, "/parameters/fmu"));
  const auto no_fmu = http().post(components, {{"name", "lag"}, {"type", "fmu"}});
  ASSERT_TRUE(IsProblem(no_fmu, 422));
  EXPECT_TRUE(NamesPointer(no_fmu, "/parameters/fmu"));
}

TEST_F(Fmus, BrokenFmusAreRefusedWithTheirMessage) {
  const auto expect_refusal = [&](const HttpResponse& response, const std::string& fragment) {
    ASSERT_TRUE(IsProblem(response, 422));
    EXPECT_NE(response.json().at("detail").get<std::string>().find(fragment), std::string::npos)
        << response.body;
  };
  expect_refusal(upload_raw(project_, "bad_xml"),
                 "modelDescription.xml line 22: the XML is malformed");
  expect_refusal(upload_raw(project_, "missing_function"),
                 "binaries/linux64/missing_function.so does not export fmi2DoStep");
  expect_refusal(http().request("POST", fmus_path(project_), "this is no zip archive",
                                "application/octet-stream"),
                 "the FMU is refused");
  expect_refusal(http().request("POST", fmus_path(project_), "", "application/octet-stream"),
                 "the upload is empty");
  EXPECT_TRUE(IsProblem(
      http().request("POST", fmus_path(project_), test_fmu_bytes("pt1"), "text/plain"), 415));
  EXPECT_TRUE(IsProblem(http().request("POST", fmus_path(project_), "--x\r\nbroken",
                                       "multipart/form-data; boundary=x"),
                        400));
  EXPECT_EQ(http().get(fmus_path(project_)).json().at("total"), 0);
  const auto stored = temp_dir().path() / "fmus";
  EXPECT_TRUE(!std::filesystem::exists(stored) || std::filesystem::is_empty(stored))
      << "refused FMUs leave nothing behind";
}

TEST_F(Fmus, AFailingFmuFailsTheSimulationWithItsMessage) {
  const json faulty = upload("faulty");
  const json model = create_model(project_, "Faulty", {{"step_size", 0.125}});
  create_component(model, "drive", "fmu",
                   {{"fmu", faulty.at("id")}, {"values", {{"fail_at", 0.25}}}});
  const json run = simulate(model, {{"end_time", 1.0}});
  ASSERT_EQ(run.at("state"), "failed") << run.dump();
  EXPECT_NE(run.at("error").get<std::string>().find(
                "FMU instance \"drive\": fmi2DoStep returned Error at t = 0.25"),
            std::string::npos)
      << run.dump();
}

TEST_F(Fmus, DeletingAnFmuInUseIsAConflict) {
  const json pt1 = upload("pt1");
  const json model = create_model(project_, "Lag");
  const auto lag = create_component(model, "lag", "fmu", {{"fmu", pt1.at("id")}});
  const auto refused = http().del(resource_path("fmus", pt1));
  ASSERT_TRUE(IsProblem(refused, 409));
  EXPECT_NE(refused.json().at("detail").get<std::string>().find("used by component 'lag'"),
            std::string::npos)
      << refused.body;
  ASSERT_TRUE(HasStatus(http().del(resource_path("components", lag)), 204));
  ASSERT_TRUE(HasStatus(http().del(resource_path("fmus", pt1)), 204));
  EXPECT_TRUE(IsProblem(http().get(resource_path("fmus", pt1)), 404));
  EXPECT_FALSE(
      std::filesystem::exists(temp_dir().path() / "fmus" / pt1.at("sha256").get<std::string>()));
}

TEST_F(Fmus, ExportAndImportKeepFmuComponents) {
  const json pt1 = upload("pt1");
  const json model = create_model(project_, "Lag");
  create_component(model, "lag", "fmu", {{"fmu", pt1.at("id")}, {"values", {{"T", 0.5}}}});
  const auto exported = http().get(resource_path("models", model) + "/export");
  ASSERT_TRUE(HasStatus(exported, 200));
  const auto imported = http().post(
      resource_path("projects", project_) + "/models/import?name=Lag%20copy", exported.json());
  ASSERT_TRUE(HasStatus(imported, 201)) << imported.body;
  const auto components = list_items(resource_path("models", imported.json()) + "/components");
  ASSERT_EQ(components.size(), 1u);
  EXPECT_EQ(components[0].at("parameters").at("fmu"), pt1.at("id"));
  EXPECT_EQ(components[0].at("parameters").at("values").at("T"), 0.5);
}

TEST(FmuFiles, AServerStartRemovesTheFmusOfDeletedProjects) {
  const TempDir directory;
  std::string sha256;
  {
    ServerProcess server(ServerLaunch::in(directory.path()));
    const HttpClient http = server.client();
    const auto project = http.post("/api/v1/projects", {{"name", "Plant"}});
    ASSERT_TRUE(HasStatus(project, 201));
    const auto fmu = http.request("POST", resource_path("projects", project.json()) + "/fmus",
                                  test_fmu_bytes("pt1"), "application/octet-stream");
    ASSERT_TRUE(HasStatus(fmu, 201)) << fmu.body;
    sha256 = fmu.json().at("sha256").get<std::string>();
    ASSERT_TRUE(HasStatus(http.del(resource_path("projects", project.json())), 204));
    EXPECT_TRUE(std::filesystem::exists(directory.path() / "fmus" / sha256))
        << "a deleted project's FMU rows go with it, its files wait for the next start";
    EXPECT_EQ(server.stop().exit_code, 0);
  }
  ServerProcess restarted(ServerLaunch::in(directory.path()));
  EXPECT_FALSE(std::filesystem::exists(directory.path() / "fmus" / sha256));
}

class SmallFmuLimit : public Fmus {
 protected:
  std::vector<std::string> server_arguments() const override { return {"--max-fmu-size", "2000"}; }
};

TEST_F(SmallFmuLimit, AnUploadOverTheLimitIs413) {
  ASSERT_GT(test_fmu_bytes("pt1").size(), 2000u);
  EXPECT_TRUE(IsProblem(upload_raw(project_, "pt1"), 413));
  const auto small = http().request("POST", fmus_path(project_), std::string(1500, 'x'),
                                    "application/octet-stream");
  EXPECT_TRUE(IsProblem(small, 422)) << "under the limit it is read, and refused as no FMU";
}

}  // namespace
}  // namespace twinloop::itest
