// Endpoints (per project) and bindings (per model) in the SQLite store.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::store {
namespace {

using testing::error_of;
using testing::model_draft;
using testing::project_draft;
using testing::TempDirectory;

EndpointRecord endpoint_draft(Id project, std::string name) {
  EndpointRecord draft;
  draft.project_id = project;
  draft.name = std::move(name);
  draft.url = "opc.tcp://127.0.0.1:4840";
  return draft;
}

class HilStore : public ::testing::Test {
 protected:
  BindingRecord binding_draft(Id endpoint, std::string signal, std::string direction) {
    BindingRecord draft;
    draft.model_id = model_;
    draft.endpoint_id = endpoint;
    draft.signal = std::move(signal);
    draft.node_id = "ns=2;s=Q0.1";
    draft.direction = std::move(direction);
    return draft;
  }

  TempDirectory directory_;
  std::unique_ptr<Store> store_ =
      open_sqlite({.path = directory_.file("twin.db"), .migrate = true});
  Id project_ = store_->create_project(project_draft("plant", "")).id;
  Id model_ = store_->create_model(model_draft(project_, "line")).id;
};

TEST_F(HilStore, EndpointsKeepEveryFieldAndUpdateWhole) {
  auto draft = endpoint_draft(project_, "plc");
  draft.username = "operator";
  draft.password = "secret";
  draft.exchange_period = 0.01;
  draft.fault_policy = "pause";
  const auto created = store_->create_endpoint(draft);
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.username, "operator");
  EXPECT_EQ(created.password, "secret");
  EXPECT_EQ(created.exchange_period, 0.01);
  EXPECT_EQ(created.connect_timeout, 5.0);
  EXPECT_EQ(created.request_timeout, 1.0);
  EXPECT_EQ(created.fault_policy, "pause");
  EXPECT_FALSE(created.created_at.empty());

  auto changed = created;
  changed.username.reset();
  changed.password.reset();
  changed.exchange_period.reset();
  changed.url = "opc.tcp://10.0.0.2:4840";
  const auto updated = store_->update_endpoint(changed);
  ASSERT_TRUE(updated);
  EXPECT_FALSE(updated->username);
  EXPECT_FALSE(updated->exchange_period);
  EXPECT_EQ(updated->url, "opc.tcp://10.0.0.2:4840");
  EXPECT_EQ(store_->find_endpoint(created.id)->url, "opc.tcp://10.0.0.2:4840");

  changed.id = created.id + 100;
  EXPECT_FALSE(store_->update_endpoint(changed));
}

TEST_F(HilStore, EndpointNamesAreUniquePerProjectAndTheProjectMustExist) {
  store_->create_endpoint(endpoint_draft(project_, "plc"));
  const auto twice = error_of([&] { store_->create_endpoint(endpoint_draft(project_, "plc")); });
  EXPECT_EQ(twice.kind(), core::ErrorKind::conflict);
  ASSERT_EQ(twice.fields().size(), 1u);
  EXPECT_EQ(twice.fields()[0].pointer, "/name");
  const Id other = store_->create_project(project_draft("other", "")).id;
  EXPECT_NO_THROW(store_->create_endpoint(endpoint_draft(other, "plc")));
  EXPECT_EQ(error_of([&] { store_->create_endpoint(endpoint_draft(other + 1, "plc")); }).kind(),
            core::ErrorKind::not_found);
  auto infinite = endpoint_draft(project_, "fast");
  infinite.exchange_period = INFINITY;
  EXPECT_EQ(error_of([&] { store_->create_endpoint(infinite); }).fields().at(0).pointer,
            "/exchange_period");

  const auto page = store_->list_endpoints(project_, {.limit = 10, .offset = 0});
  EXPECT_EQ(page.total, 1);
}

TEST_F(HilStore, BindingsBelongToAModelAndKeepTheirEndpoint) {
  const auto endpoint = store_->create_endpoint(endpoint_draft(project_, "plc"));
  auto draft = binding_draft(endpoint.id, "belt.speed", "read");
  draft.scale = 0.001;
  draft.offset = -2.5;
  draft.data_type = "Int16";
  const auto created = store_->create_binding(draft);
  EXPECT_EQ(created.scale, 0.001);
  EXPECT_EQ(created.offset, -2.5);
  EXPECT_EQ(created.data_type, "Int16");
  store_->create_binding(binding_draft(endpoint.id, "sensor.out", "write"));
  EXPECT_EQ(store_->all_bindings(model_).size(), 2u);
  EXPECT_EQ(store_->list_bindings(model_, {.limit = 1, .offset = 1}).items.at(0).signal,
            "sensor.out");

  auto changed = created;
  changed.data_type.reset();
  changed.direction = "write";
  EXPECT_EQ(store_->update_binding(changed)->direction, "write");
  EXPECT_FALSE(store_->find_binding(created.id)->data_type);

  const auto in_use = error_of([&] { store_->delete_endpoint(endpoint.id); });
  EXPECT_EQ(in_use.kind(), core::ErrorKind::conflict);
  EXPECT_TRUE(store_->find_endpoint(endpoint.id)) << "the refused delete changed nothing";
  EXPECT_EQ(error_of([&] {
              store_->create_binding(binding_draft(endpoint.id + 9, "a.b", "read"));
            }).kind(),
            core::ErrorKind::not_found);

  ASSERT_TRUE(store_->delete_binding(created.id));
  EXPECT_FALSE(store_->delete_binding(created.id));
}

TEST_F(HilStore, DeletingTheProjectTakesEndpointsAndBindingsAlong) {
  const auto endpoint = store_->create_endpoint(endpoint_draft(project_, "plc"));
  const auto binding = store_->create_binding(binding_draft(endpoint.id, "belt.speed", "read"));
  ASSERT_TRUE(store_->delete_project(project_));
  EXPECT_FALSE(store_->find_endpoint(endpoint.id));
  EXPECT_FALSE(store_->find_binding(binding.id));
}

TEST_F(HilStore, DeletingTheModelTakesItsBindingsAndFreesTheEndpoint) {
  const auto endpoint = store_->create_endpoint(endpoint_draft(project_, "plc"));
  store_->create_binding(binding_draft(endpoint.id, "belt.speed", "read"));
  ASSERT_TRUE(store_->delete_model(model_));
  EXPECT_TRUE(store_->delete_endpoint(endpoint.id));
}

}  // namespace
}  // namespace twinloop::store
