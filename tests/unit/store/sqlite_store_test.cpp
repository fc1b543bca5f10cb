#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::store {
namespace {

using core::ErrorKind;
using testing::component_draft;
using testing::connection_draft;
using ::testing::ElementsAre;
using testing::error_of;
using testing::first_pointer;
using testing::is_timestamp;
using ::testing::IsEmpty;
using testing::model_draft;
using testing::project_draft;
using testing::TempDirectory;

template <typename T>
std::vector<Id> ids_of(const std::vector<T>& items) {
  std::vector<Id> ids;
  for (const T& item : items)
    ids.push_back(item.id);
  return ids;
}

class StoreTest : public ::testing::Test {
 protected:
  core::Project add_project(const std::string& name) {
    return store_->create_project(project_draft(name, fmt::format("about {}", name)));
  }

  core::Model add_model(Id project_id, const std::string& name) {
    return store_->create_model(model_draft(project_id, name));
  }

  core::Component add_component(Id model_id, const std::string& name) {
    return store_->create_component(component_draft(model_id, name, {{"k", 1.0}}));
  }

  core::Connection connect(Id model_id, Id source, const std::string& source_port, Id target,
                           const std::string& target_port) {
    return store_->create_connection(
        connection_draft(model_id, {source, source_port}, {target, target_port}));
  }

