// A simulation run on its worker thread: lifecycle, recording, overrides.
#include "twinloop/sim/run.hpp"

#include <gtest/gtest.h>

#include "model_builder.hpp"

namespace twinloop::sim {
namespace {

using testing_support::ModelBuilder;

std::uint32_t signal_index(const Plan& plan, const std::string& name) {
  for (std::uint32_t i = 0; i < plan.signals.size(); ++i) {
    if (plan.signals[i].name == name) return i;
  }
  throw std::invalid_argument(name);
}

std::uint32_t input_index(const Plan& plan, const std::string& name) {
  for (std::uint32_t i = 0; i < plan.inputs.size(); ++i) {
    if (plan.inputs[i].name == name) return i;
  }
  throw std::invalid_argument(name);
}

// ramp.y = 2 * t through an integrator; gain.y = 10 * ramp.y.
std::shared_ptr<const Plan> ramp_plan() {
  return std::make_shared<const Plan>(ModelBuilder()
                                          .add("two", "constant", {{"value", 2.0}})
                                          .add("ramp", "integrator")
                                          .add("gain", "gain", {{"k", 10.0}})
                                          .connect("two.y", "ramp.u")
                                          .connect("ramp.y", "gain.u")
                                          .compile(0.1));
}

void wait_until_done(const SimulationRun& run) {
  while (true) {
    const auto state = run.statistics().state;
    if (state != RunState::running) return;
    std::this_thread::yield();
  }
}

TEST(SimulationRun, RecordsStepsZeroToNAtTheirTimes) {
  const auto plan = ramp_plan();
  RunSettings settings;
  settings.last_step = 10;  // end_time 1.0 at dt 0.1
  settings.recorded = {signal_index(*plan, "ramp.y"), signal_index(*plan, "gain.y")};
  SimulationRun run(plan, settings);
  ASSERT_TRUE(run.start());
  wait_until_done(run);
  const auto statistics = run.statistics();
  EXPECT_EQ(statistics.state, RunState::completed);
  EXPECT_EQ(statistics.steps_done, 11);
  const auto recording = run.recording();
  ASSERT_EQ(recording.time_ns.size(), 11u);
  ASSERT_EQ(recording.values.size(), 22u);
  for (std::size_t k = 0; k <= 10; ++k) {
    EXPECT_EQ(recording.time_ns[k], static_cast<std::int64_t>(k) * 100'000'000);
    EXPECT_NEAR(recording.values[2 * k], 0.2 * static_cast<double>(k), 1e-12);
    EXPECT_NEAR(recording.values[2 * k + 1], 2.0 * static_cast<double>(k), 1e-11);
  }
  EXPECT_FALSE(run.start());
  EXPECT_FALSE(run.stop());
}

TEST(SimulationRun, DecimationKeepsEveryNthStep) {
  const auto plan = ramp_plan();
  RunSettings settings;
  settings.last_step = 10;
  settings.decimation = 4;
  settings.recorded = {signal_index(*plan, "ramp.y")};
  SimulationRun run(plan, settings);
  run.start();
  wait_until_done(run);
  EXPECT_EQ(run.recording().time_ns, (std::vector<std::int64_t>{0, 400'000'000, 800'000'000}));
}

TEST(SimulationRun, SingleStepsPauseAndOverrideTakesEffectOnTheNextStep) {
  const auto plan = ramp_plan();
  RunSettings settings;
  settings.recorded = {signal_index(*plan, "gain.y")};
  SimulationRun run(plan, settings);
  EXPECT_TRUE(run.step_once());
  EXPECT_EQ(run.statistics().state, RunState::paused);
  run.set_override(input_index(*plan, "gain.u"), 7.0);
  EXPECT_TRUE(run.step_once());
  run.set_override(input_index(*plan, "gain.u"), std::nullopt);
  EXPECT_TRUE(run.step_once());
  const auto values = run.recording().values;
  ASSERT_EQ(values.size(), 3u);
  EXPECT_DOUBLE_EQ(values[0], 0.0);
  EXPECT_DOUBLE_EQ(values[1], 70.0);
  EXPECT_NEAR(values[2], 10.0 * 0.4, 1e-12);  // ramp.y at step 2 = 2 * 0.2
}

TEST(SimulationRun, OpenEndedRunPausesResumesAndStops) {
  RunSettings settings;
  SimulationRun run(ramp_plan(), settings);
  EXPECT_FALSE(run.pause());
  ASSERT_TRUE(run.start());
  EXPECT_FALSE(run.start());
  while (run.statistics().steps_done < 100)
    std::this_thread::yield();
  ASSERT_TRUE(run.pause());
  const auto paused_at = run.statistics().steps_done;
  EXPECT_EQ(run.statistics().steps_done, paused_at);
  EXPECT_TRUE(run.resume());
  while (run.statistics().steps_done < paused_at + 100)
    std::this_thread::yield();
  EXPECT_TRUE(run.stop());
  EXPECT_EQ(run.statistics().state, RunState::stopped);
  EXPECT_FALSE(run.resume());
}

TEST(SimulationRun, PacedRunCompletesAndMeasuresLateness) {
  RunSettings settings;
  settings.last_step = 20;
  settings.realtime_factor = 10.0;  // 0.1 s steps at ten times real time: 10 ms each
  SimulationRun run(ramp_plan(), settings);
  run.start();
  wait_until_done(run);
  const auto statistics = run.statistics();
  EXPECT_EQ(statistics.state, RunState::completed);
  EXPECT_GE(statistics.jitter_max, statistics.jitter_p99);
  EXPECT_GE(statistics.jitter_p99, statistics.jitter_p50);
  EXPECT_GT(statistics.wall_seconds, 0.0);
}

TEST(SimulationRun, RecordingStopsAtItsLimit) {
  const auto plan = ramp_plan();
  RunSettings settings;
  settings.last_step = 100;
  settings.recorded = {signal_index(*plan, "ramp.y")};
  settings.max_recorded_values = 10;
  SimulationRun run(plan, settings);
  run.start();
  wait_until_done(run);
  EXPECT_TRUE(run.statistics().recording_truncated);
  EXPECT_EQ(run.recording().values.size(), 10u);
}

TEST(SimulationRun, DestroyingARunningRunStopsIt) {
  auto run = std::make_unique<SimulationRun>(ramp_plan(), RunSettings{});
  run->start();
  run.reset();
  SUCCEED();
}

}  // namespace
}  // namespace twinloop::sim
