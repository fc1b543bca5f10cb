#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/store/migrations.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::store {
namespace {

using core::ErrorKind;
using testing::component_draft;
using testing::connection_draft;
using testing::error_of;
using ::testing::HasSubstr;
using testing::model_draft;
using testing::project_draft;
using testing::TempDirectory;

class TransactionTest : public ::testing::Test {
 protected:
  TempDirectory directory_;
  std::string path_ = directory_.file("twin.db");
  std::unique_ptr<Store> store_ = open_sqlite({.path = path_, .migrate = true});
};
using store_transactions = TransactionTest;

TEST_F(store_transactions, CommitsAllWorkTogether) {
  Id model_id = 0;
  store_->transaction([&](Store& bound) {
    const auto project = bound.create_project(project_draft("p"));
    model_id = bound.create_model(model_draft(project.id, "m")).id;
    // The work sees its own writes.
    EXPECT_TRUE(bound.find_project(project.id));
    EXPECT_EQ(bound.list_models(project.id, {}).total, 1);
  });
  const auto model = store_->find_model(model_id);
  ASSERT_TRUE(model);
  EXPECT_EQ(store_->find_project(model->project_id)->name, "p");
}

TEST_F(store_transactions, RollsBackWhenTheWorkThrows) {
  EXPECT_THROW(store_->transaction([](Store& bound) {
    const auto project = bound.create_project(project_draft("p"));
    bound.create_model(model_draft(project.id, "m"));
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  EXPECT_EQ(store_->list_projects({}).total, 0);
  // The connection went back to the pool in a usable state.
  store_->create_project(project_draft("p"));
  EXPECT_EQ(store_->list_projects({}).total, 1);
}

TEST_F(store_transactions, RollsBackWhenAStoreCallFails) {
  const auto error = error_of([&] {
    store_->transaction([](Store& bound) {
      bound.create_project(project_draft("first"));
      bound.create_project(project_draft("first"));
    });
  });
  EXPECT_EQ(error.kind(), ErrorKind::conflict);
  EXPECT_EQ(store_->list_projects({}).total, 0);
}

TEST_F(store_transactions, OthersDoNotSeeUncommittedWork) {
  store_->transaction([&](Store& bound) {
    bound.create_project(project_draft("pending"));
    std::int64_t seen_elsewhere = -1;
    std::thread reader([&] { seen_elsewhere = store_->list_projects({}).total; });
    reader.join();
    EXPECT_EQ(seen_elsewhere, 0);
  });
  EXPECT_EQ(store_->list_projects({}).total, 1);
}

TEST_F(store_transactions, NestedTransactionRollsBackAlone) {
  store_->transaction([](Store& bound) {
    bound.create_project(project_draft("outer"));
    EXPECT_THROW(bound.transaction([](Store& inner) {
      inner.create_project(project_draft("inner"));
      throw std::runtime_error("inner fails");
    }),
                 std::runtime_error);
    bound.transaction([](Store& inner) { inner.create_project(project_draft("inner ok")); });
  });
  const auto projects = store_->list_projects({}).items;
  ASSERT_EQ(projects.size(), 2u);
  EXPECT_EQ(projects[0].name, "outer");
  EXPECT_EQ(projects[1].name, "inner ok");
}

TEST_F(store_transactions, NestedWorkIsUndoneWithTheOuterTransaction) {
  EXPECT_THROW(store_->transaction([](Store& bound) {
    bound.transaction([](Store& inner) { inner.create_project(project_draft("inner")); });
    throw std::runtime_error("outer fails");
  }),
               std::runtime_error);
  EXPECT_EQ(store_->list_projects({}).total, 0);
}

TEST_F(store_transactions, WorkThatCallsTheOuterStoreFailsInsteadOfHanging) {
  const auto error = error_of([&] {
    store_->transaction([&](Store& bound) {
      bound.create_project(project_draft("inside"));
      store_->find_project(1);
    });
  });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("must use the store given to it"));
  EXPECT_EQ(store_->list_projects({}).total, 0);

  auto memory = open_sqlite({.path = ":memory:"});
  EXPECT_THROW(memory->transaction([&](Store&) { memory->transaction([](Store&) {}); }),
               core::Error);
  memory->create_project(project_draft("after"));
  EXPECT_EQ(memory->list_projects({}).total, 1);
}

TEST_F(store_transactions, ManyThreadsReadAndWriteWithoutBusyErrors) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 40;
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int round = 0; round < kRounds; ++round) {
          const auto name = fmt::format("t{}-{}", t, round);
          const auto project = store_->create_project(project_draft(name));
          const auto model = store_->create_model(model_draft(project.id, "m"));
          const auto a = store_->create_component(component_draft(model.id, "a"));
          const auto b = store_->create_component(component_draft(model.id, "b"));
          store_->create_connection(connection_draft(model.id, {a.id, "y"}, {b.id, "u"}));
          store_->update_project(project.id, {.description = "updated"});
          if (!store_->find_project(project.id))
            throw std::runtime_error(fmt::format("lost {}", name));
          if (store_->all_components(model.id).size() != 2) throw std::runtime_error("components");
          store_->list_projects({.limit = 10});
          store_->transaction([&](Store& bound) {
            bound.update_model(model.id, {.step_size = 0.001});
            bound.delete_component(b.id);
          });
        }
      } catch (const std::exception& error) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(error.what());
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(store_->list_projects({}).total, kThreads * kRounds);
}