  TempDirectory directory_;
  std::unique_ptr<Store> store_ =
      open_sqlite({.path = directory_.file("twin.db"), .migrate = true});
};

using store_projects = StoreTest;
using store_models = StoreTest;
using store_components = StoreTest;
using store_pagination = StoreTest;
using store_cascade = StoreTest;

TEST_F(store_projects, CreateReturnsTheStoredProject) {
  const auto project = store_->create_project(project_draft("Press line", "Hall 3"));
  EXPECT_GT(project.id, 0);
  EXPECT_EQ(project.name, "Press line");
  EXPECT_EQ(project.description, "Hall 3");
  EXPECT_TRUE(is_timestamp(project.created_at)) << project.created_at;
  EXPECT_EQ(project.updated_at, project.created_at);

  const auto found = store_->find_project(project.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, project.id);
  EXPECT_EQ(found->name, project.name);
  EXPECT_EQ(found->description, project.description);
  EXPECT_EQ(found->created_at, project.created_at);
  EXPECT_EQ(found->updated_at, project.updated_at);
}

TEST_F(store_projects, DraftIdAndTimestampsAreIgnored) {
  auto draft = project_draft("p");
  draft.id = 77;
  draft.created_at = "yesterday";
  draft.updated_at = "tomorrow";
  const auto project = store_->create_project(draft);
  EXPECT_NE(project.id, 77);
  EXPECT_TRUE(is_timestamp(project.created_at));
  EXPECT_TRUE(is_timestamp(project.updated_at));
}

TEST_F(store_projects, TextIsStoredVerbatim) {
  const std::vector<std::string> names = {"'; DROP TABLE projects; --", "Prüfstand ✓", "a\"b\\c",
                                          std::string("nul\0inside", 10)};
  for (const std::string& name : names) {
    const auto project = store_->create_project(project_draft(name, name));
    const auto found = store_->find_project(project.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, name);
    EXPECT_EQ(found->description, name);
  }
  EXPECT_EQ(store_->list_projects({}).total, 4);
}

TEST_F(store_projects, FindOfMissingIdIsEmpty) {
  add_project("p");
  for (Id id : {Id{0}, Id{-1}, Id{999}, std::numeric_limits<Id>::max()}) {
    EXPECT_FALSE(store_->find_project(id)) << id;
  }
}

TEST_F(store_projects, UpdateChangesOnlyTheGivenFields) {
  const auto project = add_project("old");

  const auto renamed = store_->update_project(project.id, {.name = "new"});
  EXPECT_EQ(renamed.id, project.id);
  EXPECT_EQ(renamed.name, "new");
  EXPECT_EQ(renamed.description, project.description);
  EXPECT_EQ(renamed.created_at, project.created_at);
  EXPECT_GE(renamed.updated_at, project.updated_at);
  EXPECT_TRUE(is_timestamp(renamed.updated_at));

  const auto described = store_->update_project(project.id, {.description = ""});
  EXPECT_EQ(described.name, "new");
  EXPECT_EQ(described.description, "");

  const auto untouched = store_->update_project(project.id, {});
  EXPECT_EQ(untouched.name, "new");
  EXPECT_EQ(untouched.description, "");
  EXPECT_EQ(store_->find_project(project.id)->name, "new");
}

TEST_F(store_projects, UpdateOfMissingIdIsNotFound) {
  const auto error = error_of([&] { store_->update_project(42, {.name = "x"}); });
  EXPECT_EQ(error.kind(), ErrorKind::not_found);
  EXPECT_STREQ(error.what(), "project 42 does not exist");
}

TEST_F(store_projects, DuplicateNameIsAConflictOnName) {
  add_project("Press line");
  const auto error = error_of([&] { add_project("Press line"); });
  EXPECT_EQ(error.kind(), ErrorKind::conflict);
  EXPECT_EQ(first_pointer(error), "/name");
  EXPECT_STREQ(error.what(), "a project named 'Press line' already exists");
  EXPECT_EQ(store_->list_projects({}).total, 1);
}

TEST_F(store_projects, RenameToATakenNameIsAConflict) {
  add_project("a");
  const auto b = add_project("b");
  const auto error = error_of([&] { store_->update_project(b.id, {.name = "a"}); });
  EXPECT_EQ(error.kind(), ErrorKind::conflict);
  EXPECT_EQ(first_pointer(error), "/name");
  EXPECT_EQ(store_->find_project(b.id)->name, "b");
  EXPECT_EQ(store_->update_project(b.id, {.name = "b"}).name, "b");
}

TEST_F(store_projects, DeleteSaysWhetherTheProjectExisted) {
  const auto project = add_project("p");
  EXPECT_TRUE(store_->delete_project(project.id));
  EXPECT_FALSE(store_->find_project(project.id));
  EXPECT_FALSE(store_->delete_project(project.id));
  EXPECT_FALSE(store_->delete_project(-5));
}

TEST_F(store_projects, IdsOfDeletedProjectsAreNotReused) {
  const auto first = add_project("p");
  store_->delete_project(first.id);
  const auto second = add_project("p");
  EXPECT_GT(second.id, first.id);
}

TEST_F(store_pagination, ListsPageInIdOrderWithTheTotal) {
  std::vector<Id> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(add_project(fmt::format("p{}", i)).id);

  const auto first = store_->list_projects({.limit = 3, .offset = 0});
  EXPECT_EQ(first.total, 7);
  EXPECT_THAT(ids_of(first.items), ElementsAre(ids[0], ids[1], ids[2]));
  EXPECT_THAT(ids_of(store_->list_projects({.limit = 3, .offset = 3}).items),
              ElementsAre(ids[3], ids[4], ids[5]));
  const auto last = store_->list_projects({.limit = 3, .offset = 6});
  EXPECT_THAT(ids_of(last.items), ElementsAre(ids[6]));
  EXPECT_EQ(last.total, 7);

  const auto beyond = store_->list_projects({.limit = 3, .offset = 9});
  EXPECT_THAT(beyond.items, IsEmpty());
  EXPECT_EQ(beyond.total, 7);
  const auto none = store_->list_projects({.limit = 0, .offset = 0});
  EXPECT_THAT(none.items, IsEmpty());
  EXPECT_EQ(none.total, 7);
  EXPECT_EQ(ids_of(store_->list_projects({.limit = 1000}).items), ids);
}

TEST_F(store_pagination, EmptyListHasTotalZero) {
  const auto page = store_->list_projects({});
  EXPECT_THAT(page.items, IsEmpty());
  EXPECT_EQ(page.total, 0);
  EXPECT_EQ(store_->list_models(1, {}).total, 0);
  EXPECT_EQ(store_->list_components(1, {}).total, 0);
  EXPECT_EQ(store_->list_connections(1, {}).total, 0);
}

TEST_F(store_pagination, NegativeLimitOrOffsetIsABadRequest) {
  add_project("p");
  EXPECT_EQ(error_of([&] { store_->list_projects({.limit = -1}); }).kind(), ErrorKind::bad_request);
  EXPECT_EQ(error_of([&] { store_->list_models(1, {.offset = -1}); }).kind(),
            ErrorKind::bad_request);
  EXPECT_EQ(error_of([&] { store_->list_components(1, {.limit = -5, .offset = -5}); }).kind(),
            ErrorKind::bad_request);
  EXPECT_EQ(error_of([&] { store_->list_connections(1, {.limit = -1}); }).kind(),
            ErrorKind::bad_request);
}

TEST_F(store_pagination, ListsHoldOnlyTheirParentsChildren) {
  const auto a = add_project("a");
  const auto b = add_project("b");
  const auto a1 = add_model(a.id, "m1");
  const auto b1 = add_model(b.id, "m1");
  const auto a2 = add_model(a.id, "m2");
  EXPECT_THAT(ids_of(store_->list_models(a.id, {}).items), ElementsAre(a1.id, a2.id));
  EXPECT_THAT(ids_of(store_->list_models(b.id, {.limit = 10}).items), ElementsAre(b1.id));
  const auto page = store_->list_models(a.id, {.limit = 1, .offset = 1});
  EXPECT_THAT(ids_of(page.items), ElementsAre(a2.id));
  EXPECT_EQ(page.total, 2);

  const auto x = add_component(a1.id, "x");
  const auto y = add_component(b1.id, "x");
  const auto z = add_component(a1.id, "z");
  EXPECT_THAT(ids_of(store_->list_components(a1.id, {}).items), ElementsAre(x.id, z.id));
  EXPECT_EQ(store_->list_components(b1.id, {}).total, 1);
  EXPECT_THAT(ids_of(store_->all_components(a1.id)), ElementsAre(x.id, z.id));
  EXPECT_THAT(ids_of(store_->all_components(b1.id)), ElementsAre(y.id));

  const auto c = connect(a1.id, x.id, "y", z.id, "u");
  EXPECT_THAT(ids_of(store_->list_connections(a1.id, {}).items), ElementsAre(c.id));
  EXPECT_EQ(store_->list_connections(b1.id, {}).total, 0);
  EXPECT_THAT(store_->all_connections(b1.id), IsEmpty());
}

TEST_F(store_models, CreateFindAndUpdateWithStepSize) {
  const auto project = add_project("p");
  auto draft = model_draft(project.id, "m", 0.01);
  draft.description = "d";
  const auto model = store_->create_model(draft);
  EXPECT_GT(model.id, 0);
  EXPECT_EQ(model.project_id, project.id);
  EXPECT_EQ(model.name, "m");
  EXPECT_EQ(model.description, "d");
  EXPECT_EQ(model.step_size, 0.01);
  EXPECT_TRUE(is_timestamp(model.created_at));
  EXPECT_EQ(model.updated_at, model.created_at);

  const auto found = store_->find_model(model.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->step_size, 0.01);
  EXPECT_EQ(found->project_id, project.id);

  const auto renamed = store_->update_model(model.id, {.name = "n"});
  EXPECT_EQ(renamed.name, "n");
  EXPECT_EQ(renamed.description, "d");
  EXPECT_EQ(renamed.step_size, 0.01);
  EXPECT_EQ(renamed.created_at, model.created_at);

  const auto cleared = store_->update_model(model.id, {.step_size = std::optional<double>()});
  EXPECT_FALSE(cleared.step_size);
  EXPECT_FALSE(store_->find_model(model.id)->step_size);

  const auto set = store_->update_model(model.id, {.description = "", .step_size = 0.5});
  EXPECT_EQ(set.step_size, 0.5);
  EXPECT_EQ(set.description, "");
}

TEST_F(store_models, SameNameInTwoProjectsIsFine) {
  const auto a = add_model(add_project("a").id, "controller");
  const auto b = add_model(add_project("b").id, "controller");
  EXPECT_NE(a.id, b.id);
}

TEST_F(store_models, DuplicateNameInAProjectIsAConflictOnName) {
  const auto project = add_project("p");
  add_model(project.id, "controller");
  const auto error = error_of([&] { add_model(project.id, "controller"); });
  EXPECT_EQ(error.kind(), ErrorKind::conflict);
  EXPECT_EQ(first_pointer(error), "/name");
  EXPECT_STREQ(error.what(), "a model named 'controller' already exists in this project");

  const auto other = add_model(project.id, "plant");
  const auto rename = error_of([&] { store_->update_model(other.id, {.name = "controller"}); });
  EXPECT_EQ(rename.kind(), ErrorKind::conflict);
  EXPECT_EQ(first_pointer(rename), "/name");
}

TEST_F(store_models, ModelOfAMissingProjectIsNotFound) {
  const auto error = error_of([&] { add_model(404, "m"); });
  EXPECT_EQ(error.kind(), ErrorKind::not_found);
  EXPECT_STREQ(error.what(), "project 404 does not exist");
}

TEST_F(store_models, NonFiniteStepSizeIsUnprocessable) {
  const auto project = add_project("p");
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    const auto error = error_of([&] { store_->create_model(model_draft(project.id, "m", bad)); });
    EXPECT_EQ(error.kind(), ErrorKind::unprocessable);
    EXPECT_EQ(first_pointer(error), "/step_size");
  }
  const auto model = add_model(project.id, "m");
  const auto error = error_of([&] { store_->update_model(model.id, {.step_size = std::nan("")}); });
  EXPECT_EQ(error.kind(), ErrorKind::unprocessable);
  EXPECT_EQ(store_->list_models(project.id, {}).total, 1);
}

