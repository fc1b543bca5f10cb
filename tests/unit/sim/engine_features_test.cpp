// Multi-rate blocks, tuning parameters of a compiled plan, and live taps of a run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "model_builder.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/sim/latency_histogram.hpp"
#include "twinloop/sim/run.hpp"

namespace twinloop::sim {
namespace {

using testing_support::ModelBuilder;
using testing_support::trace;

std::uint32_t signal_index(const Plan& plan, const std::string& name) {
  for (std::uint32_t i = 0; i < plan.signals.size(); ++i) {
    if (plan.signals[i].name == name) return i;
  }
  throw std::invalid_argument(name);
}

std::uint32_t component_index(const Plan& plan, const std::string& name) {
  for (std::uint32_t i = 0; i < plan.components.size(); ++i) {
    if (plan.components[i] == name) return i;
  }
  throw std::invalid_argument(name);
}

TEST(MultiRate, EveryTypeDeclaresASampleTime) {
  for (const auto* type : testing_support::registry().list()) {
    const auto* spec = type->find_parameter(sample_time_parameter);
    ASSERT_NE(spec, nullptr) << type->type;
    EXPECT_EQ(spec->default_value, 0.0) << type->type;
    EXPECT_EQ(spec->unit, "s");
  }
}

TEST(MultiRate, ASlowBlockRunsOnItsTicksAndHoldsInBetween) {
  // The clock runs every 10 ms; the sampled copy every 50 ms.
  const auto plan = ModelBuilder()
                        .add("time", "clock")
                        .add("sampled", "gain", {{"k", 1.0}, {"sample_time", 0.05}})
                        .connect("time.y", "sampled.u")
                        .compile(0.01);
  const auto values = trace(plan, "sampled.y", 12);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const double tick = 0.05 * static_cast<double>(k / 5);
    EXPECT_NEAR(values[k], tick, 1e-12) << "step " << k;
  }
}

TEST(MultiRate, ASlowContinuousBlockIntegratesOverItsOwnPeriod) {
  // pt1 sampled at 0.1 s in a 0.01 s simulation: exact discretisation with dt = 0.1.
  const auto plan = ModelBuilder()
                        .add("u", "step", {{"step_time", 0.0}})
                        .add("lag", "pt1", {{"t", 0.5}, {"k", 1.0}, {"sample_time", 0.1}})
                        .connect("u.y", "lag.u")
                        .compile(0.01);
  const auto values = trace(plan, "lag.y", 101);
  for (std::size_t k = 0; k < values.size(); k += 10) {
    const double t = 0.01 * static_cast<double>(k);
    EXPECT_NEAR(values[k], 1.0 - std::exp(-t / 0.5), 1e-12) << "step " << k;
    if (k + 9 < values.size()) {
      EXPECT_EQ(values[k + 9], values[k]) << "held until the next tick";
    }
  }
}

TEST(MultiRate, ASampleTimeThatIsNoMultipleOfTheStepIsRefused) {
  try {
    ModelBuilder().add("sampled", "gain", {{"sample_time", 0.015}}).compile(0.01);
    FAIL() << "compiled";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unprocessable);
    EXPECT_EQ(error.type_slug(), "sample-time");
    EXPECT_NE(std::string(error.what()).find("'sampled'"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(ModelBuilder().add("sampled", "gain", {{"sample_time", 0.03}}).compile(0.01));
}

TEST(Tuning, ANewGainTakesEffectFromTheNextStep) {
  const auto plan = std::make_shared<const Plan>(ModelBuilder()
                                                     .add("one", "constant", {{"value", 1.0}})
                                                     .add("gain", "gain", {{"k", 2.0}})
                                                     .connect("one.y", "gain.u")
                                                     .compile(0.01));
  Simulator simulator(plan);
  simulator.step();
  const auto slot = plan->signals[signal_index(*plan, "gain.y")].slot;
  EXPECT_EQ(simulator.signals()[slot], 2.0);

  const auto gain = component_index(*plan, "gain");
  core::Component compiled;
  compiled.name = "gain";
  compiled.type = "gain";
  compiled.parameters = core::merge_parameters(*testing_support::registry().find("gain"),
                                               nlohmann::json::object(), {{"k", 2.0}});
  const auto tuned = core::merge_parameters(*testing_support::registry().find("gain"),
                                            compiled.parameters, {{"k", 5.0}});
  simulator.set_parameters(
      gain, pack_parameters(*plan, gain, testing_support::registry(), compiled, tuned));
  simulator.step();
  EXPECT_EQ(simulator.signals()[slot], 5.0);
  EXPECT_EQ(plan->parameters, ModelBuilder()
                                  .add("one", "constant", {{"value", 1.0}})
                                  .add("gain", "gain", {{"k", 2.0}})
                                  .connect("one.y", "gain.u")
                                  .compile(0.01)
                                  .parameters)
      << "the shared plan is not changed";
}

TEST(Tuning, ChangesThatNeedACompileAreRefused) {
  const auto plan = ModelBuilder()
                        .add("total", "sum", {{"signs", "++"}})
                        .add("sampled", "gain", {{"sample_time", 0.02}})
                        .compile(0.01);
  const auto& registry = testing_support::registry();
  core::Component sum;
  sum.name = "total";
  sum.type = "sum";
  sum.parameters =
      core::merge_parameters(*registry.find("sum"), nlohmann::json::object(), {{"signs", "++"}});
  const auto three_inputs =
      core::merge_parameters(*registry.find("sum"), sum.parameters, {{"signs", "+++"}});
  try {
    pack_parameters(plan, component_index(plan, "total"), registry, sum, three_inputs);
    FAIL() << "packed";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.type_slug(), "not-tunable");
    EXPECT_NE(std::string(error.what()).find("ports"), std::string::npos) << error.what();
  }

  core::Component gain;
  gain.name = "sampled";
  gain.type = "gain";
  gain.parameters = core::merge_parameters(*registry.find("gain"), nlohmann::json::object(),
                                           {{"sample_time", 0.02}});
  const auto faster =
      core::merge_parameters(*registry.find("gain"), gain.parameters, {{"sample_time", 0.01}});
  EXPECT_THROW(pack_parameters(plan, component_index(plan, "sampled"), registry, gain, faster),
               core::Error);
}

std::shared_ptr<const Plan> clock_plan() {
  return std::make_shared<const Plan>(ModelBuilder().add("time", "clock").compile(0.001));
}

TEST(LiveTap, TakesEveryStepSinceTheLastTake) {
  const auto plan = clock_plan();
  SimulationRun run(plan, RunSettings{});
  const auto tap = run.open_tap({signal_index(*plan, "time.y")}, 100);
  for (int i = 0; i < 5; ++i)
    run.step_once();
  auto taken = run.take_tap(tap);
  ASSERT_EQ(taken.time_ns.size(), 5U);
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(taken.time_ns[k], static_cast<std::int64_t>(k) * 1'000'000);
    EXPECT_NEAR(taken.values[k], 0.001 * static_cast<double>(k), 1e-15);
  }
  EXPECT_EQ(taken.statistics.steps_done, 5);
  EXPECT_EQ(taken.statistics.state, RunState::paused);
  EXPECT_TRUE(run.take_tap(tap).time_ns.empty()) << "nothing new";
  run.step_once();
  taken = run.take_tap(tap);
  ASSERT_EQ(taken.time_ns.size(), 1U);
  EXPECT_EQ(taken.time_ns[0], 5'000'000);
  run.close_tap(tap);
  EXPECT_TRUE(run.take_tap(tap).time_ns.empty()) << "a closed tap gives nothing";
}

TEST(LiveTap, AFullTapThinsEvenlyAndKeepsTheLatestStep) {
  const auto plan = clock_plan();
  SimulationRun run(plan, RunSettings{});
  const auto tap = run.open_tap({signal_index(*plan, "time.y")}, 10);
  for (int i = 0; i < 1003; ++i)
    run.step_once();
  const auto taken = run.take_tap(tap);
  ASSERT_GE(taken.time_ns.size(), 5U);
  ASSERT_LE(taken.time_ns.size(), 11U);
  EXPECT_EQ(taken.time_ns.front(), 0);
  EXPECT_EQ(taken.time_ns.back(), 1'002'000'000) << "the latest step is always there";
  // Apart from the latest step, the samples are evenly spaced.
  const std::int64_t spacing = taken.time_ns[1] - taken.time_ns[0];
  for (std::size_t i = 1; i + 1 < taken.time_ns.size(); ++i) {
    EXPECT_EQ(taken.time_ns[i] - taken.time_ns[i - 1], spacing) << i;
  }
  for (std::size_t i = 0; i < taken.time_ns.size(); ++i) {
    EXPECT_NEAR(taken.values[i], static_cast<double>(taken.time_ns[i]) * 1e-9, 1e-12);
  }
}

}  // namespace
}  // namespace twinloop::sim