TEST_F(store_transactions, ConcurrentTransactionsAreSerialized) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        try {
          // Read-then-write: without isolation two threads would pick the same name.
          store_->transaction([](Store& bound) {
            const auto count = bound.list_projects({.limit = 0}).total;
            bound.create_project(project_draft(fmt::format("project {}", count)));
          });
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->list_projects({}).total, kThreads * kRounds);
}

TEST_F(store_transactions, DataPersistsAcrossCloseAndReopen) {
  const auto project = store_->create_project(project_draft("kept", "on disk"));
  const auto model = store_->create_model(model_draft(project.id, "m", 0.1));
  store_.reset();

  auto reopened = open_sqlite({.path = path_, .pool_size = 2});
  const auto found = reopened->find_project(project.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->description, "on disk");
  EXPECT_EQ(found->created_at, project.created_at);
  EXPECT_EQ(reopened->find_model(model.id)->step_size, 0.1);
  EXPECT_EQ(sqlite_migrator(path_)->up(), 0);
}

TEST_F(store_transactions, TwoStoresOnOneFileShareData) {
  auto second = open_sqlite({.path = path_, .pool_size = 1});
  const auto project = store_->create_project(project_draft("shared"));
  EXPECT_TRUE(second->find_project(project.id));
  second->delete_project(project.id);
  EXPECT_FALSE(store_->find_project(project.id));
}

using store_open = TransactionTest;

TEST_F(store_open, InMemoryStoreIsMigratedAndSharedByAllCallers) {
  auto memory = open_sqlite({.path = ":memory:", .pool_size = 4});
  const auto project = memory->create_project(project_draft("p"));
  std::optional<core::Project> seen;
  std::thread reader([&] { seen = memory->find_project(project.id); });
  reader.join();
  EXPECT_TRUE(seen);
  memory->transaction([](Store& bound) { bound.create_project(project_draft("q")); });
  EXPECT_EQ(memory->list_projects({}).total, 2);

  auto other = open_sqlite({.path = ":memory:"});
  EXPECT_EQ(other->list_projects({}).total, 0);
}

TEST_F(store_open, UnusableOptionsAreRefused) {
  EXPECT_EQ(error_of([&] { open_sqlite({.path = path_, .pool_size = 0}); }).kind(),
            ErrorKind::bad_request);
  EXPECT_EQ(error_of([&] { open_sqlite({.path = path_, .pool_size = -3}); }).kind(),
            ErrorKind::bad_request);
  EXPECT_EQ(error_of([&] { open_sqlite({.path = ""}); }).kind(), ErrorKind::bad_request);
  EXPECT_EQ(error_of([&] { open_sqlite({.path = path_, .busy_timeout_ms = -1}); }).kind(),
            ErrorKind::bad_request);
}

TEST_F(store_open, UnreachablePathIsAnInternalError) {
  const auto error =
      error_of([&] { open_sqlite({.path = directory_.file("no/such/dir/twin.db")}); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("unable to open database file"));
}

TEST_F(store_open, UnmigratedDatabaseGivesAClearError) {
  auto unmigrated = open_sqlite({.path = directory_.file("empty.db")});
  const auto error = error_of([&] { unmigrated->create_project(project_draft("p")); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("no such table: projects"));
  EXPECT_EQ(error_of([&] { unmigrated->find_model(1); }).kind(), ErrorKind::internal);

  sqlite_migrator(directory_.file("empty.db"))->up();
  EXPECT_EQ(unmigrated->create_project(project_draft("p")).name, "p");
}

TEST_F(store_open, ConnectionsUseWalAndForeignKeys) {
  store_->create_project(project_draft("p"));
  testing::RawDatabase raw(path_);
  EXPECT_THAT(raw.column("PRAGMA journal_mode"), ::testing::ElementsAre("wal"));
  // A model for a missing project is refused, which only enforced foreign keys do.
  EXPECT_EQ(error_of([&] { store_->create_model(model_draft(12345, "m")); }).kind(),
            ErrorKind::not_found);
}

}  // namespace
}  // namespace twinloop::store
