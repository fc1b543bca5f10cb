// One test per error class of the API contract: status, application/problem+json and the
// field the problem names.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

using RequestErrors = ApiTest;

TEST_F(RequestErrors, MalformedJsonIs400InvalidJson) {
  const auto response =
      http().request("POST", "/api/v1/projects", R"({"name": "x",)", "application/json");
  EXPECT_TRUE(IsProblem(response, 400));
  EXPECT_TRUE(HasProblemSlug(response, "invalid-json"));
}

TEST_F(RequestErrors, BodyThatIsNoObjectIs400) {
  const auto response = http().post("/api/v1/projects", nlohmann::json::array({"name"}));
  EXPECT_TRUE(IsProblem(response, 400));
}

TEST_F(RequestErrors, FieldOfWrongJsonTypeIs400NamingIt) {
  const auto response = http().post("/api/v1/projects", {{"name", 5}});
  EXPECT_TRUE(IsProblem(response, 400));
  EXPECT_TRUE(NamesPointer(response, "/name"));
}

TEST_F(RequestErrors, NestedFieldOfWrongJsonTypeIs400NamingIt) {
  const auto model = create_model(create_project("Cell"), "Shapes");
  const auto response = http().post(resource_path("models", model) + "/components",
                                    {{"name", "g"}, {"type", "gain"}, {"parameters", "k=2"}});
  EXPECT_TRUE(IsProblem(response, 400));
  EXPECT_TRUE(NamesPointer(response, "/parameters"));
}

TEST_F(RequestErrors, UnknownBodyFieldIs400NamingIt) {
  const auto response = http().post("/api/v1/projects", {{"name", "x"}, {"colour", "red"}});
  EXPECT_TRUE(IsProblem(response, 400));
  EXPECT_TRUE(NamesPointer(response, "/colour"));
}

TEST_F(RequestErrors, UnknownIdIs404) {
  EXPECT_TRUE(IsProblem(http().get("/api/v1/projects/999999"), 404));
  EXPECT_TRUE(IsProblem(http().get("/api/v1/models/999999"), 404));
  EXPECT_TRUE(IsProblem(http().get("/api/v1/components/999999"), 404));
  EXPECT_TRUE(IsProblem(http().get("/api/v1/connections/999999"), 404));
  EXPECT_TRUE(IsProblem(http().get("/api/v1/projects/999999/models"), 404));
  EXPECT_TRUE(IsProblem(http().post("/api/v1/projects/999999/models", {{"name", "m"}}), 404));
  EXPECT_TRUE(IsProblem(http().patch("/api/v1/projects/999999", {{"name", "m"}}), 404));
  EXPECT_TRUE(IsProblem(http().del("/api/v1/models/999999"), 404));
}

TEST_F(RequestErrors, UnknownRouteIs404) {
  EXPECT_TRUE(IsProblem(http().get("/api/v1/nope"), 404));
}

TEST_F(RequestErrors, NonNumericIdIs404) {
  EXPECT_TRUE(IsProblem(http().get("/api/v1/projects/abc"), 404));
}

