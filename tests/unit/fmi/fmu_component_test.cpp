// The component type `fmu`: FMUs inside models, run by the engine beside native components.
#include <cmath>
#include <map>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"
#include "twinloop/fmi/component_type.hpp"
#include "twinloop/sim/run.hpp"
#include "twinloop/sim/simulator.hpp"

namespace twinloop::fmi {
namespace {

using nlohmann::json;
using testing::TestFmu;

// Resolves ids to test FMUs unpacked for the test.
class TestResolver final : public FmuResolver {
 public:
  std::optional<std::filesystem::path> directory(std::int64_t fmu_id) const override {
    const auto found = directories_.find(fmu_id);
    if (found == directories_.end()) return std::nullopt;
    return found->second;
  }
  std::int64_t add(const std::filesystem::path& directory) {
    const auto id = static_cast<std::int64_t>(directories_.size() + 1);
    directories_[id] = directory;
    return id;
  }

 private:
  std::map<std::int64_t, std::filesystem::path> directories_;
};

class FmuComponent : public ::testing::Test {
 protected:
  FmuComponent() {
    sim::register_builtin_types(registry_);
    register_fmu_type(registry_, std::make_shared<FmuCatalogue>(resolver_));
  }

  std::int64_t upload(const std::string& name) {
    fmus_.push_back(std::make_unique<TestFmu>(name));
    return resolver_->add(fmus_.back()->directory());
  }

  FmuComponent& add(const std::string& name, const std::string& type, const json& parameters) {
    core::Component component;
    component.id = static_cast<core::Id>(components_.size() + 1);
    component.name = name;
    component.type = type;
    component.parameters =
        core::merge_parameters(*registry_.find(type), json::object(), parameters);
    components_.push_back(component);
    return *this;
  }

  FmuComponent& connect(const std::string& from, const std::string& to) {
    auto end = [this](const std::string& signal) {
      const auto dot = signal.find('.');
      for (const auto& component : components_) {
        if (component.name == signal.substr(0, dot)) {
          return core::PortRef{component.id, signal.substr(dot + 1)};
        }
      }
      throw std::invalid_argument("no component in " + signal);
    };
    core::Connection connection;
    connection.id = static_cast<core::Id>(connections_.size() + 1);
    connection.source = end(from);
    connection.target = end(to);
    connections_.push_back(connection);
    return *this;
  }

  std::shared_ptr<const sim::Plan> compile(double dt) const {
    return std::make_shared<const sim::Plan>(
        sim::compile(components_, connections_, registry_,
                     sim::CompileOptions{static_cast<std::int64_t>(std::llround(dt * 1e9))}));
  }

  static double signal(const sim::Simulator& simulator, const std::string& name) {
    for (const auto& planned : simulator.plan().signals) {
      if (planned.name == name) return simulator.signals()[planned.slot];
    }
    throw std::invalid_argument("no signal " + name);
  }

  // The message and field pointer with which these parameters of an fmu component are refused.
  std::pair<std::string, std::string> refusal(const json& parameters) const {
    try {
      core::merge_parameters(*registry_.find("fmu"), json::object(), parameters);
    } catch (const core::Error& error) {
      return {error.what(), error.fields().empty() ? "" : error.fields().front().pointer};
    }
    return {};
  }

