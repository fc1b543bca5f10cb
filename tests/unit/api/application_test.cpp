// The REST API through Application::handle, with an in-memory store: every rule and error
// class, without sockets.
#include "twinloop/api/application.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <thread>

#include "twinloop/sim/type_registry.hpp"

namespace twinloop::api {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  ApiTest()
      : store_(store::open_sqlite(store::SqliteOptions{":memory:", 1000, 1})),
        application_(*store_, registry(), ApplicationOptions{"http://ui.test", "test"}) {}

  static const sim::TypeRegistry& registry() {
    static const sim::TypeRegistry types = [] {
      sim::TypeRegistry built;
      sim::register_builtin_types(built);
      return built;
    }();
    return types;
  }

  void SetUp() override;

  Response call(const std::string& method, const std::string& target, const std::string& body = {},
                const std::string& content_type = "application/json") {
    Request request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.content_type =
        body.empty() && method != "POST" && method != "PATCH" ? "" : content_type;
    return application_.handle(request);
  }
  Response post(const std::string& target, const json& body) {
    return call("POST", target, body.dump());
  }
  Response patch(const std::string& target, const json& body) {
    return call("PATCH", target, body.dump());
  }
  json created(const std::string& target, const json& body) {
    const auto response = post(target, body);
    EXPECT_EQ(response.status, 201) << target << " " << response.body;
    return json::parse(response.body);
  }
  static json body_of(const Response& response) { return json::parse(response.body); }

  // Asserts a problem response and returns the pointer (or query parameter) it names.
  static std::string problem_field(const Response& response, int status) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.content_type, "application/problem+json");
    const auto problem = json::parse(response.body);
    EXPECT_EQ(problem["status"], status);
    EXPECT_TRUE(problem["type"].get<std::string>().starts_with("urn:twinloop:problem:"));
    EXPECT_FALSE(problem["detail"].get<std::string>().empty());
    if (!problem.contains("errors")) return "<none>";
    const auto& first = problem["errors"][0];
    return first.contains("pointer") ? first["pointer"].get<std::string>()
                                     : "?" + first["parameter"].get<std::string>();
  }

  json component(const std::string& name, const std::string& type,
                 json parameters = json::object()) {
    return created(models_ + "/components",
                   {{"name", name}, {"type", type}, {"parameters", std::move(parameters)}});
  }
  Response connect(const json& source, const std::string& source_port, const json& target,
                   const std::string& target_port) {
    return post(models_ + "/connections",
                {{"source", {{"component_id", source["id"]}, {"port", source_port}}},
                 {"target", {{"component_id", target["id"]}, {"port", target_port}}}});
  }

  std::unique_ptr<store::Store> store_;
  Application application_;
  json project_;
  json model_;
  std::string models_;  // "/api/v1/models/<id>"
};

void ApiTest::SetUp() {
  project_ = created("/api/v1/projects", {{"name", "Line 1"}});
  model_ = created("/api/v1/projects/" + project_["id"].dump() + "/models",
                   {{"name", "Press"}, {"step_size", 0.01}});
  models_ = "/api/v1/models/" + model_["id"].dump();
}

TEST_F(ApiTest, CreateAnswers201WithLocation) {
  const auto response = post("/api/v1/projects", {{"name", "Line 2"}, {"description", "d"}});
  EXPECT_EQ(response.status, 201);
  const auto project = body_of(response);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Location");
  EXPECT_EQ(response.headers[0].second, "/api/v1/projects/" + project["id"].dump());
  EXPECT_EQ(project["description"], "d");
  EXPECT_EQ(response.route, "/api/v1/projects");
}

TEST_F(ApiTest, MalformedJsonIs400InvalidJson) {
  const auto response = call("POST", "/api/v1/projects", "{\"name\": ");
  problem_field(response, 400);
  EXPECT_EQ(body_of(response)["type"], "urn:twinloop:problem:invalid-json");
}