TEST_F(store_models, UpdateAndDeleteOfMissingIdAreReported) {
  EXPECT_EQ(error_of([&] { store_->update_model(9, {.name = "m"}); }).kind(), ErrorKind::not_found);
  EXPECT_FALSE(store_->delete_model(9));
  EXPECT_FALSE(store_->find_model(9));
}

TEST_F(store_components, ParametersAndPositionRoundTrip) {
  const auto model = add_model(add_project("p").id, "m");
  const nlohmann::json parameters = {{"k", 2.5},           {"signs", "+-"},
                                     {"enabled", true},    {"count", 3},
                                     {"table", {1, 2, 3}}, {"nested", {{"unit", "°C"}}}};
  auto draft = component_draft(model.id, "heater", parameters, core::Position{1.5, -20.25});
  draft.type = "pt1";
  const auto component = store_->create_component(draft);
  EXPECT_GT(component.id, 0);
  EXPECT_EQ(component.model_id, model.id);
  EXPECT_EQ(component.name, "heater");
  EXPECT_EQ(component.type, "pt1");
  EXPECT_EQ(component.parameters, parameters);
  EXPECT_EQ(component.position, (core::Position{1.5, -20.25}));
  EXPECT_TRUE(is_timestamp(component.created_at));

  const auto found = store_->find_component(component.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->parameters, parameters);
  EXPECT_EQ(found->position, component.position);
  EXPECT_EQ(found->type, "pt1");
}