namespace twinloop::sim {
namespace {

// Counts the reports of a run's end and what the run said when it ended.
struct EndCounter {
  std::atomic<int> count{0};
  std::atomic<int> state{-1};
  RunSettings settings(std::optional<std::int64_t> last_step) {
    RunSettings run_settings;
    run_settings.last_step = last_step;
    run_settings.on_end = [this](const SimulationRun& run) {
      state = static_cast<int>(run.statistics().state);
      ++count;
    };
    return run_settings;
  }
  // The report of a worker comes after the state change that wait_until_ended sees.
  void wait_for_report() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (count == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
  }
};

TEST(RunEnd, ACompletedRunReportsOnce) {
  EndCounter ends;
  {
    SimulationRun run(clock_plan(), ends.settings(100));
    run.start();
    run.wait_until_ended();
    ends.wait_for_report();
    EXPECT_EQ(ends.count, 1);
    EXPECT_EQ(ends.state, static_cast<int>(RunState::completed));
  }
  EXPECT_EQ(ends.count, 1) << "destroying an ended run reports nothing more";
}

TEST(RunEnd, StoppingARunThatNeverStartedReportsOnce) {
  EndCounter ends;
  {
    SimulationRun run(clock_plan(), ends.settings(std::nullopt));
    EXPECT_TRUE(run.stop());
    EXPECT_EQ(ends.count, 1) << "on the stopping thread, before stop returns";
    EXPECT_EQ(ends.state, static_cast<int>(RunState::stopped));
    EXPECT_FALSE(run.stop());
  }
  EXPECT_EQ(ends.count, 1);
}

TEST(RunEnd, SingleStepsToTheEndReportOnce) {
  EndCounter ends;
  SimulationRun run(clock_plan(), ends.settings(1));
  EXPECT_TRUE(run.step_once());
  EXPECT_EQ(ends.count, 0);
  EXPECT_TRUE(run.step_once());
  EXPECT_EQ(ends.count, 1);
  EXPECT_EQ(ends.state, static_cast<int>(RunState::completed));
  EXPECT_FALSE(run.step_once());
}

TEST(RunEnd, SingleStepsToTheEndOfAPausedWorkerLetItGo) {
  EndCounter ends;
  {
    SimulationRun run(clock_plan(), ends.settings(3));
    run.start();
    run.pause();
    while (run.step_once()) {
    }
    EXPECT_EQ(run.wait_until_ended(), RunState::completed);
    ends.wait_for_report();
    EXPECT_EQ(ends.count, 1);
  }  // would wait for ever if the paused worker were not woken
  EXPECT_EQ(ends.count, 1);
}

TEST(RunEnd, DestroyingARunningRunReportsItStopped) {
  EndCounter ends;
  {
    SimulationRun run(clock_plan(), ends.settings(std::nullopt));
    run.start();
  }
  EXPECT_EQ(ends.count, 1);
  EXPECT_EQ(ends.state, static_cast<int>(RunState::stopped));
}

}  // namespace
}  // namespace twinloop::sim