TEST_F(ApiTest, WrongFieldTypeIs400NamingTheField) {
  EXPECT_EQ(problem_field(post("/api/v1/projects", {{"name", 5}}), 400), "/name");
  EXPECT_EQ(problem_field(post("/api/v1/projects", json::array()), 400), "");
  EXPECT_EQ(problem_field(post(models_ + "/components",
                               {{"name", "a"}, {"type", "gain"}, {"parameters", "k=1"}}),
                          400),
            "/parameters");
}

TEST_F(ApiTest, UnknownFieldIs400) {
  EXPECT_EQ(problem_field(post("/api/v1/projects", {{"name", "x"}, {"nmae", "y"}}), 400), "/nmae");
}

TEST_F(ApiTest, MissingRequiredFieldIs400) {
  EXPECT_EQ(problem_field(post("/api/v1/projects", json::object()), 400), "/name");
}

TEST_F(ApiTest, NonJsonBodyIs415) {
  problem_field(call("POST", "/api/v1/projects", "name=x", "text/plain"), 415);
  problem_field(call("POST", "/api/v1/projects", "{}", ""), 415);
  EXPECT_EQ(call("POST", "/api/v1/projects", R"({"name":"cs"})", "application/json; charset=utf-8")
                .status,
            201);
}

TEST_F(ApiTest, UnknownIdOrRouteIs404) {
  problem_field(call("GET", "/api/v1/projects/999999"), 404);
  problem_field(call("GET", "/api/v1/projects/abc"), 404);
  problem_field(call("GET", "/api/v1/nope"), 404);
  problem_field(call("DELETE", "/api/v1/components/77"), 404);
  problem_field(post("/api/v1/projects/999/models", {{"name", "m"}}), 404);
}

TEST_F(ApiTest, WrongMethodIs405WithAllow) {
  const auto response = call("DELETE", "/api/v1/projects");
  problem_field(response, 405);
  ASSERT_FALSE(response.headers.empty());
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "GET, POST");
}

TEST_F(ApiTest, DuplicateNamesAre409) {
  EXPECT_EQ(problem_field(post("/api/v1/projects", {{"name", "Line 1"}}), 409), "/name");
  const auto models = "/api/v1/projects/" + project_["id"].dump() + "/models";
  EXPECT_EQ(problem_field(post(models, {{"name", "Press"}}), 409), "/name");
  component("a", "gain");
  EXPECT_EQ(problem_field(post(models_ + "/components", {{"name", "a"}, {"type", "pt1"}}), 409),
            "/name");
  // The same model name in another project is fine.
  const auto other = created("/api/v1/projects", {{"name", "Line 2"}});
  created("/api/v1/projects/" + other["id"].dump() + "/models", {{"name", "Press"}});
}

TEST_F(ApiTest, ComponentRulesAre422NamingTheField) {
  const auto components = models_ + "/components";
  EXPECT_EQ(problem_field(post(components, {{"name", "a"}, {"type", "warp_drive"}}), 422), "/type");
  EXPECT_EQ(
      problem_field(
          post(components, {{"name", "a"}, {"type", "gain"}, {"parameters", {{"gain", 2}}}}), 422),
      "/parameters/gain");
  EXPECT_EQ(
      problem_field(post(components, {{"name", "a"}, {"type", "pt1"}, {"parameters", {{"t", -1}}}}),
                    422),
      "/parameters/t");
  EXPECT_EQ(
      problem_field(
          post(components, {{"name", "a"}, {"type", "gain"}, {"parameters", {{"k", "abc"}}}}), 422),
      "/parameters/k");
  EXPECT_EQ(problem_field(post(components, {{"name", "a.b"}, {"type", "gain"}}), 422), "/name");
  EXPECT_EQ(problem_field(post(models_, {{"step_size", 0}}), 405), "<none>");
  EXPECT_EQ(problem_field(patch(models_, {{"step_size", 0}}), 422), "/step_size");
}