TEST_F(store_components, PositionIsOptional) {
  const auto model = add_model(add_project("p").id, "m");
  const auto component = add_component(model.id, "g");
  EXPECT_FALSE(component.position);
  EXPECT_FALSE(store_->find_component(component.id)->position);
  EXPECT_EQ(store_->find_component(component.id)->parameters, (nlohmann::json{{"k", 1.0}}));
}

TEST_F(store_components, UpdateReplacesOnlyTheGivenFields) {
  const auto model = add_model(add_project("p").id, "m");
  const auto component = add_component(model.id, "g");

  const auto moved = store_->update_component(component.id, {.position = core::Position{3, 4}});
  EXPECT_EQ(moved.position, (core::Position{3, 4}));
  EXPECT_EQ(moved.parameters, component.parameters);
  EXPECT_EQ(moved.name, "g");

  const auto tuned = store_->update_component(
      component.id, {.name = "gain", .parameters = nlohmann::json{{"k", 7}}});
  EXPECT_EQ(tuned.name, "gain");
  EXPECT_EQ(tuned.parameters, (nlohmann::json{{"k", 7}}));
  EXPECT_EQ(tuned.position, (core::Position{3, 4}));
  EXPECT_EQ(tuned.type, "gain");
  EXPECT_EQ(tuned.created_at, component.created_at);
  EXPECT_GE(tuned.updated_at, component.updated_at);

  const auto unplaced =
      store_->update_component(component.id, {.position = std::optional<core::Position>()});
  EXPECT_FALSE(unplaced.position);
  EXPECT_FALSE(store_->find_component(component.id)->position);
}

