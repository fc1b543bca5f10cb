// FMU rows in the SQLite store: per project, by hash, and the components that use one.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::store {
namespace {

using testing::model_draft;
using testing::project_draft;
using testing::TempDirectory;

FmuRecord fmu_draft(Id project, char hash_digit, std::string file_name) {
  FmuRecord draft;
  draft.project_id = project;
  draft.sha256 = std::string(64, hash_digit);
  draft.file_name = std::move(file_name);
  draft.size = 1234;
  draft.summary = R"({"model_name":"PT1"})";
  return draft;
}

class FmuStore : public ::testing::Test {
 protected:
  TempDirectory directory_;
  std::unique_ptr<Store> store_ =
      open_sqlite({.path = directory_.file("twin.db"), .migrate = true});
  Id project_ = store_->create_project(project_draft("plant", "")).id;
};

TEST_F(FmuStore, CreatedFmusAreFoundByIdAndHashAndListedPerProject) {
  const auto pt1 = store_->create_fmu(fmu_draft(project_, 'a', "pt1.fmu"));
  EXPECT_GT(pt1.id, 0);
  EXPECT_FALSE(pt1.created_at.empty());
  const auto ball = store_->create_fmu(fmu_draft(project_, 'b', "ball.fmu"));
  const auto other = store_->create_project(project_draft("other", "")).id;
  store_->create_fmu(fmu_draft(other, 'a', "pt1.fmu"));

  const auto found = store_->find_fmu(pt1.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->file_name, "pt1.fmu");
  EXPECT_EQ(found->size, 1234);
  EXPECT_EQ(found->summary, R"({"model_name":"PT1"})");
  EXPECT_EQ(store_->find_fmu_by_hash(project_, std::string(64, 'b'))->id, ball.id);
  EXPECT_FALSE(store_->find_fmu_by_hash(project_, std::string(64, 'c')));
  const auto page = store_->list_fmus(project_, {.limit = 1, .offset = 1});
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, ball.id);
  EXPECT_EQ(store_->count_fmus_with_hash(std::string(64, 'a')), 2);
}

TEST_F(FmuStore, RefusesADuplicateInAProjectAndAnUnknownProject) {
  store_->create_fmu(fmu_draft(project_, 'a', "pt1.fmu"));
  try {
    store_->create_fmu(fmu_draft(project_, 'a', "again.fmu"));
    FAIL() << "a duplicate hash in one project";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::conflict);
  }
  try {
    store_->create_fmu(fmu_draft(999, 'a', "pt1.fmu"));
    FAIL() << "an unknown project";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::not_found);
  }
}

TEST_F(FmuStore, FindsTheComponentsThatUseAnFmuAndCascadesWithTheProject) {
  const auto fmu = store_->create_fmu(fmu_draft(project_, 'a', "pt1.fmu"));
  const auto model = store_->create_model(model_draft(project_, "line")).id;
  core::Component uses;
  uses.model_id = model;
  uses.name = "lag";
  uses.type = "fmu";
  uses.parameters = nlohmann::json{{"fmu", fmu.id}};
  store_->create_component(uses);
  core::Component other = uses;
  other.name = "gain";
  other.type = "gain";
  other.parameters = nlohmann::json{{"fmu", fmu.id}};  // not an fmu component
  store_->create_component(other);
  const auto users = store_->components_using_fmu(fmu.id);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].name, "lag");
  EXPECT_TRUE(store_->components_using_fmu(fmu.id + 1).empty());

  ASSERT_TRUE(store_->delete_project(project_));
  EXPECT_FALSE(store_->find_fmu(fmu.id));
  EXPECT_FALSE(store_->delete_fmu(fmu.id));
}

}  // namespace
}  // namespace twinloop::store