TEST_F(ApiTest, ComponentGetsEffectiveParameters) {
  const auto pt1 = component("lag", "pt1", {{"t", 0.5}});
  EXPECT_EQ(pt1["parameters"], (json{{"k", 1.0}, {"t", 0.5}, {"sample_time", 0.0}}));
  EXPECT_TRUE(pt1["position"].is_null());
}

TEST_F(ApiTest, PatchMergesParametersAndNullRestoresDefault) {
  const auto pt1 = component("lag", "pt1", {{"t", 0.5}, {"k", 3}});
  const auto path = "/api/v1/components/" + pt1["id"].dump();
  auto response = patch(path, {{"parameters", {{"k", 2}}}, {"position", {{"x", 10}, {"y", 20}}}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["parameters"], (json{{"k", 2.0}, {"t", 0.5}, {"sample_time", 0.0}}));
  EXPECT_EQ(body_of(response)["position"], (json{{"x", 10.0}, {"y", 20.0}}));
  response = patch(path, {{"parameters", {{"t", nullptr}}}, {"position", nullptr}});
  EXPECT_EQ(body_of(response)["parameters"], (json{{"k", 2.0}, {"t", 1.0}, {"sample_time", 0.0}}));
  EXPECT_TRUE(body_of(response)["position"].is_null());
  EXPECT_EQ(problem_field(patch(path, {{"type", "gain"}}), 422), "/type");
  EXPECT_EQ(patch(path, {{"type", "pt1"}, {"name", "lag2"}}).status, 200);
}

TEST_F(ApiTest, ConnectionRules) {
  const auto step = component("step", "step");
  const auto gain = component("gain", "gain");
  const auto sum = component("sum", "sum", {{"signs", "+-"}});
  EXPECT_EQ(connect(step, "y", gain, "u").status, 201);
  EXPECT_EQ(problem_field(connect(step, "nope", sum, "u1"), 422), "/source/port");
  EXPECT_EQ(problem_field(connect(step, "y", sum, "u3"), 422), "/target/port");
  EXPECT_EQ(problem_field(connect(gain, "u", sum, "u1"), 422), "/source/port");
  EXPECT_EQ(problem_field(connect(step, "y", gain, "y"), 422), "/target/port");
  const auto second = connect(sum, "y", gain, "u");
  EXPECT_EQ(problem_field(second, 422), "/target");
  EXPECT_EQ(body_of(second)["type"], "urn:twinloop:problem:input-already-driven");
  EXPECT_EQ(problem_field(connect(json{{"id", 999}}, "y", gain, "u"), 422), "/source/component_id");
  const auto other_model =
      created("/api/v1/projects/" + project_["id"].dump() + "/models", {{"name", "Other"}});
  const auto foreign = created("/api/v1/models/" + other_model["id"].dump() + "/components",
                               {{"name", "c"}, {"type", "constant"}});
  EXPECT_EQ(problem_field(connect(foreign, "y", sum, "u1"), 422), "/source/component_id");
  EXPECT_EQ(
      problem_field(post(models_ + "/connections", {{"source", {{"component_id", "1"}}}}), 400),
      "/source/component_id");
}

TEST_F(ApiTest, ParameterChangeThatDropsAConnectedPortIsRefused) {
  const auto step = component("step", "step");
  const auto sum = component("sum", "sum", {{"signs", "+++"}});
  ASSERT_EQ(connect(step, "y", sum, "u3").status, 201);
  const auto path = "/api/v1/components/" + sum["id"].dump();
  EXPECT_EQ(problem_field(patch(path, {{"parameters", {{"signs", "++"}}}}), 422), "/parameters");
  EXPECT_EQ(patch(path, {{"parameters", {{"signs", "+-+"}}}}).status, 200);
}

TEST_F(ApiTest, DeletingAComponentDeletesItsConnections) {
  const auto step = component("step", "step");
  const auto gain = component("gain", "gain");
  const auto connection = body_of(connect(step, "y", gain, "u"));
  EXPECT_EQ(call("DELETE", "/api/v1/components/" + step["id"].dump()).status, 204);
  EXPECT_EQ(call("GET", "/api/v1/connections/" + connection["id"].dump()).status, 404);
  EXPECT_EQ(body_of(call("GET", models_ + "/connections"))["total"], 0);
}

TEST_F(ApiTest, ListsPaginate) {
  for (int i = 0; i < 6; ++i)
    component("c" + std::to_string(i), "constant");
  const auto page = body_of(call("GET", models_ + "/components?limit=2&offset=3"));
  EXPECT_EQ(page["total"], 6);
  EXPECT_EQ(page["limit"], 2);
  EXPECT_EQ(page["offset"], 3);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0]["name"], "c3");
  EXPECT_EQ(problem_field(call("GET", models_ + "/components?limit=0"), 400), "?limit");
  EXPECT_EQ(problem_field(call("GET", models_ + "/components?limit=1001"), 400), "?limit");
  EXPECT_EQ(problem_field(call("GET", models_ + "/components?limit=abc"), 400), "?limit");
  EXPECT_EQ(problem_field(call("GET", models_ + "/components?offset=-1"), 400), "?offset");
}