TEST_F(store_components, DuplicateNameInAModelIsAConflictOnName) {
  const auto project = add_project("p");
  const auto model = add_model(project.id, "m");
  add_component(model.id, "pump");
  const auto error = error_of([&] { add_component(model.id, "pump"); });
  EXPECT_EQ(error.kind(), ErrorKind::conflict);
  EXPECT_EQ(first_pointer(error), "/name");
  EXPECT_STREQ(error.what(), "a component named 'pump' already exists in this model");

  add_component(add_model(project.id, "other").id, "pump");
  const auto valve = add_component(model.id, "valve");
  const auto rename = error_of([&] { store_->update_component(valve.id, {.name = "pump"}); });
  EXPECT_EQ(rename.kind(), ErrorKind::conflict);
  EXPECT_EQ(first_pointer(rename), "/name");
}

TEST_F(store_components, ComponentOfAMissingModelIsNotFound) {
  const auto error = error_of([&] { add_component(31, "g"); });
  EXPECT_EQ(error.kind(), ErrorKind::not_found);
  EXPECT_STREQ(error.what(), "model 31 does not exist");
}

TEST_F(store_components, NonFinitePositionIsUnprocessable) {
  const auto model = add_model(add_project("p").id, "m");
  const double nan = std::nan("");
  const auto error = error_of([&] {
    store_->create_component(component_draft(model.id, "g", {}, core::Position{nan, 0}));
  });
  EXPECT_EQ(error.kind(), ErrorKind::unprocessable);
  EXPECT_EQ(first_pointer(error), "/position/x");

  const auto component = add_component(model.id, "g");
  const auto update = error_of([&] {
    store_->update_component(
        component.id, {.position = core::Position{0, std::numeric_limits<double>::infinity()}});
  });
  EXPECT_EQ(first_pointer(update), "/position/y");
}

TEST_F(store_components, ParametersThatCannotBeSerializedAreUnprocessable) {
  const auto model = add_model(add_project("p").id, "m");
  const nlohmann::json invalid_utf8 = {{"label", "\xff\xfe"}};
  const auto error =
      error_of([&] { store_->create_component(component_draft(model.id, "g", invalid_utf8)); });
  EXPECT_EQ(error.kind(), ErrorKind::unprocessable);
  EXPECT_EQ(first_pointer(error), "/parameters");
  EXPECT_EQ(store_->list_components(model.id, {}).total, 0);
}

TEST_F(store_components, SchemaRefusesParametersThatAreNoJsonObject) {
  const auto model = add_model(add_project("p").id, "m");
  const auto component = add_component(model.id, "g");
  testing::RawDatabase database(directory_.file("twin.db"));
  for (const char* text : {"{not json", "[1, 2]", "3"}) {
    EXPECT_EQ(database.result_of(fmt::format(
                  "UPDATE components SET parameters = '{}' WHERE id = {}", text, component.id)),
              SQLITE_CONSTRAINT)
        << text;
  }
  EXPECT_EQ(store_->find_component(component.id)->parameters, component.parameters);
}

TEST_F(store_components, UpdateAndDeleteOfMissingIdAreReported) {
  const auto error = error_of([&] { store_->update_component(5, {.name = "x"}); });
  EXPECT_EQ(error.kind(), ErrorKind::not_found);
  EXPECT_STREQ(error.what(), "component 5 does not exist");
  EXPECT_FALSE(store_->delete_component(5));
}