TEST_F(RequestErrors, WrongMethodIs405WithAllow) {
  const auto response = http().del("/api/v1/projects");
  EXPECT_TRUE(IsProblem(response, 405));
  const auto allow = response.header("allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << "Allow: " << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << "Allow: " << allow;
  EXPECT_EQ(allow.find("DELETE"), std::string::npos) << "Allow: " << allow;
}

TEST_F(RequestErrors, PatchOfAConnectionIs405) {
  const auto model = create_model(create_project("Cell"), "Loop");
  const auto connection = connect(model, create_component(model, "source", "step"), "y",
                                  create_component(model, "plant", "pt1"), "u");
  const auto response =
      http().patch(resource_path("connections", connection), {{"target", nullptr}});
  EXPECT_TRUE(IsProblem(response, 405));
  const auto allow = response.header("allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << "Allow: " << allow;
  EXPECT_NE(allow.find("DELETE"), std::string::npos) << "Allow: " << allow;
}

TEST_F(RequestErrors, DuplicateProjectNameIs409) {
  create_project("Line");
  const auto response = http().post("/api/v1/projects", {{"name", "Line"}});
  EXPECT_TRUE(IsProblem(response, 409));
  EXPECT_TRUE(NamesPointer(response, "/name"));
}

TEST_F(RequestErrors, RenamingAProjectToATakenNameIs409) {
  create_project("Line");
  const auto other = create_project("Other");
  const auto response = http().patch(resource_path("projects", other), {{"name", "Line"}});
  EXPECT_TRUE(IsProblem(response, 409));
  EXPECT_TRUE(NamesPointer(response, "/name"));
}

TEST_F(RequestErrors, DuplicateModelNameInAProjectIs409) {
  const auto project = create_project("Cell");
  create_model(project, "Conveyor");
  const auto response =
      http().post(resource_path("projects", project) + "/models", {{"name", "Conveyor"}});
  EXPECT_TRUE(IsProblem(response, 409));
  EXPECT_TRUE(NamesPointer(response, "/name"));
  EXPECT_NO_THROW(create_model(create_project("Other cell"), "Conveyor"));
}

TEST_F(RequestErrors, DuplicateComponentNameInAModelIs409) {
  const auto project = create_project("Cell");
  const auto model = create_model(project, "Conveyor");
  create_component(model, "drive", "gain");
  const auto response = http().post(resource_path("models", model) + "/components",
                                    {{"name", "drive"}, {"type", "pt1"}});
  EXPECT_TRUE(IsProblem(response, 409));
  EXPECT_TRUE(NamesPointer(response, "/name"));
  EXPECT_NO_THROW(create_component(create_model(project, "Lift"), "drive", "gain"));
}

TEST_F(RequestErrors, TextPlainBodyIs415) {
  const auto response =
      http().request("POST", "/api/v1/projects", R"({"name": "x"})", "text/plain");
  EXPECT_TRUE(IsProblem(response, 415));
}

class SmallBodyLimit : public ApiTest {
 protected:
  std::vector<std::string> server_arguments() const override { return {"--body-limit", "1024"}; }

  static nlohmann::json project_of_size(std::size_t size) {
    nlohmann::json body{{"name", "big"}, {"description", ""}};
    body["description"] = std::string(size - body.dump().size(), 'x');
    return body;
  }
};

TEST_F(SmallBodyLimit, BodyOverTheLimitIs413) {
  const auto body = project_of_size(2000);
  ASSERT_EQ(body.dump().size(), 2000U);
  EXPECT_TRUE(IsProblem(http().post("/api/v1/projects", body), 413));
}

TEST_F(SmallBodyLimit, BodyWithinTheLimitIsAccepted) {
  const auto body = project_of_size(1000);
  EXPECT_TRUE(HasStatus(http().post("/api/v1/projects", body), 201));
}

// Errors of model rules (422) on one model with a few components.
class ModelRuleErrors : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    project_ = create_project("Cell");
    model_ = create_model(project_, "Loop");
    source_ = create_component(model_, "source", "step");
    amplifier_ = create_component(model_, "amplifier", "gain");
    plant_ = create_component(model_, "plant", "pt1");
  }

  HttpResponse post_component(const nlohmann::json& body) {
    return http().post(resource_path("models", model_) + "/components", body);
  }
  HttpResponse post_connection(const nlohmann::json& body) {
    return http().post(resource_path("models", model_) + "/connections", body);
  }

  nlohmann::json project_;
  nlohmann::json model_;
  nlohmann::json source_;
  nlohmann::json amplifier_;
  nlohmann::json plant_;
};