TEST_F(ApiTest, ExportImportRoundTrip) {
  const auto step = component("step", "step", {{"final", 2.5}});
  const auto lag = component("lag", "pt1", {{"t", 0.25}});
  const auto sum = component("sum", "sum", {{"signs", "+-"}});
  ASSERT_EQ(connect(step, "y", sum, "u1").status, 201);
  ASSERT_EQ(connect(lag, "y", sum, "u2").status, 201);
  ASSERT_EQ(connect(sum, "y", lag, "u").status, 201);
  ASSERT_EQ(
      patch("/api/v1/components/" + lag["id"].dump(), {{"position", {{"x", 1}, {"y", 2}}}}).status,
      200);
  auto exported = body_of(call("GET", models_ + "/export"));
  EXPECT_EQ(exported["format"], "twinloop.model");
  EXPECT_EQ(exported["components"].size(), 3u);

  const auto other = created("/api/v1/projects", {{"name", "Line 2"}});
  const auto imported =
      created("/api/v1/projects/" + other["id"].dump() + "/models/import", exported);
  EXPECT_NE(imported["id"], model_["id"]);
  EXPECT_EQ(imported["step_size"], 0.01);
  auto again = body_of(call("GET", "/api/v1/models/" + imported["id"].dump() + "/export"));
  exported.erase("exported_at");
  again.erase("exported_at");
  EXPECT_EQ(again, exported);

  // Into the same project it needs a new name.
  const auto same_project = "/api/v1/projects/" + project_["id"].dump() + "/models/import";
  EXPECT_EQ(problem_field(post(same_project, exported), 409), "/name");
  const auto renamed = call("POST", same_project + "?name=Press%20copy", exported.dump());
  EXPECT_EQ(renamed.status, 201) << renamed.body;
  EXPECT_EQ(body_of(renamed)["name"], "Press copy");
}

TEST_F(ApiTest, ImportErrorsPointIntoTheDocumentAndWriteNothing) {
  const json document{
      {"format", "twinloop.model"},
      {"format_version", 1},
      {"model", {{"name", "Imported"}}},
      {"components", {{{"name", "a"}, {"type", "step"}}, {{"name", "b"}, {"type", "gain"}}}},
      {"connections",
       {{{"source", {{"component", "a"}, {"port", "y"}}},
         {"target", {{"component", "b"}, {"port", "u"}}}}}}};
  const auto imports = "/api/v1/projects/" + project_["id"].dump() + "/models/import";
  auto broken = document;
  broken["components"][1]["parameters"] = {{"k", "x"}};
  EXPECT_EQ(problem_field(post(imports, broken), 422), "/components/1/parameters/k");
  broken = document;
  broken["connections"][0]["target"]["component"] = "c";
  EXPECT_EQ(problem_field(post(imports, broken), 422), "/connections/0/target/component");
  broken = document;
  broken["connections"].push_back(broken["connections"][0]);
  EXPECT_EQ(problem_field(post(imports, broken), 422), "/connections/1/target");
  broken = document;
  broken["format"] = "other";
  EXPECT_EQ(problem_field(post(imports, broken), 422), "/format");
  broken = document;
  broken["components"][1]["name"] = "a";
  EXPECT_EQ(problem_field(post(imports, broken), 422), "/components/1/name");
  const auto models = body_of(call("GET", "/api/v1/projects/" + project_["id"].dump() + "/models"));
  EXPECT_EQ(models["total"], 1);
  EXPECT_EQ(post(imports, document).status, 201);
}