class ConnectionTest : public StoreTest {
 protected:
  core::Model model_ = add_model(add_project("p").id, "m");
  core::Component source_ = add_component(model_.id, "source");
  core::Component gain_ = add_component(model_.id, "gain");
  core::Component sink_ = add_component(model_.id, "sink");
};
using store_connection_rules = ConnectionTest;

TEST_F(store_connection_rules, CreateFindAndList) {
  const auto connection = connect(model_.id, source_.id, "y", gain_.id, "u");
  EXPECT_GT(connection.id, 0);
  EXPECT_EQ(connection.model_id, model_.id);
  EXPECT_EQ(connection.source, (core::PortRef{source_.id, "y"}));
  EXPECT_EQ(connection.target, (core::PortRef{gain_.id, "u"}));
  EXPECT_TRUE(is_timestamp(connection.created_at));

  const auto found = store_->find_connection(connection.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->source, connection.source);
  EXPECT_EQ(found->target, connection.target);
  EXPECT_EQ(found->created_at, connection.created_at);
  EXPECT_FALSE(store_->find_connection(connection.id + 1));

  const auto second = connect(model_.id, gain_.id, "y", sink_.id, "u");
  EXPECT_THAT(ids_of(store_->all_connections(model_.id)), ElementsAre(connection.id, second.id));
  const auto page = store_->list_connections(model_.id, {.limit = 1, .offset = 1});
  EXPECT_THAT(ids_of(page.items), ElementsAre(second.id));
  EXPECT_EQ(page.total, 2);
}

TEST_F(store_connection_rules, AnOutputMayFanOut) {
  connect(model_.id, source_.id, "y", gain_.id, "u");
  connect(model_.id, source_.id, "y", sink_.id, "u");
  EXPECT_EQ(store_->list_connections(model_.id, {}).total, 2);
}

TEST_F(store_connection_rules, ASecondDriverIsUnprocessableOnTarget) {
  connect(model_.id, source_.id, "y", sink_.id, "u");
  const auto error = error_of([&] { connect(model_.id, gain_.id, "y", sink_.id, "u"); });
  EXPECT_EQ(error.kind(), ErrorKind::unprocessable);
  EXPECT_EQ(first_pointer(error), "/target");
  EXPECT_EQ(error.type_slug(), "input-already-driven");
  EXPECT_EQ(std::string(error.what()),
            fmt::format("input u of component {} already has a driver", sink_.id));
  EXPECT_EQ(store_->list_connections(model_.id, {}).total, 1);

  // Another input of the same component is free.
  connect(model_.id, gain_.id, "y", sink_.id, "u2");
}

TEST_F(store_connection_rules, DeletingAConnectionFreesItsInput) {
  const auto connection = connect(model_.id, source_.id, "y", sink_.id, "u");
  EXPECT_TRUE(store_->delete_connection(connection.id));
  EXPECT_FALSE(store_->delete_connection(connection.id));
  connect(model_.id, gain_.id, "y", sink_.id, "u");
}

TEST_F(store_connection_rules, MissingModelOrComponentIsNotFound) {
  const auto no_model = error_of([&] { connect(999, source_.id, "y", sink_.id, "u"); });
  EXPECT_EQ(no_model.kind(), ErrorKind::not_found);
  EXPECT_STREQ(no_model.what(), "model 999 does not exist");

  const auto no_source = error_of([&] { connect(model_.id, 888, "y", sink_.id, "u"); });
  EXPECT_EQ(no_source.kind(), ErrorKind::not_found);
  EXPECT_STREQ(no_source.what(), "component 888 does not exist");

  const auto no_target = error_of([&] { connect(model_.id, source_.id, "y", 777, "u"); });
  EXPECT_EQ(no_target.kind(), ErrorKind::not_found);
  EXPECT_STREQ(no_target.what(), "component 777 does not exist");
  EXPECT_EQ(store_->list_connections(model_.id, {}).total, 0);
}

