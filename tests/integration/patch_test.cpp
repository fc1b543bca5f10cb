// PATCH semantics of components: parameters merge, null restores a default, the type stays.
#include <gtest/gtest.h>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

class PatchComponent : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    model_ = create_model(create_project("Cell"), "Heater");
    plant_ = create_component(model_, "plant", "pt1", {{"k", 2.0}, {"t", 0.5}});
  }

  HttpResponse patch_plant(const nlohmann::json& changes) {
    return http().patch(resource_path("components", plant_), changes);
  }

  nlohmann::json pt1_default(const char* parameter) {
    const auto pt1 = http().get("/api/v1/component-types/pt1").json();
    for (const auto& spec : pt1.at("parameters")) {
      if (spec.at("name") == parameter) return spec.at("default");
    }
    ADD_FAILURE() << "pt1 has no parameter " << parameter;
    return nullptr;
  }

  nlohmann::json model_;
  nlohmann::json plant_;
};

TEST_F(PatchComponent, ParametersMerge) {
  const auto response = patch_plant({{"parameters", {{"t", 1.5}}}});
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_EQ(response.json().at("parameters").at("t"), 1.5);
  EXPECT_EQ(response.json().at("parameters").at("k"), 2.0);
  EXPECT_EQ(http().get(resource_path("components", plant_)).json(), response.json());
}

TEST_F(PatchComponent, NullRestoresTheDefault) {
  const auto response = patch_plant({{"parameters", {{"k", nullptr}}}});
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_EQ(response.json().at("parameters").at("k"), pt1_default("k"));
  EXPECT_EQ(response.json().at("parameters").at("t"), 0.5);
}

TEST_F(PatchComponent, OtherFieldsLeaveParametersAlone) {
  const auto response = patch_plant({{"name", "oven"}});
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_EQ(response.json().at("parameters"), plant_["parameters"]);
}

TEST_F(PatchComponent, TypeChangeIs422) {
  const auto response = patch_plant({{"type", "gain"}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/type"));
  EXPECT_EQ(http().get(resource_path("components", plant_)).json().at("type"), "pt1");
}

TEST_F(PatchComponent, InvalidParameterIs422AndChangesNothing) {
  const auto response = patch_plant({{"parameters", {{"k", 4.0}, {"t", -1}}}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/parameters/t"));
  EXPECT_EQ(http().get(resource_path("components", plant_)).json(), plant_);
}

TEST_F(PatchComponent, UnknownParameterIs422) {
  const auto response = patch_plant({{"parameters", {{"gain", 1.0}}}});
  EXPECT_TRUE(IsProblem(response, 422));
  EXPECT_TRUE(NamesPointer(response, "/parameters/gain"));
}

TEST_F(PatchComponent, RenameToATakenNameIs409) {
  create_component(model_, "heater", "gain");
  const auto response = patch_plant({{"name", "heater"}});
  EXPECT_TRUE(IsProblem(response, 409));
  EXPECT_TRUE(NamesPointer(response, "/name"));
}

TEST_F(PatchComponent, WrongJsonTypeIs400) {
  const auto response = patch_plant({{"name", 17}});
  EXPECT_TRUE(IsProblem(response, 400));
  EXPECT_TRUE(NamesPointer(response, "/name"));
}

}  // namespace
}  // namespace twinloop::itest
