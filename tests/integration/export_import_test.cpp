// GET /models/{id}/export and POST /projects/{id}/models/import.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

// A closed loop: setpoint -> error(+) -> controller -> plant -> error(-).
class ExportImport : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    source_project_ = create_project("Source");
    model_ = create_model(source_project_, "Temperature loop",
                          {{"description", "PI-less loop"}, {"step_size", 0.01}});
    const auto setpoint =
        create_component(model_, "setpoint", "step", {{"step_time", 1.0}, {"final", 2.0}});
    const auto error = create_component(model_, "error", "sum", {{"signs", "+-"}});
    const auto controller = create_component(model_, "controller", "gain", {{"k", 3.0}});
    const auto plant = create_component(model_, "plant", "pt1", {{"k", 1.5}, {"t", 0.4}});
    ASSERT_TRUE(HasStatus(http().patch(resource_path("components", plant),
                                       {{"position", {{"x", 300.0}, {"y", 120.0}}}}),
                          200));
    connect(model_, setpoint, "y", error, "u1");
    connect(model_, plant, "y", error, "u2");
    connect(model_, error, "y", controller, "u");
    connect(model_, controller, "y", plant, "u");
  }

  nlohmann::json export_model(const nlohmann::json& model) {
    const auto response = http().get(resource_path("models", model) + "/export");
    if (response.status != 200) {
      ADD_FAILURE() << "export failed: " << response.status << " " << response.body;
      return nullptr;
    }
    auto document = response.json();
    document.erase("exported_at");
    return document;
  }

  HttpResponse import_into(const nlohmann::json& project, const nlohmann::json& document,
                           const std::string& query = {}) {
    return http().post(resource_path("projects", project) + "/models/import" + query, document);
  }

  nlohmann::json source_project_;
  nlohmann::json model_;
};

TEST_F(ExportImport, ExportDescribesTheModelByComponentNames) {
  const auto document = export_model(model_);
  EXPECT_EQ(document.value("format", ""), "twinloop.model");
  EXPECT_EQ(document.value("format_version", 0), 1);
  EXPECT_EQ(document.at("model"), (nlohmann::json{{"name", "Temperature loop"},
                                                  {"description", "PI-less loop"},
                                                  {"step_size", 0.01}}));

  const auto& components = document.at("components");
  ASSERT_EQ(components.size(), 4U);
  std::set<std::string> names;
  for (const auto& component : components) {
    names.insert(component.at("name").get<std::string>());
    EXPECT_TRUE(component.contains("type") && component.contains("parameters") &&
                component.contains("position"))
        << component;
    EXPECT_FALSE(component.contains("id")) << component;
    if (component.at("name") == "plant") {
      EXPECT_EQ(component.at("type"), "pt1");
      EXPECT_EQ(component.at("parameters").at("k"), 1.5);
      EXPECT_EQ(component.at("parameters").at("t"), 0.4);
      EXPECT_EQ(component.at("position"), (nlohmann::json{{"x", 300.0}, {"y", 120.0}}));
    }
    if (component.at("name") == "error") {
      EXPECT_EQ(component.at("parameters").at("signs"), "+-");
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"setpoint", "error", "controller", "plant"}));

  std::set<nlohmann::json> connections(document.at("connections").begin(),
                                       document.at("connections").end());
  const auto link = [](const char* source, const char* source_port, const char* target,
                       const char* target_port) {
    return nlohmann::json{{"source", {{"component", source}, {"port", source_port}}},
                          {"target", {{"component", target}, {"port", target_port}}}};
  };
  EXPECT_EQ(connections,
            (std::set<nlohmann::json>{
                link("setpoint", "y", "error", "u1"), link("plant", "y", "error", "u2"),
                link("error", "y", "controller", "u"), link("controller", "y", "plant", "u")}));
}

TEST_F(ExportImport, ImportIntoAnotherProjectRoundTrips) {
  const auto original = export_model(model_);
  const auto target_project = create_project("Target");
  const auto response = import_into(target_project, original);
  ASSERT_TRUE(HasStatus(response, 201));
  const auto imported = response.json();
  EXPECT_EQ(response.header("location"), resource_path("models", imported));
  EXPECT_EQ(imported.at("project_id"), target_project["id"]);
  EXPECT_EQ(imported.value("name", ""), "Temperature loop");
  EXPECT_NE(imported.at("id"), model_["id"]);

  const auto old_components = list_items(resource_path("models", model_) + "/components");
  const auto new_components = list_items(resource_path("models", imported) + "/components");
  ASSERT_EQ(new_components.size(), old_components.size());
  std::set<nlohmann::json> old_ids;
  for (const auto& component : old_components)
    old_ids.insert(component.at("id"));
  for (const auto& component : new_components) {
    EXPECT_FALSE(old_ids.contains(component.at("id"))) << component;
    EXPECT_EQ(component.at("model_id"), imported["id"]);
  }
  EXPECT_EQ(list_items(resource_path("models", imported) + "/connections").size(), 4U);

  EXPECT_EQ(export_model(imported), original);
}

TEST_F(ExportImport, ImportWithANewNameIntoTheSameProject) {
  const auto original = export_model(model_);
  const auto response = import_into(source_project_, original, "?name=Copy");
  ASSERT_TRUE(HasStatus(response, 201));
  const auto copy = response.json();
  EXPECT_EQ(copy.value("name", ""), "Copy");
  EXPECT_EQ(copy.at("project_id"), source_project_["id"]);

  auto expected = original;
  expected["model"]["name"] = "Copy";
  EXPECT_EQ(export_model(copy), expected);
}

TEST_F(ExportImport, ImportUnderATakenNameIs409) {
  const auto response = import_into(source_project_, export_model(model_));
  EXPECT_TRUE(IsProblem(response, 409));
}

TEST_F(ExportImport, InvalidDocumentIs422AndCreatesNothing) {
  auto document = export_model(model_);
  document["components"].back()["type"] = "flux_capacitor";
  const auto target_project = create_project("Target");
  EXPECT_TRUE(IsProblem(import_into(target_project, document), 422));
  EXPECT_TRUE(list_items(resource_path("projects", target_project) + "/models").empty());
}

TEST_F(ExportImport, ExportOfUnknownModelIs404) {
  EXPECT_TRUE(IsProblem(http().get("/api/v1/models/999999/export"), 404));
}

}  // namespace
}  // namespace twinloop::itest