TEST_F(store_connection_rules, ComponentsOfAnotherModelAreUnprocessable) {
  const auto other_model = add_model(model_.project_id, "other");
  const auto stranger = add_component(other_model.id, "stranger");

  const auto as_source = error_of([&] { connect(model_.id, stranger.id, "y", sink_.id, "u"); });
  EXPECT_EQ(as_source.kind(), ErrorKind::unprocessable);
  EXPECT_EQ(first_pointer(as_source), "/source/component_id");

  const auto as_target = error_of([&] { connect(model_.id, source_.id, "y", stranger.id, "u"); });
  EXPECT_EQ(as_target.kind(), ErrorKind::unprocessable);
  EXPECT_EQ(first_pointer(as_target), "/target/component_id");

  const auto wrong_model =
      error_of([&] { connect(other_model.id, source_.id, "y", sink_.id, "u"); });
  EXPECT_EQ(wrong_model.kind(), ErrorKind::unprocessable);
  EXPECT_EQ(first_pointer(wrong_model), "/source/component_id");
  EXPECT_EQ(store_->list_connections(other_model.id, {}).total, 0);
}

TEST_F(store_connection_rules, ConnectionsOfAComponentIncludeBothDirections) {
  const auto in = connect(model_.id, source_.id, "y", gain_.id, "u");
  const auto out = connect(model_.id, gain_.id, "y", sink_.id, "u");
  const auto loop = connect(model_.id, gain_.id, "y", gain_.id, "u2");
  EXPECT_THAT(ids_of(store_->connections_of(gain_.id)), ElementsAre(in.id, out.id, loop.id));
  EXPECT_THAT(ids_of(store_->connections_of(source_.id)), ElementsAre(in.id));
  EXPECT_THAT(store_->connections_of(12345), IsEmpty());
}

TEST_F(store_cascade, DeletingAProjectRemovesEverythingInIt) {
  const auto doomed = add_project("doomed");
  const auto kept = add_project("kept");
  const auto model = add_model(doomed.id, "m");
  const auto a = add_component(model.id, "a");
  const auto b = add_component(model.id, "b");
  const auto connection = connect(model.id, a.id, "y", b.id, "u");
  const auto kept_model = add_model(kept.id, "m");

  EXPECT_TRUE(store_->delete_project(doomed.id));
  EXPECT_FALSE(store_->find_model(model.id));
  EXPECT_FALSE(store_->find_component(a.id));
  EXPECT_FALSE(store_->find_component(b.id));
  EXPECT_FALSE(store_->find_connection(connection.id));
  EXPECT_TRUE(store_->find_model(kept_model.id));
  EXPECT_EQ(store_->list_projects({}).total, 1);
}

TEST_F(store_cascade, DeletingAModelRemovesItsComponentsAndConnections) {
  const auto project = add_project("p");
  const auto model = add_model(project.id, "m");
  const auto a = add_component(model.id, "a");
  const auto b = add_component(model.id, "b");
  const auto connection = connect(model.id, a.id, "y", b.id, "u");

  EXPECT_TRUE(store_->delete_model(model.id));
  EXPECT_FALSE(store_->find_component(a.id));
  EXPECT_FALSE(store_->find_connection(connection.id));
  EXPECT_TRUE(store_->find_project(project.id));
  EXPECT_THAT(store_->all_components(model.id), IsEmpty());
}

TEST_F(store_cascade, DeletingAComponentRemovesOnlyItsConnections) {
  const auto model = add_model(add_project("p").id, "m");
  const auto a = add_component(model.id, "a");
  const auto b = add_component(model.id, "b");
  const auto c = add_component(model.id, "c");
  const auto a_to_b = connect(model.id, a.id, "y", b.id, "u");
  const auto b_to_c = connect(model.id, b.id, "y", c.id, "u");
  const auto a_to_c = connect(model.id, a.id, "y", c.id, "u2");

  EXPECT_TRUE(store_->delete_component(b.id));
  EXPECT_FALSE(store_->find_connection(a_to_b.id));
  EXPECT_FALSE(store_->find_connection(b_to_c.id));
  EXPECT_TRUE(store_->find_connection(a_to_c.id));
  EXPECT_THAT(ids_of(store_->all_components(model.id)), ElementsAre(a.id, c.id));
}

}  // namespace
}  // namespace twinloop::store
