// Simulations and their results in the SQLite store.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::store {
namespace {

using testing::model_draft;
using testing::project_draft;
using testing::TempDirectory;

class SimulationStore : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto project = store_->create_project(project_draft("plant", ""));
    model_ = store_->create_model(model_draft(project.id, "line")).id;
  }

  TempDirectory directory_;
  std::unique_ptr<Store> store_ =
      open_sqlite({.path = directory_.file("twin.db"), .migrate = true});
  Id model_ = 0;
};

TEST_F(SimulationStore, CreatedSimulationsAreFoundAndListedInOrder) {
  const auto first = store_->create_simulation(model_, "created", R"({"step_size":0.01})");
  const auto second = store_->create_simulation(model_, "created", R"({"step_size":0.02})");
  EXPECT_GT(second.id, first.id);
  EXPECT_EQ(first.model_id, model_);
  EXPECT_TRUE(testing::is_timestamp(first.created_at)) << first.created_at;
  EXPECT_FALSE(first.ended_at);

  const auto found = store_->find_simulation(second.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, "created");
  EXPECT_EQ(found->document, R"({"step_size":0.02})");
  const auto page = store_->list_simulations(model_, {.limit = 1, .offset = 1});
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 1U);
  EXPECT_EQ(page.items[0].id, second.id);
  EXPECT_FALSE(store_->find_simulation(second.id + 100));
}

TEST_F(SimulationStore, ResultsComeBackBitForBit) {
  const auto simulation = store_->create_simulation(model_, "running", "{}");
  SimulationResults results;
  results.signals = {"a.y", "b.y"};
  results.time_ns = {0, 1'000'000, std::numeric_limits<std::int64_t>::max()};
  results.values = {0.1,
                    -0.0,
                    std::numeric_limits<double>::denorm_min(),
                    1e308,
                    std::numeric_limits<double>::infinity(),
                    std::nextafter(1.0, 2.0)};
  ASSERT_TRUE(store_->finish_simulation(simulation.id, "completed", R"({"steps":3})", results));

  const auto stored = store_->simulation_results(simulation.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->signals, results.signals);
  EXPECT_EQ(stored->time_ns, results.time_ns);
  ASSERT_EQ(stored->values.size(), results.values.size());
  for (std::size_t i = 0; i < results.values.size(); ++i) {
    EXPECT_EQ(std::signbit(stored->values[i]), std::signbit(results.values[i])) << i;
    EXPECT_EQ(stored->values[i], results.values[i]) << i;
  }
  const auto record = store_->find_simulation(simulation.id);
  EXPECT_EQ(record->state, "completed");
  EXPECT_EQ(record->document, R"({"steps":3})");
  ASSERT_TRUE(record->ended_at);
  EXPECT_TRUE(testing::is_timestamp(*record->ended_at));
}

TEST_F(SimulationStore, EmptyResultsAndNoSignalsAreResultsToo) {
  const auto simulation = store_->create_simulation(model_, "created", "{}");
  ASSERT_TRUE(store_->finish_simulation(simulation.id, "stopped", "{}", SimulationResults{}));
  const auto stored = store_->simulation_results(simulation.id);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->signals.empty());
  EXPECT_TRUE(stored->time_ns.empty());
  EXPECT_FALSE(store_->simulation_results(simulation.id + 1));
}

TEST_F(SimulationStore, RowsThatAreNotWholeAreRefused) {
  const auto simulation = store_->create_simulation(model_, "created", "{}");
  SimulationResults ragged{{"a.y", "b.y"}, {0, 1}, {1.0, 2.0, 3.0}};
  EXPECT_THROW(store_->finish_simulation(simulation.id, "completed", "{}", ragged),
               std::invalid_argument);
  EXPECT_EQ(store_->find_simulation(simulation.id)->state, "created") << "nothing changed";
}

TEST_F(SimulationStore, FinishingADeletedSimulationStoresNothing) {
  const auto simulation = store_->create_simulation(model_, "running", "{}");
  EXPECT_TRUE(store_->delete_simulation(simulation.id));
  EXPECT_FALSE(store_->delete_simulation(simulation.id));
  EXPECT_FALSE(store_->finish_simulation(simulation.id, "completed", "{}",
                                         SimulationResults{{"a.y"}, {0}, {1.0}}));
  EXPECT_FALSE(store_->find_simulation(simulation.id));
  EXPECT_FALSE(store_->simulation_results(simulation.id));
}

TEST_F(SimulationStore, DeletingTheModelDeletesItsSimulationsAndResults) {
  const auto simulation = store_->create_simulation(model_, "running", "{}");
  store_->finish_simulation(simulation.id, "completed", "{}",
                            SimulationResults{{"a.y"}, {0}, {1.0}});
  ASSERT_TRUE(store_->delete_model(model_));
  EXPECT_FALSE(store_->find_simulation(simulation.id));
  EXPECT_FALSE(store_->simulation_results(simulation.id));
}

TEST_F(SimulationStore, UnfinishedSimulationsAreMarkedStoppedWithTheReason) {
  const auto running = store_->create_simulation(model_, "running", R"({"state":"running"})");
  const auto paused = store_->create_simulation(model_, "paused", R"({"state":"paused"})");
  const auto done = store_->create_simulation(model_, "created", R"({"state":"created"})");
  store_->finish_simulation(done.id, "completed", R"({"state":"completed"})", {});
  EXPECT_EQ(store_->stop_unfinished_simulations("the server stopped"), 2);
  for (const auto id : {running.id, paused.id}) {
    const auto record = store_->find_simulation(id);
    EXPECT_EQ(record->state, "stopped");
    EXPECT_EQ(record->document, R"({"state":"stopped","error":"the server stopped"})");
    EXPECT_TRUE(record->ended_at);
  }
  EXPECT_EQ(store_->find_simulation(done.id)->state, "completed");
  EXPECT_EQ(store_->stop_unfinished_simulations("again"), 0);
}

TEST_F(SimulationStore, ASimulationOfAnUnknownModelIsNotFound) {
  try {
    store_->create_simulation(model_ + 1000, "created", "{}");
    FAIL() << "created";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::not_found);
  }
}

}  // namespace
}  // namespace twinloop::store
