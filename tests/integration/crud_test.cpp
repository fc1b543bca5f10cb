// Create, read, list, update and delete of projects, models, components and connections.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <exception>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

using Crud = ApiTest;

nlohmann::json find_by_id(const nlohmann::json& items, const nlohmann::json& id) {
  for (const auto& item : items) {
    if (item.at("id") == id) return item;
  }
  return nullptr;
}

TEST_F(Crud, Project) {
  const auto created =
      http().post("/api/v1/projects", {{"name", "Line 1"}, {"description", "Packaging line"}});
  ASSERT_TRUE(HasStatus(created, 201));
  const auto project = created.json();
  EXPECT_EQ(created.header("location"), resource_path("projects", project));
  EXPECT_EQ(project.value("name", ""), "Line 1");
  EXPECT_EQ(project.value("description", ""), "Packaging line");
  EXPECT_TRUE(project.at("created_at").is_string());
  EXPECT_TRUE(project.at("updated_at").is_string());

  const auto fetched = http().get(created.header("location"));
  ASSERT_TRUE(HasStatus(fetched, 200));
  EXPECT_EQ(fetched.json(), project);

  const auto listed = http().get("/api/v1/projects");
  ASSERT_TRUE(HasStatus(listed, 200));
  EXPECT_EQ(listed.json().value("total", -1), 1);
  EXPECT_EQ(find_by_id(listed.json().at("items"), project["id"]), project);

  const auto patched =
      http().patch(resource_path("projects", project), {{"description", "Bottling line"}});
  ASSERT_TRUE(HasStatus(patched, 200));
  EXPECT_EQ(patched.json().value("description", ""), "Bottling line");
  EXPECT_EQ(patched.json().value("name", ""), "Line 1");
  EXPECT_EQ(patched.json().at("created_at"), project["created_at"]);
  EXPECT_EQ(http().get(resource_path("projects", project)).json(), patched.json());

  const auto renamed = http().patch(resource_path("projects", project), {{"name", "Line 2"}});
  ASSERT_TRUE(HasStatus(renamed, 200));
  EXPECT_EQ(renamed.json().value("name", ""), "Line 2");

  const auto deleted = http().del(resource_path("projects", project));
  EXPECT_TRUE(HasStatus(deleted, 204));
  EXPECT_TRUE(deleted.body.empty()) << deleted.body;
  EXPECT_TRUE(IsProblem(http().get(resource_path("projects", project)), 404));
  EXPECT_TRUE(IsProblem(http().del(resource_path("projects", project)), 404));
}

TEST_F(Crud, ProjectWithoutDescriptionHasAnEmptyOne) {
  const auto project = create_project("Bare");
  EXPECT_EQ(project.at("description"), "");
}

TEST_F(Crud, Model) {
  const auto project = create_project("Cell");
  const auto models_path = resource_path("projects", project) + "/models";
  const auto created = http().post(
      models_path, {{"name", "Conveyor"}, {"description", "Belt drive"}, {"step_size", 0.01}});
  ASSERT_TRUE(HasStatus(created, 201));
  const auto model = created.json();
  EXPECT_EQ(created.header("location"), resource_path("models", model));
  EXPECT_EQ(model.at("project_id"), project["id"]);
  EXPECT_EQ(model.value("name", ""), "Conveyor");
  EXPECT_EQ(model.value("description", ""), "Belt drive");
  EXPECT_EQ(model.at("step_size"), 0.01);

  EXPECT_EQ(http().get(created.header("location")).json(), model);
  const auto listed = http().get(models_path);
  ASSERT_TRUE(HasStatus(listed, 200));
  EXPECT_EQ(listed.json().value("total", -1), 1);
  EXPECT_EQ(find_by_id(listed.json().at("items"), model["id"]), model);

  const auto patched = http().patch(resource_path("models", model),
                                    {{"name", "Conveyor 2"}, {"step_size", nullptr}});
  ASSERT_TRUE(HasStatus(patched, 200));
  EXPECT_EQ(patched.json().value("name", ""), "Conveyor 2");
  EXPECT_TRUE(patched.json().at("step_size").is_null()) << patched.body;
  EXPECT_EQ(patched.json().value("description", ""), "Belt drive");

  EXPECT_TRUE(HasStatus(http().del(resource_path("models", model)), 204));
  EXPECT_TRUE(IsProblem(http().get(resource_path("models", model)), 404));
  EXPECT_EQ(http().get(models_path).json().value("total", -1), 0);
}