namespace twinloop::sim {
namespace {

TEST(LatencyHistogram, QuantilesAreNeverLowAndAtMostFivePercentHigh) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.quantile(0.99), 0.0);
  for (int i = 1; i <= 10'000; ++i)
    histogram.add(static_cast<double>(i) * 1e-6);  // 1 µs..10 ms
  EXPECT_EQ(histogram.count(), 10'000);
  for (const double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    const double exact = q * 10'000 * 1e-6;
    EXPECT_GE(histogram.quantile(q), exact * (1 - 1e-12)) << q;
    EXPECT_LE(histogram.quantile(q), exact * 1.05) << q;
  }
  EXPECT_DOUBLE_EQ(histogram.max(), 0.01);
  EXPECT_LE(histogram.quantile(1.0), 0.01) << "the maximum bounds the top quantile";
}

TEST(LatencyHistogram, EarlyAndHugeValuesLandInTheEndBuckets) {
  LatencyHistogram histogram;
  histogram.add(-1e-3);
  histogram.add(0.0);
  histogram.add(1e6);
  EXPECT_EQ(histogram.quantile(0.5), 1e-6);
  EXPECT_EQ(histogram.max(), 1e6);
  EXPECT_LE(histogram.quantile(1.0), 1e6);
  EXPECT_GT(histogram.quantile(1.0), 100.0);
}

}  // namespace
}  // namespace twinloop::sim