TEST_F(ApiTest, DeletingAProjectCascades) {
  component("a", "gain");
  EXPECT_EQ(call("DELETE", "/api/v1/projects/" + project_["id"].dump()).status, 204);
  EXPECT_EQ(call("GET", models_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/projects/" + project_["id"].dump()).status, 404);
}

TEST_F(ApiTest, CorsForTheConfiguredOrigin) {
  Request request;
  request.method = "OPTIONS";
  request.target = "/api/v1/projects";
  request.origin = "http://ui.test";
  auto response = application_.handle(request);
  EXPECT_EQ(response.status, 204);
  auto has_header = [&](const std::string& name) {
    for (const auto& header : response.headers) {
      if (header.first == name) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_header("Access-Control-Allow-Methods"));
  EXPECT_TRUE(has_header("Access-Control-Allow-Origin"));
  request.method = "GET";
  request.origin = "http://evil.test";
  response = application_.handle(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(has_header("Access-Control-Allow-Origin"));
}

TEST_F(ApiTest, CatalogueListsBuiltinsAndOneType) {
  const auto list = body_of(call("GET", "/api/v1/component-types"));
  EXPECT_GE(list["total"], 7);
  const auto pt1 = body_of(call("GET", "/api/v1/component-types/pt1"));
  EXPECT_EQ(pt1["parameters"][1]["name"], "t");
  EXPECT_EQ(pt1["parameters"][1]["unit"], "s");
  problem_field(call("GET", "/api/v1/component-types/warp"), 404);
}

TEST_F(ApiTest, OpenApiDocumentsEveryRoute) {
  const auto response = call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(response.status, 200);
  const auto document = json::parse(response.body);
  EXPECT_EQ(document["openapi"].get<std::string>().substr(0, 3), "3.1");
  for (const auto& [method, pattern] : application_.routes()) {
    std::string lower = method;
    for (auto& c : lower)
      c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(document["paths"].contains(pattern)) << pattern;
    EXPECT_TRUE(document["paths"][pattern].contains(lower)) << method << " " << pattern;
  }
}

class SimulationApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    step_ = component("u", "step", {{"step_time", 0.0}});
    lag_ = component("lag", "pt1", {{"t", 0.5}});
    ASSERT_EQ(connect(step_, "y", lag_, "u").status, 201);
  }
  json wait_for(const json& simulation, const std::string& state) {
    const auto path = "/api/v1/simulations/" + simulation["id"].dump();
    while (true) {
      auto current = body_of(call("GET", path));
      if (current["state"] == state || current["state"] == "failed") return current;
      std::this_thread::yield();
    }
  }
  json step_;
  json lag_;
};

TEST_F(SimulationApiTest, RunsToTheEndAndServesResults) {
  const auto simulation =
      created(models_ + "/simulations", {{"end_time", 1.0}, {"record", {"lag.y"}}});
  EXPECT_EQ(simulation["state"], "created");
  EXPECT_EQ(simulation["step_size"], 0.01);  // the model's
  const auto path = "/api/v1/simulations/" + simulation["id"].dump();
  ASSERT_EQ(call("POST", path + "/start").status, 200);
  const auto done = wait_for(simulation, "completed");
  EXPECT_EQ(done["state"], "completed");
  EXPECT_EQ(done["steps"], 101);
  const auto results = body_of(call("GET", path + "/results"));
  ASSERT_EQ(results["time"].size(), 101u);
  const auto& lag = results["signals"]["lag.y"];
  EXPECT_NEAR(lag[50].get<double>(), 1.0 - std::exp(-0.5 / 0.5), 1e-12);
  const auto csv = call("GET", path + "/results?format=csv");
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\n')), "time,lag.y");
  problem_field(call("POST", path + "/start"), 409);
  EXPECT_EQ(problem_field(call("GET", path + "/results?signals=nope.y"), 400), "?signals");
  EXPECT_EQ(problem_field(call("GET", path + "/results?format=xml"), 400), "?format");
  EXPECT_EQ(call("DELETE", path).status, 204);
  problem_field(call("GET", path), 404);
}

TEST_F(SimulationApiTest, StepsAndOverridesByHand) {
  const auto simulation = created(models_ + "/simulations", {{"step_size", 0.1}});
  const auto path = "/api/v1/simulations/" + simulation["id"].dump();
  EXPECT_EQ(body_of(call("POST", path + "/step"))["steps"], 1);
  auto patched = patch(path, {{"overrides", {{"lag.u", 0.0}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body_of(patched)["overrides"]["lag.u"], 0.0);
  EXPECT_EQ(problem_field(patch(path, {{"overrides", {{"lag.y", 1.0}}}}), 422), "/overrides/lag.y");
  EXPECT_EQ(problem_field(patch(path, {{"overrides", {{"lag.u", true}}}}), 422),
            "/overrides/lag.u");
  EXPECT_EQ(body_of(patch(path, {{"overrides", {{"lag.u", nullptr}}}}))["overrides"],
            json::object());
  EXPECT_EQ(body_of(call("POST", path + "/stop"))["state"], "stopped");
}

TEST_F(SimulationApiTest, BadSettingsAre422) {
  const auto simulations = models_ + "/simulations";
  EXPECT_EQ(problem_field(post(simulations, {{"step_size", -0.1}}), 422), "/step_size");
  EXPECT_EQ(problem_field(post(simulations, {{"end_time", -1}}), 422), "/end_time");
  EXPECT_EQ(problem_field(post(simulations, {{"realtime_factor", -1}}), 422), "/realtime_factor");
  EXPECT_EQ(problem_field(post(simulations, {{"decimation", 0}}), 422), "/decimation");
  EXPECT_EQ(problem_field(post(simulations, {{"record", {"lag.y", "nope.y"}}}), 422), "/record/1");
  EXPECT_EQ(problem_field(post(simulations, {{"step_size", "fast"}}), 400), "/step_size");
}

TEST_F(SimulationApiTest, AlgebraicLoopIs422NamingTheCycle) {
  const auto a = component("a", "gain");
  const auto b = component("b", "gain");
  ASSERT_EQ(connect(a, "y", b, "u").status, 201);
  ASSERT_EQ(connect(b, "y", a, "u").status, 201);
  const auto response = post(models_ + "/simulations", json::object());
  problem_field(response, 422);
  EXPECT_EQ(body_of(response)["type"], "urn:twinloop:problem:algebraic-loop");
  EXPECT_NE(body_of(response)["detail"].get<std::string>().find("a -> b -> a"), std::string::npos);
}

TEST_F(ApiTest, RootRedirectsToTheDocumentation) {
  const auto response = call("GET", "/");
  EXPECT_EQ(response.status, 302);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].second, "/docs/");
}

TEST_F(ApiTest, HealthAndMetrics) {
  EXPECT_EQ(body_of(call("GET", "/healthz"))["status"], "ok");
  application_.observe("/api/v1/projects", "GET", 200, std::chrono::microseconds(10));
  const auto metrics = call("GET", "/metrics");
  EXPECT_NE(metrics.body.find("twinloop_http_requests_total{route=\"/api/v1/projects\""),
            std::string::npos);
}

}  // namespace
}  // namespace twinloop::api