TEST_F(Crud, ModelWithoutStepSizeHasNull) {
  const auto model = create_model(create_project("Cell"), "Free");
  ASSERT_TRUE(model.contains("step_size"));
  EXPECT_TRUE(model["step_size"].is_null());
}

TEST_F(Crud, Component) {
  const auto model = create_model(create_project("Cell"), "Heater");
  const auto components_path = resource_path("models", model) + "/components";
  const nlohmann::json draft{{"name", "plant"},
                             {"type", "pt1"},
                             {"parameters", {{"k", 2.0}}},
                             {"position", {{"x", 10.0}, {"y", 20.0}}}};
  const auto created = http().post(components_path, draft);
  ASSERT_TRUE(HasStatus(created, 201));
  const auto component = created.json();
  EXPECT_EQ(created.header("location"), resource_path("components", component));
  EXPECT_EQ(component.at("model_id"), model["id"]);
  EXPECT_EQ(component.value("name", ""), "plant");
  EXPECT_EQ(component.value("type", ""), "pt1");
  EXPECT_EQ(component.at("parameters").at("k"), 2.0);
  EXPECT_EQ(component.at("position"), (nlohmann::json{{"x", 10.0}, {"y", 20.0}}));

  EXPECT_EQ(http().get(created.header("location")).json(), component);
  const auto listed = http().get(components_path);
  ASSERT_TRUE(HasStatus(listed, 200));
  EXPECT_EQ(listed.json().value("total", -1), 1);
  EXPECT_EQ(find_by_id(listed.json().at("items"), component["id"]), component);

  const auto patched = http().patch(resource_path("components", component),
                                    {{"name", "oven"}, {"position", {{"x", -5.5}, {"y", 0}}}});
  ASSERT_TRUE(HasStatus(patched, 200));
  EXPECT_EQ(patched.json().value("name", ""), "oven");
  EXPECT_EQ(patched.json().at("position"), (nlohmann::json{{"x", -5.5}, {"y", 0}}));
  EXPECT_EQ(patched.json().at("parameters"), component["parameters"]);

  const auto unplaced =
      http().patch(resource_path("components", component), {{"position", nullptr}});
  ASSERT_TRUE(HasStatus(unplaced, 200));
  EXPECT_TRUE(unplaced.json().at("position").is_null()) << unplaced.body;

  EXPECT_TRUE(HasStatus(http().del(resource_path("components", component)), 204));
  EXPECT_TRUE(IsProblem(http().get(resource_path("components", component)), 404));
  EXPECT_EQ(http().get(components_path).json().value("total", -1), 0);
}

TEST_F(Crud, ComponentParametersHoldEveryDefault) {
  const auto model = create_model(create_project("Cell"), "Defaults");
  for (const auto* type : {"constant", "step", "gain", "sum", "integrator", "pt1", "unit_delay"}) {
    SCOPED_TRACE(type);
    const auto catalogue_entry = http().get(std::string("/api/v1/component-types/") + type);
    ASSERT_TRUE(HasStatus(catalogue_entry, 200));
    nlohmann::json defaults = nlohmann::json::object();
    const auto catalogue_body = catalogue_entry.json();
    for (const auto& parameter : catalogue_body.at("parameters")) {
      defaults[parameter.at("name").get<std::string>()] = parameter.at("default");
    }
    const auto component = create_component(model, std::string("default_") + type, type);
    EXPECT_EQ(component.at("parameters"), defaults);
  }
}