namespace twinloop::sim {
namespace {

// 1,000 components of many kinds, seeded random sources among them, wired in feedthrough
// chains and feedback loops through states.
Plan thousand_component_plan() {
  ModelBuilder model;
  model.add("noise", "random", {{"seed", 42}});
  model.add("wave", "sine", {{"frequency", 3.0}, {"amplitude", 2.0}});
  std::string previous = "noise.y";
  for (int i = 0; i < 998; ++i) {
    const std::string name = "c" + std::to_string(i);
    switch (i % 7) {
      case 0:
        model.add(name, "pt1", {{"t", 0.05 + 0.001 * i}});
        model.connect(previous, name + ".u");
        break;
      case 1:
        model.add(name, "sum", {{"signs", "+-"}});
        model.connect(previous, name + ".u1");
        model.connect("wave.y", name + ".u2");
        break;
      case 2:
        model.add(name, "gain", {{"k", 0.97}});
        model.connect(previous, name + ".u");
        break;
      case 3:
        model.add(name, "integrator", {{"initial", 0.1}});
        model.connect(previous, name + ".u");
        break;
      case 4:
        model.add(name, "unit_delay");
        model.connect(previous, name + ".u");
        break;
      case 5:
        model.add(name, "product", {{"ops", "**"}});
        model.connect(previous, name + ".u1");
        model.connect("noise.y", name + ".u2");
        break;
      default:
        model.add(name, "saturation", {{"lower", -5.0}, {"upper", 5.0}});
        model.connect(previous, name + ".u");
        break;
    }
    previous = name + ".y";
  }
  return model.compile(0.001);
}

TEST(Determinism, TwoRunsOfAThousandComponentsRecordTheSameBits) {
  const auto plan = std::make_shared<const Plan>(thousand_component_plan());
  ASSERT_EQ(plan->components.size(), 1000U);
  const auto record_everything = [&] {
    RunSettings settings;
    settings.last_step = 2000;
    for (std::uint32_t i = 0; i < plan->signals.size(); ++i)
      settings.recorded.push_back(i);
    SimulationRun run(plan, settings);
    run.start();
    EXPECT_EQ(run.wait_until_ended(), RunState::completed);
    return run.recording();
  };
  const auto first = record_everything();
  const auto second = record_everything();
  ASSERT_EQ(first.values.size(), 2001 * plan->signals.size());
  ASSERT_EQ(first.values.size(), second.values.size());
  EXPECT_EQ(first.time_ns, second.time_ns);
  EXPECT_EQ(
      std::memcmp(first.values.data(), second.values.data(), first.values.size() * sizeof(double)),
      0);
  // The model does something: the chain's end moves.
  const std::size_t width = plan->signals.size();
  EXPECT_NE(first.values[width - 1], first.values[2000 * width + width - 1]);
}

}  // namespace
}  // namespace twinloop::sim

