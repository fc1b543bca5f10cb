// Deleting a resource deletes what hangs off it.
#include <gtest/gtest.h>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

// A chain setpoint -> controller -> plant -> monitor.
class Cascade : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    project_ = create_project("Cell");
    model_ = create_model(project_, "Loop");
    setpoint_ = create_component(model_, "setpoint", "step");
    controller_ = create_component(model_, "controller", "gain");
    plant_ = create_component(model_, "plant", "pt1");
    monitor_ = create_component(model_, "monitor", "unit_delay");
    into_controller_ = connect(model_, setpoint_, "y", controller_, "u");
    into_plant_ = connect(model_, controller_, "y", plant_, "u");
    into_monitor_ = connect(model_, plant_, "y", monitor_, "u");
  }

  nlohmann::json project_, model_;
  nlohmann::json setpoint_, controller_, plant_, monitor_;
  nlohmann::json into_controller_, into_plant_, into_monitor_;
};

TEST_F(Cascade, DeletingAComponentDeletesItsConnections) {
  ASSERT_TRUE(HasStatus(http().del(resource_path("components", controller_)), 204));

  EXPECT_TRUE(IsProblem(http().get(resource_path("connections", into_controller_)), 404));
  EXPECT_TRUE(IsProblem(http().get(resource_path("connections", into_plant_)), 404));
  EXPECT_TRUE(HasStatus(http().get(resource_path("connections", into_monitor_)), 200));
  const auto remaining = list_items(resource_path("models", model_) + "/connections");
  ASSERT_EQ(remaining.size(), 1U);
  EXPECT_EQ(remaining[0].at("id"), into_monitor_["id"]);
  EXPECT_EQ(list_items(resource_path("models", model_) + "/components").size(), 3U);
}

TEST_F(Cascade, AFreedInputCanBeDrivenAgain) {
  ASSERT_TRUE(HasStatus(http().del(resource_path("components", controller_)), 204));
  EXPECT_NO_THROW(connect(model_, setpoint_, "y", plant_, "u"));
}

TEST_F(Cascade, DeletingAModelDeletesItsComponentsAndConnections) {
  ASSERT_TRUE(HasStatus(http().del(resource_path("models", model_)), 204));
  EXPECT_TRUE(IsProblem(http().get(resource_path("models", model_)), 404));
  for (const auto* component : {&setpoint_, &controller_, &plant_, &monitor_}) {
    EXPECT_TRUE(IsProblem(http().get(resource_path("components", *component)), 404));
  }
  for (const auto* connection : {&into_controller_, &into_plant_, &into_monitor_}) {
    EXPECT_TRUE(IsProblem(http().get(resource_path("connections", *connection)), 404));
  }
  EXPECT_TRUE(HasStatus(http().get(resource_path("projects", project_)), 200));
}

TEST_F(Cascade, DeletingAProjectDeletesItsModelsAndTheirContents) {
  const auto second_model = create_model(project_, "Spare");
  const auto other_project = create_project("Other");
  const auto other_model = create_model(other_project, "Untouched");

  ASSERT_TRUE(HasStatus(http().del(resource_path("projects", project_)), 204));
  EXPECT_TRUE(IsProblem(http().get(resource_path("models", model_)), 404));
  EXPECT_TRUE(IsProblem(http().get(resource_path("models", second_model)), 404));
  EXPECT_TRUE(IsProblem(http().get(resource_path("components", plant_)), 404));
  EXPECT_TRUE(IsProblem(http().get(resource_path("connections", into_plant_)), 404));
  EXPECT_TRUE(IsProblem(http().get(resource_path("projects", project_) + "/models"), 404));
  EXPECT_TRUE(HasStatus(http().get(resource_path("models", other_model)), 200));
}

TEST_F(Cascade, ADeletedProjectsNameCanBeReused) {
  ASSERT_TRUE(HasStatus(http().del(resource_path("projects", project_)), 204));
  EXPECT_NO_THROW(create_project("Cell"));
}

}  // namespace
}  // namespace twinloop::itest