TEST_F(Crud, Connection) {
  const auto model = create_model(create_project("Cell"), "Loop");
  const auto source = create_component(model, "setpoint", "step");
  const auto target = create_component(model, "plant", "pt1");
  const auto connections_path = resource_path("models", model) + "/connections";

  const auto created = http().post(connections_path, connection_body(source, "y", target, "u"));
  ASSERT_TRUE(HasStatus(created, 201));
  const auto connection = created.json();
  EXPECT_EQ(created.header("location"), resource_path("connections", connection));
  EXPECT_EQ(connection.at("model_id"), model["id"]);
  EXPECT_EQ(connection.at("source"),
            (nlohmann::json{{"component_id", source["id"]}, {"port", "y"}}));
  EXPECT_EQ(connection.at("target"),
            (nlohmann::json{{"component_id", target["id"]}, {"port", "u"}}));

  EXPECT_EQ(http().get(created.header("location")).json(), connection);
  const auto listed = http().get(connections_path);
  ASSERT_TRUE(HasStatus(listed, 200));
  EXPECT_EQ(listed.json().value("total", -1), 1);
  EXPECT_EQ(find_by_id(listed.json().at("items"), connection["id"]), connection);

  EXPECT_TRUE(HasStatus(http().del(resource_path("connections", connection)), 204));
  EXPECT_TRUE(IsProblem(http().get(resource_path("connections", connection)), 404));
  EXPECT_EQ(http().get(connections_path).json().value("total", -1), 0);
}

TEST_F(Crud, AnOutputMayFanOut) {
  const auto model = create_model(create_project("Cell"), "Fan");
  const auto source = create_component(model, "setpoint", "step");
  const auto first = create_component(model, "first", "gain");
  const auto second = create_component(model, "second", "gain");
  connect(model, source, "y", first, "u");
  connect(model, source, "y", second, "u");
  EXPECT_EQ(list_items(resource_path("models", model) + "/connections").size(), 2U);
}

TEST_F(Crud, SumHasAnInputPerSign) {
  const auto model = create_model(create_project("Cell"), "Sums");
  const auto source = create_component(model, "source", "constant");
  const auto three_inputs = create_component(model, "three", "sum", {{"signs", "+-+"}});
  for (const auto* port : {"u1", "u2", "u3"})
    connect(model, source, "y", three_inputs, port);

  const auto two_inputs = create_component(model, "two", "sum", {{"signs", "+-"}});
  const auto response = http().post(resource_path("models", model) + "/connections",
                                    connection_body(source, "y", two_inputs, "u3"));
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/target/port"));
}

TEST_F(Crud, ConcurrentCreatesAllSucceed) {
  constexpr int thread_count = 4;
  constexpr int projects_per_thread = 10;
  // One outcome per request: "201" or what went wrong.
  std::vector<std::vector<std::string>> outcomes(thread_count);
  std::vector<std::thread> threads;
  for (int thread_index = 0; thread_index < thread_count; ++thread_index) {
    threads.emplace_back([this, thread_index, &outcomes] {
      for (int i = 0; i < projects_per_thread; ++i) {
        const auto name = fmt::format("parallel-{}-{}", thread_index, i);
        try {
          const auto response = http().post("/api/v1/projects", {{"name", name}});
          outcomes[thread_index].push_back(
              response.status == 201 ? "201"
                                     : fmt::format("{} {}", response.status, response.body));
        } catch (const std::exception& error) {
          outcomes[thread_index].emplace_back(error.what());
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();

  for (const auto& thread_outcomes : outcomes) {
    for (const auto& outcome : thread_outcomes)
      EXPECT_EQ(outcome, "201");
  }
  const auto items = list_items("/api/v1/projects");
  EXPECT_EQ(items.size(), static_cast<std::size_t>(thread_count * projects_per_thread));
  std::set<nlohmann::json> ids;
  for (const auto& item : items)
    ids.insert(item.at("id"));
  EXPECT_EQ(ids.size(), items.size());
}

}  // namespace
}  // namespace twinloop::itest