namespace twinloop::sim {
namespace {

// A type whose blocks count steps in a per-run object and ask to end the run at a step.
std::atomic<int> live_counters{0};

struct StepCounter final : BlockInstance {
  explicit StepCounter(double end_at) : end_at_step(end_at) { ++live_counters; }
  ~StepCounter() override { --live_counters; }
  StepCounter(const StepCounter&) = delete;
  StepCounter& operator=(const StepCounter&) = delete;
  double steps = 0;
  double end_at_step;
};

TypeRegistry counting_registry() {
  TypeRegistry registry;
  core::ComponentTypeInfo info;
  info.type = "counter";
  info.category = "test";
  info.description = "counts its steps in a per-run object";
  core::ParameterSpec end_at;
  end_at.name = "end_at";
  end_at.default_value = 1e9;
  info.parameters.push_back(end_at);
  info.ports = [](const nlohmann::json&) {
    core::Ports ports;
    ports.outputs.push_back(core::PortSpec{"y", core::SignalType::real, "", 0.0, false, ""});
    return ports;
  };
  registry.add(
      info,
      BlockBehaviour([](const nlohmann::json&, double, std::size_t) { return BlockSetup{}; },
                     [](const BlockCall& call) {
                       auto& counter = *static_cast<StepCounter*>(call.instance);
                       call.outputs[0] = ++counter.steps;
                       if (counter.steps >= counter.end_at_step) {
                         call.events->request_end("the counter reached its end");
                       }
                     },
                     nullptr,
                     [](const nlohmann::json& parameters, double, const std::string&) {
                       return std::make_unique<StepCounter>(parameters.at("end_at").get<double>());
                     }));
  return registry;
}

Plan counting_plan(const TypeRegistry& registry, double end_at) {
  core::Component component;
  component.id = 1;
  component.name = "count";
  component.type = "counter";
  component.parameters = core::merge_parameters(*registry.find("counter"), nlohmann::json::object(),
                                                {{"end_at", end_at}});
  return compile({component}, {}, registry, CompileOptions{1'000'000});
}

TEST(BlockInstances, LiveAsLongAsTheirSimulatorAndStartAfreshOnReset) {
  const auto registry = counting_registry();
  const auto plan = std::make_shared<const Plan>(counting_plan(registry, 1e9));
  EXPECT_EQ(live_counters, 0) << "compiling makes none";
  {
    Simulator first(plan);
    Simulator second(plan);
    EXPECT_EQ(live_counters, 2) << "one per simulator";
    first.step();
    first.step();
    second.step();
    EXPECT_EQ(first.signals()[0], 2.0);
    EXPECT_EQ(second.signals()[0], 1.0) << "each run has its own";
    first.reset();
    EXPECT_EQ(live_counters, 2);
    first.step();
    EXPECT_EQ(first.signals()[0], 1.0) << "a reset starts a new object";
  }
  EXPECT_EQ(live_counters, 0);
}

TEST(BlockInstances, ABlockEndsTheRunCleanlyAtTheStepItAsks) {
  const auto registry = counting_registry();
  const auto plan = std::make_shared<const Plan>(counting_plan(registry, 5));
  RunSettings settings;
  settings.last_step = 100;
  settings.recorded = {0};
  SimulationRun run(plan, settings);
  run.start();
  EXPECT_EQ(run.wait_until_ended(), RunState::completed);
  const auto statistics = run.statistics();
  EXPECT_EQ(statistics.steps_done, 5) << "the step that asked is the last one computed";
  EXPECT_EQ(statistics.end_reason, "the counter reached its end");
  EXPECT_EQ(run.recording().values.back(), 5.0);
}

}  // namespace
}  // namespace twinloop::sim

namespace twinloop::sim {
namespace {

TEST(RealtimePriority, APacedRunUnderSchedFifoCompletesOrSaysWhyNot) {
  RunSettings settings;
  settings.last_step = 50;
  settings.realtime_factor = 1.0;
  settings.realtime_priority = 10;
  SimulationRun run(clock_plan(), settings);
  run.start();
  EXPECT_EQ(run.wait_until_ended(), RunState::completed);
  const auto warning = run.statistics().warning;
  EXPECT_TRUE(warning.empty() || warning.find("refused") != std::string::npos) << warning;
}

}  // namespace
}  // namespace twinloop::sim

namespace twinloop::sim {
namespace {

// A stand-in for a PLC exchange: before each step it "reads" a counter and feeds it to
// gain.u; after each step it keeps what gain.y computed.
class CountingPlc final : public StepHook {
 public:
  CountingPlc(const Plan& plan, SimulationRun*& run) : run_(run) {
    for (std::uint32_t i = 0; i < plan.inputs.size(); ++i) {
      if (plan.inputs[i].name == "gain.u") input_ = i;
    }
    output_slot_ = plan.signals[signal_index(plan, "gain.y")].slot;
  }
  bool exchange_before(std::int64_t step) override {
    // Without the run's lock: asking for the run's status here must not wait for ever.
    if (run_ != nullptr) seen_states.push_back(run_->statistics().state);
    if (step == pause_at) return false;
    if (step == fail_at) throw std::runtime_error("the PLC went away");
    plc_value = static_cast<double>(step);
    return true;
  }
  void apply(Simulator& simulator) override { simulator.set_override(input_, plc_value); }
  void capture(const Simulator& simulator) override {
    written.push_back(simulator.signals()[output_slot_]);
  }
  void run_starting() override {
    ++starts;
    steps_at_start = static_cast<std::int64_t>(written.size());
    if (fail_starting) throw std::runtime_error("the PLC is not there");
  }
  void run_ended() override { ++ends; }

  bool fail_starting = false;
  int starts = 0;
  std::int64_t steps_at_start = -2;
  std::int64_t pause_at = -1;
  std::int64_t fail_at = -1;
  double plc_value = 0;
  std::vector<double> written;
  std::vector<RunState> seen_states;
  int ends = 0;