TEST_F(ModelRuleErrors, UnknownComponentTypeIs422) {
  const auto response = post_component({{"name", "flux"}, {"type", "flux_capacitor"}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/type"));
}

TEST_F(ModelRuleErrors, UnknownParameterIs422) {
  const auto response =
      post_component({{"name", "g"}, {"type", "gain"}, {"parameters", {{"gain", 2}}}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/parameters/gain"));
}

TEST_F(ModelRuleErrors, ParameterOutOfRangeIs422) {
  const auto response =
      post_component({{"name", "lag"}, {"type", "pt1"}, {"parameters", {{"t", -1}}}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/parameters/t"));
}

TEST_F(ModelRuleErrors, ParameterOfWrongTypeIs422) {
  const auto response =
      post_component({{"name", "g"}, {"type", "gain"}, {"parameters", {{"k", "abc"}}}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/parameters/k"));
}

TEST_F(ModelRuleErrors, UnknownSourcePortIs422) {
  const auto response = post_connection(connection_body(source_, "out", plant_, "u"));
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/source/port"));
}

TEST_F(ModelRuleErrors, UnknownTargetPortIs422) {
  const auto response = post_connection(connection_body(source_, "y", plant_, "in"));
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/target/port"));
}

TEST_F(ModelRuleErrors, ConnectionFromAnInputIs422) {
  const auto response = post_connection(connection_body(amplifier_, "u", plant_, "u"));
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/source/port"));
}

TEST_F(ModelRuleErrors, ConnectionToAnOutputIs422) {
  const auto response = post_connection(connection_body(source_, "y", plant_, "y"));
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/target/port"));
}

TEST_F(ModelRuleErrors, SecondDriverOfAnInputIs422InputAlreadyDriven) {
  connect(model_, source_, "y", plant_, "u");
  const auto response = post_connection(connection_body(amplifier_, "y", plant_, "u"));
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(HasProblemSlug(response, "input-already-driven"));
  EXPECT_TRUE(NamesPointer(response, "/target"));
}

TEST_F(ModelRuleErrors, UnknownComponentIdInAConnectionIs422) {
  auto body = connection_body(source_, "y", plant_, "u");
  body["source"]["component_id"] = 999999;
  const auto response = post_connection(body);
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/source/component_id"));
}

TEST_F(ModelRuleErrors, ComponentOfAnotherModelInAConnectionIs422) {
  const auto other_model = create_model(project_, "Elsewhere");
  const auto foreign = create_component(other_model, "foreign", "step");

  const auto from_foreign = post_connection(connection_body(foreign, "y", plant_, "u"));
  EXPECT_TRUE(IsProblem(from_foreign, 422));
  EXPECT_TRUE(NamesPointer(from_foreign, "/source/component_id"));

  const auto foreign_target = create_component(other_model, "foreign_target", "gain");
  const auto to_foreign = post_connection(connection_body(source_, "y", foreign_target, "u"));
  EXPECT_TRUE(IsProblem(to_foreign, 422));
  EXPECT_TRUE(NamesPointer(to_foreign, "/target/component_id"));
}

// A connection between a bool port and a real port of gain; needs a catalogue type with a
// bool port.
TEST_F(ModelRuleErrors, MismatchedPortDataTypesAre422) {
  for (const auto& entry : list_items("/api/v1/component-types")) {
    for (const auto* direction : {"outputs", "inputs"}) {
      for (const auto& port : entry.at(direction)) {
        if (port.at("data_type") != "bool") continue;
        const auto logic = create_component(model_, "logic", entry.at("type").get<std::string>());
        const auto port_name = port.at("name").get<std::string>();
        const bool bool_is_source = std::string_view(direction) == "outputs";
        const auto response =
            bool_is_source ? post_connection(connection_body(logic, port_name, amplifier_, "u"))
                           : post_connection(connection_body(source_, "y", logic, port_name));
        EXPECT_TRUE(IsProblem(response, 422));
        EXPECT_TRUE(NamesPointer(response, "/target/port") ||
                    NamesPointer(response, "/source/port"));
        return;
      }
    }
  }
  GTEST_SKIP() << "the catalogue has no type with a bool port";
}

class InvalidComponentName : public ModelRuleErrors,
                             public ::testing::WithParamInterface<std::string> {};

TEST_P(InvalidComponentName, Is422NamingName) {
  const auto response = post_component({{"name", GetParam()}, {"type", "gain"}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/name"));
}

INSTANTIATE_TEST_SUITE_P(Names, InvalidComponentName,
                         ::testing::Values("", "1st", "has space", "dot.name", "-dash",
                                           "\xc3\xbcmlaut", std::string(65, 'a')));

TEST_F(ModelRuleErrors, NamesAtTheEdgeOfTheSyntaxAreAccepted) {
  for (const auto& name : {std::string("_"), std::string("a-b_9"), std::string(64, 'z')}) {
    EXPECT_TRUE(HasStatus(post_component({{"name", name}, {"type", "gain"}}), 201)) << name;
  }
}

}  // namespace
}  // namespace twinloop::itest