  sim::TypeRegistry registry_;
  std::shared_ptr<TestResolver> resolver_ = std::make_shared<TestResolver>();
  std::vector<std::unique_ptr<TestFmu>> fmus_;
  std::vector<core::Component> components_;
  std::vector<core::Connection> connections_;
};

TEST_F(FmuComponent, PortsComeFromTheFmusVariablesWithTypesAndUnits) {
  const auto id = upload("feedthrough");
  const auto ports = registry_.find("fmu")->ports({{"fmu", id}});
  std::map<std::string, core::PortSpec> inputs;
  for (const auto& port : ports.inputs)
    inputs[port.name] = port;
  ASSERT_EQ(inputs.size(), 4u);
  EXPECT_EQ(inputs["real_in"].data_type, core::SignalType::real);
  EXPECT_EQ(inputs["int_in"].data_type, core::SignalType::integer);
  EXPECT_EQ(inputs["enum_in"].data_type, core::SignalType::integer);
  EXPECT_EQ(inputs["bool_in"].data_type, core::SignalType::boolean);
  for (const auto& [name, port] : inputs)
    EXPECT_FALSE(port.feedthrough) << name << ": co-simulation has none";
  std::vector<std::string> outputs;
  for (const auto& port : ports.outputs)
    outputs.push_back(port.name);
  EXPECT_EQ(outputs, (std::vector<std::string>{"real_out", "int_out", "enum_out", "label_length",
                                               "bool_out"}))
      << "the String output has no port";

  const auto ball = registry_.find("fmu")->ports({{"fmu", upload("bouncing_ball")}});
  ASSERT_FALSE(ball.outputs.empty());
  EXPECT_EQ(ball.outputs[0].name, "h");
  EXPECT_EQ(ball.outputs[0].unit, "m");
  EXPECT_EQ(ball.outputs[0].default_value, 1.0);
}

TEST_F(FmuComponent, RefusesBadParametersNamingTheField) {
  const auto pt1 = upload("pt1");
  EXPECT_EQ(refusal(json::object()).second, "/parameters/fmu");
  EXPECT_NE(refusal(json::object()).first.find("needs parameter 'fmu'"), std::string::npos);
  const auto [unknown_id, unknown_pointer] = refusal({{"fmu", 99}});
  EXPECT_NE(unknown_id.find("there is no FMU with id 99"), std::string::npos) << unknown_id;
  EXPECT_EQ(unknown_pointer, "/parameters/fmu");

  const auto [unknown, pointer] = refusal({{"fmu", pt1}, {"values", {{"Q", 1}}}});
  EXPECT_EQ(pointer, "/parameters/values/Q");
  EXPECT_EQ(unknown, "the FMU 'PT1' has no variable 'Q' (parameters a component may set: K, T)");
  EXPECT_EQ(refusal({{"fmu", pt1}, {"values", {{"u", 1}}}}).second, "/parameters/values/u")
      << "an input is no parameter";
  EXPECT_EQ(refusal({{"fmu", pt1}, {"values", {{"K", "two"}}}}).first,
            "the FMU parameter 'K' is Float64, so its value must be a number");
  EXPECT_EQ(refusal({{"fmu", pt1}, {"values", 3}}).second, "/parameters/values");
  EXPECT_EQ(refusal({{"fmu", pt1}, {"interface", "model_exchange"}}).first,
            "the FMU 'PT1' does not implement ModelExchange");
  EXPECT_EQ(refusal({{"fmu", pt1}, {"solver", "euler"}}).second, "/parameters/solver");

  const auto ball = upload("bouncing_ball");
  EXPECT_EQ(refusal({{"fmu", ball}, {"values", {{"e", 1.5}}}}).first,
            "the FMU parameter 'e' must be at most 1, got 1.5");
  EXPECT_EQ(refusal({{"fmu", pt1}, {"values", {{"K", 3}}}}).first, "");
}

TEST_F(FmuComponent, CoSimulationFirstOrderLagFollowsTheAnalyticResponse) {
  const auto pt1 = upload("pt1");
  add("source", "constant", {{"value", 1.0}});
  add("lag", "fmu", {{"fmu", pt1}, {"values", {{"K", 2.0}, {"T", 0.5}}}});
  connect("source.y", "lag.u");
  const double dt = 0.01;
  sim::Simulator simulator(compile(dt));
  for (int k = 0; k <= 300; ++k) {
    simulator.step();
    // A co-simulation output in step k is where the FMU's step from t_(k-1) arrived.
    const double t = k * dt;
    ASSERT_NEAR(signal(simulator, "lag.y"), 2.0 * (1.0 - std::exp(-t / 0.5)), 1e-12) << t;
  }
}

TEST_F(FmuComponent, BreaksAlgebraicLoopsAndPassesValuesBothWays) {
  // real_out = gain * real_in inside the FMU, a native gain feeds it its own output back.
  const auto feedthrough = upload("feedthrough");
  add("fmu", "fmu", {{"fmu", feedthrough}, {"values", {{"gain", 1.0}}}});
  add("half", "gain", {{"k", 0.5}});
  add("plus", "sum", {{"signs", "++"}});
  add("one", "constant", {{"value", 1.0}});
  connect("fmu.real_out", "half.u");
  connect("half.y", "plus.u1");
  connect("one.y", "plus.u2");
  connect("plus.y", "fmu.real_in");
  sim::Simulator simulator(compile(0.1));
  // x_(k+1) = x_k / 2 + 1 from x_0 = 0, exactly representable, so compared exactly.
  double expected = 0.0;
  for (int k = 0; k < 40; ++k) {
    simulator.step();
    ASSERT_EQ(signal(simulator, "fmu.real_out"), expected) << "step " << k;
    ASSERT_EQ(signal(simulator, "plus.y"), expected / 2 + 1) << "step " << k;
    expected = expected / 2 + 1;
  }
}

TEST_F(FmuComponent, ModelExchangeBouncingBallBouncesAtTheAnalyticTimes) {
  const auto ball = upload("bouncing_ball");
  add("ball", "fmu", {{"fmu", ball}, {"tolerance", 1e-10}});
  sim::Simulator simulator(compile(0.01));
  const double g = 9.81;
  const double e = 0.7;
  std::vector<double> impacts{std::sqrt(2.0 / g)};
  double speed = g * impacts.front() * e;
  for (int i = 0; i < 8; ++i) {
    impacts.push_back(impacts.back() + 2 * speed / g);
    speed *= e;
  }
  std::size_t seen = 0;
  for (int k = 0; k <= 250 && seen < impacts.size(); ++k) {
    simulator.step();
    const auto bounces = static_cast<std::size_t>(signal(simulator, "ball.bounces"));
    if (bounces == seen) continue;
    ASSERT_EQ(bounces, seen + 1) << "t = " << k * 0.01;
    EXPECT_NEAR(signal(simulator, "ball.last_impact"), impacts[seen], 1e-9) << "impact " << bounces;
    EXPECT_LE(impacts[seen], k * 0.01);
    EXPECT_GT(impacts[seen], (k - 1) * 0.01) << "reported in the first step after the impact";
    seen = bounces;
  }
  EXPECT_EQ(seen, impacts.size());
}

TEST_F(FmuComponent, ModelExchangeTimeEventsHappenAtExactTimesAndInputsFeedThrough) {
  // The stair steps up at k * period; y = (counter + offset) * height depends on offset at once.
  const auto stair = upload("stair");
  add("stair", "fmu", {{"fmu", stair}, {"values", {{"period", 0.25}}}});
  const auto plan = compile(0.1);
  EXPECT_TRUE(registry_.find("fmu")->ports(components_[0].parameters).inputs[0].feedthrough);
  sim::Simulator simulator(plan);
  for (int k = 0; k <= 30; ++k) {
    const int offset = k >= 20 ? 10 : 0;
    if (k == 20) simulator.set_override(0, offset);
    simulator.step();
    const double t = k * 0.1;
    int expected = 0;
    while ((expected + 1) * 0.25 <= t + 1e-12)
      ++expected;
    ASSERT_EQ(signal(simulator, "stair.counter"), expected) << "t = " << t;
    EXPECT_EQ(signal(simulator, "stair.y"), expected + offset) << "t = " << t;
    if (expected > 0) {
      EXPECT_EQ(signal(simulator, "stair.last_event_time"), expected * 0.25);
    }
  }
}

TEST_F(FmuComponent, AnFmuThatAsksToTerminateEndsTheRunCleanly) {
  const auto faulty = upload("faulty");
  add("track", "fmu", {{"fmu", faulty}, {"values", {{"mode", 1}, {"fail_at", 0.35}}}});
  sim::RunSettings settings;
  settings.last_step = 100;
  sim::SimulationRun run(compile(0.1), settings);
  run.start();
  EXPECT_EQ(run.wait_until_ended(), sim::RunState::completed);
  const auto statistics = run.statistics();
  EXPECT_EQ(statistics.steps_done, 4) << "steps 0..3; the one from 0.3 stopped at 0.35";
  EXPECT_EQ(statistics.end_reason, "FMU instance 'track' asked to terminate at t = 0.35 s");
}

TEST_F(FmuComponent, AnErrorFromDoStepFailsTheRunWithTheFmusMessage) {
  const auto faulty = upload("faulty");
  add("drive", "fmu", {{"fmu", faulty}, {"values", {{"fail_at", 0.25}}}});
  sim::RunSettings settings;
  settings.last_step = 100;
  sim::SimulationRun run(compile(0.125), settings);
  run.start();
  EXPECT_EQ(run.wait_until_ended(), sim::RunState::failed);
  EXPECT_NE(run.statistics().error.find("FMU instance \"drive\": fmi2DoStep returned Error at t = "
                                        "0.25 (the FMU logged: simulated failure"),
            std::string::npos)
      << run.statistics().error;
}

TEST_F(FmuComponent, EachComponentIsItsOwnInstanceAndEachRunStartsAfresh) {
  const auto pt1 = upload("pt1");
  add("source", "constant", {{"value", 1.0}});
  add("fast", "fmu", {{"fmu", pt1}, {"values", {{"T", 0.1}}}});
  add("slow", "fmu", {{"fmu", pt1}, {"values", {{"T", 1.0}}}});
  connect("source.y", "fast.u");
  connect("source.y", "slow.u");
  const auto plan = compile(0.01);
  sim::Simulator first(plan);
  for (int k = 0; k <= 10; ++k)
    first.step();
  EXPECT_NEAR(signal(first, "fast.y"), 1.0 - std::exp(-1.0), 1e-12);
  EXPECT_NEAR(signal(first, "slow.y"), 1.0 - std::exp(-0.1), 1e-12);
  first.reset();
  first.step();
  EXPECT_EQ(signal(first, "fast.y"), 0.0);
}

TEST_F(FmuComponent, TuningATunableParameterWhileRunningReachesTheFmu) {
  // K is tunable, T fixed: after K changes from 1 to 3 at t = 1 the lag heads for 3.
  const auto pt1 = upload("pt1");
  add("source", "constant", {{"value", 1.0}});
  add("lag", "fmu", {{"fmu", pt1}, {"values", {{"T", 0.1}}}});
  connect("source.y", "lag.u");
  const auto plan = compile(0.01);
  sim::Simulator simulator(plan);
  for (int k = 0; k <= 100; ++k)
    simulator.step();
  EXPECT_NEAR(signal(simulator, "lag.y"), 1.0, 1e-4);
  core::Component tuned = components_[1];
  tuned.parameters = core::merge_parameters(*registry_.find("fmu"), tuned.parameters,
                                            {{"values", {{"T", 0.1}, {"K", 3.0}}}});
  simulator.set_parameters(
      1, sim::pack_parameters(*plan, 1, registry_, components_[1], tuned.parameters));
  for (int k = 0; k < 100; ++k)
    simulator.step();
  EXPECT_NEAR(signal(simulator, "lag.y"), 3.0, 1e-3);
}

TEST_F(FmuComponent, Fmi3ArraysStringsAndBinariesMapToPortsAndValues) {
  const auto feedthrough3 = upload("feedthrough3");
  add("ft", "fmu",
      {{"fmu", feedthrough3},
       {"values", {{"scale", {1, 2, 3}}, {"label", "twinloop"}, {"blob", "0a0b0c"}}}});
  const auto ports = registry_.find("fmu")->ports(components_[0].parameters);
  std::map<std::string, core::PortSpec> by_name;
  for (const auto* list : {&ports.inputs, &ports.outputs}) {
    for (const auto& port : *list)
      by_name[port.name] = port;
  }
  EXPECT_EQ(by_name.at("f64_out").unit, "km/h");
  EXPECT_EQ(by_name.at("u64_in").data_type, core::SignalType::integer);
  EXPECT_EQ(by_name.at("bool_out").data_type, core::SignalType::boolean);
  EXPECT_TRUE(by_name.contains("vec_in[3]"));
  EXPECT_TRUE(by_name.contains("matrix_out[2,2]"));
  EXPECT_FALSE(by_name.contains("label")) << "String parameters have no port";

  const auto plan = compile(0.1);
  sim::Simulator simulator(plan);
  for (std::uint32_t i = 0; i < plan->inputs.size(); ++i) {
    if (plan->inputs[i].name.starts_with("ft.vec_in[")) simulator.set_override(i, 1.0);
    if (plan->inputs[i].name == "ft.i8_in") simulator.set_override(i, -7.0);
  }
  simulator.step();
  simulator.step();
  EXPECT_EQ(signal(simulator, "ft.vec_out[1]"), 1.0);
  EXPECT_EQ(signal(simulator, "ft.vec_out[2]"), 2.0);
  EXPECT_EQ(signal(simulator, "ft.vec_out[3]"), 3.0);
  EXPECT_EQ(signal(simulator, "ft.i8_out"), -7.0);
  EXPECT_EQ(signal(simulator, "ft.label_length"), 8.0);
  EXPECT_EQ(signal(simulator, "ft.blob_size"), 3.0);
  EXPECT_EQ(signal(simulator, "ft.blob_first"), 10.0);

  EXPECT_EQ(refusal({{"fmu", feedthrough3}, {"values", {{"scale", {1, 2}}}}}).first,
            "the FMU parameter 'scale' is an array of 3 elements, so its value must be a list of "
            "3 numbers");
  EXPECT_EQ(refusal({{"fmu", feedthrough3}, {"values", {{"scale", {1, "x", 3}}}}}).second,
            "/parameters/values/scale/1");
  EXPECT_EQ(refusal({{"fmu", feedthrough3}, {"values", {{"rows", 3}}}}).second,
            "/parameters/values/rows")
      << "structural parameters cannot be set";
  EXPECT_EQ(refusal({{"fmu", feedthrough3}, {"values", {{"label", 5}}}}).first,
            "the FMU parameter 'label' is String, so its value must be a string");
}

TEST_F(FmuComponent, CompilingAModelWhoseFmuIsGoneSaysWhich) {
  const auto pt1 = upload("pt1");
  add("lag", "fmu", {{"fmu", pt1}});
  fmus_.clear();
  resolver_ = std::make_shared<TestResolver>();
  sim::TypeRegistry registry;
  register_fmu_type(registry, std::make_shared<FmuCatalogue>(resolver_));
  EXPECT_ERROR_CONTAINING(
      sim::compile(components_, connections_, registry, sim::CompileOptions{10'000'000}),
      "component 'lag': there is no FMU with id 1");
}

}  // namespace
}  // namespace twinloop::fmi