 private:
  SimulationRun*& run_;
  std::uint32_t input_ = 0;
  std::uint32_t output_slot_ = 0;
};

std::shared_ptr<const Plan> gain_plan() {
  return std::make_shared<const Plan>(
      ModelBuilder().add("gain", "gain", {{"k", 2.0}}).compile(0.001));
}

TEST(StepHooks, ExchangeAroundEveryStepWithoutHoldingTheRun) {
  const auto plan = gain_plan();
  SimulationRun* running = nullptr;
  auto plc = std::make_shared<CountingPlc>(*plan, running);
  RunSettings settings;
  settings.last_step = 9;
  settings.hooks = {plc};
  SimulationRun run(plan, settings);
  running = &run;
  run.start();
  EXPECT_EQ(run.wait_until_ended(), RunState::completed);
  ASSERT_EQ(plc->written.size(), 10U);
  for (std::size_t k = 0; k < 10; ++k)
    EXPECT_EQ(plc->written[k], 2.0 * static_cast<double>(k));
  EXPECT_EQ(plc->seen_states.size(), 10U);
  EXPECT_EQ(plc->ends, 1);
}

TEST(StepHooks, AHookPausesOrFailsTheRun) {
  const auto plan = gain_plan();
  SimulationRun* running = nullptr;
  auto plc = std::make_shared<CountingPlc>(*plan, running);
  plc->pause_at = 3;
  RunSettings settings;
  settings.hooks = {plc};
  SimulationRun run(plan, settings);
  run.start();
  while (run.statistics().state == RunState::running)
    std::this_thread::yield();
  EXPECT_EQ(run.statistics().state, RunState::paused);
  EXPECT_EQ(run.statistics().steps_done, 3) << "paused before step 3";

  plc->pause_at = -1;
  plc->fail_at = 5;
  run.resume();
  EXPECT_EQ(run.wait_until_ended(), RunState::failed);
  EXPECT_EQ(run.statistics().error, "the PLC went away");
  EXPECT_EQ(run.statistics().steps_done, 5);
}

TEST(StepHooks, ASingleStepByHandExchangesToo) {
  const auto plan = gain_plan();
  SimulationRun* none = nullptr;
  auto plc = std::make_shared<CountingPlc>(*plan, none);
  RunSettings settings;
  settings.hooks = {plc};
  SimulationRun run(plan, settings);
  run.step_once();
  run.step_once();
  EXPECT_EQ(plc->written, (std::vector<double>{0.0, 2.0}));
  EXPECT_EQ(plc->starts, 1);
}

TEST(StepHooks, RunStartingComesOnceBeforeStartReturns) {
  const auto plan = gain_plan();
  SimulationRun* none = nullptr;
  auto plc = std::make_shared<CountingPlc>(*plan, none);
  plc->pause_at = 2;
  RunSettings settings;
  settings.realtime_factor = 1.0;
  settings.hooks = {plc};
  SimulationRun run(plan, settings);
  EXPECT_EQ(plc->starts, 0);
  ASSERT_TRUE(run.start());
  EXPECT_EQ(plc->starts, 1);
  EXPECT_EQ(plc->steps_at_start, 0) << "before any step";
  while (run.statistics().state == RunState::running)
    std::this_thread::yield();
  plc->pause_at = -1;
  ASSERT_TRUE(run.resume());
  ASSERT_TRUE(run.stop());
  EXPECT_EQ(run.wait_until_ended(), RunState::stopped);
  EXPECT_EQ(plc->starts, 1) << "a resume is no new start";
}

TEST(StepHooks, AFailedStartFailsTheRunWithTheHooksMessage) {
  const auto plan = gain_plan();
  SimulationRun* none = nullptr;
  for (const bool by_hand : {false, true}) {
    auto plc = std::make_shared<CountingPlc>(*plan, none);
    plc->fail_starting = true;
    RunSettings settings;
    settings.hooks = {plc};
    SimulationRun run(plan, settings);
    ASSERT_TRUE(by_hand ? run.step_once() : run.start());
    EXPECT_EQ(run.wait_until_ended(), RunState::failed);
    EXPECT_EQ(run.statistics().error, "the PLC is not there");
    EXPECT_EQ(run.statistics().steps_done, 0);
    EXPECT_TRUE(plc->written.empty());
    EXPECT_EQ(plc->ends, 1);
  }
}

}  // namespace
}  // namespace twinloop::sim
