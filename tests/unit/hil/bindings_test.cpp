// The binding exchange against an OPC UA server of our own standing in for a PLC: what is read
// drives inputs, what is written reaches the nodes, and a PLC that is missing, goes away or
// comes back is handled by the endpoint's fault policy.
#include "twinloop/hil/bindings.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "model_builder.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/opcua/server.hpp"

namespace twinloop::hil {
namespace {

using namespace std::chrono_literals;
using opcua::BuiltinType;
using opcua::NodeId;
using opcua::Variant;
using sim::testing_support::ModelBuilder;

constexpr std::uint16_t plc_namespace = 1;

NodeId plc_node(const std::string& name) {
  return NodeId(plc_namespace, name);
}

// gain.y = 2 * gain.u.
std::shared_ptr<const sim::Plan> gain_plan() {
  return std::make_shared<const sim::Plan>(
      ModelBuilder().add("gain", "gain", {{"k", 2.0}}).compile(0.01));
}

// A PLC's address space: `u` (Double, read by the twin), `y` (Double) and `small` (Int16)
// written by it, `locked` (Double, read-only).
class FakePlc {
 public:
  explicit FakePlc(std::uint16_t port = 0) {
    opcua::ServerConfig config;
    config.port = port;
    server_ = std::make_unique<opcua::Server>(config);
    const NodeId objects(opcua::id::ObjectsFolder);
    const auto add = [&](const std::string& name, BuiltinType type, bool writable, Variant value) {
      opcua::VariableOptions options;
      options.id = plc_node(name);
      options.browse_name = name;
      options.data_type = NodeId(static_cast<std::uint32_t>(type));
      options.value = std::move(value);
      if (writable) options.access_level |= opcua::access_level::CurrentWrite;
      return server_->add_variable(objects, options);
    };
    u = add("u", BuiltinType::Double, true, Variant(0.0));
    y = add("y", BuiltinType::Double, true, Variant(0.0));
    small = add("small", BuiltinType::Int16, true, Variant(std::int16_t{0}));
    locked = add("locked", BuiltinType::Double, false, Variant(0.0));
    server_->start();
  }

  std::uint16_t port() const { return server_->port(); }
  std::string url() const { return fmt::format("opc.tcp://127.0.0.1:{}", port()); }
  opcua::Server& server() { return *server_; }
  double value(opcua::VariableHandle variable) const {
    return server_->value(variable).value.to_double().value_or(-1.0);
  }

  opcua::VariableHandle u, y, small, locked;

 private:
  std::unique_ptr<opcua::Server> server_;
};

EndpointConfig endpoint_at(const std::string& url, FaultPolicy policy = FaultPolicy::hold) {
  EndpointConfig config;
  config.id = 1;
  config.name = "plc";
  config.url = url;
  config.connect_timeout = 2000ms;
  config.request_timeout = 2000ms;
  config.fault_policy = policy;
  config.reconnect_min_delay = 20ms;
  config.reconnect_max_delay = 100ms;
  return config;
}

BindingConfig binding(std::int64_t id, std::string signal, std::string node, Direction direction) {
  BindingConfig config;
  config.id = id;
  config.endpoint_id = 1;
  config.signal = std::move(signal);
  config.node = plc_node(node);
  config.direction = direction;
  return config;
}

std::vector<BindingConfig> gain_bindings() {
  return {binding(1, "gain.u", "u", Direction::read), binding(2, "gain.y", "y", Direction::write)};
}

// A run of the gain plan with its bindings exchanging.
struct BoundRun {
  BoundRun(const std::string& url, FaultPolicy policy, std::vector<BindingConfig> bindings,
           double realtime_factor = 0.0) {
    const auto plan = gain_plan();
    exchange = std::make_shared<BindingExchange>(plan, std::vector{endpoint_at(url, policy)},
                                                 std::move(bindings),
                                                 realtime_factor > 0 ? 0.01 / realtime_factor : 0);
    sim::RunSettings settings;
    settings.realtime_factor = realtime_factor;
    settings.hooks.push_back(exchange);
    run = std::make_unique<sim::SimulationRun>(plan, settings);
    exchange->attach(*run);
  }
  EndpointStatus status() const { return exchange->status().at(0); }

  std::shared_ptr<BindingExchange> exchange;
  std::unique_ptr<sim::SimulationRun> run;
};

// Polls `done` for up to 10 s (a generous bound for a loaded machine, not a timing check).
template <class Condition>
bool eventually(Condition done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

// A port on which nothing listens now.
std::uint16_t free_port() {
  FakePlc probe;
  const auto port = probe.port();
  probe.server().stop();
  return port;
}

TEST(Bindings, ReadFeedsTheInputAndWriteSendsTheOutputEachStep) {
  FakePlc plc;
  BoundRun bound(plc.url(), FaultPolicy::fail, gain_bindings());
  plc.server().set_value(plc.u, Variant(3.0));
  ASSERT_TRUE(bound.run->step_once());
  // The Write goes out after the step; its answer is awaited at the next exchange.
  EXPECT_TRUE(eventually([&] { return plc.value(plc.y) == 6.0; })) << plc.value(plc.y);
  plc.server().set_value(plc.u, Variant(5.0));
  ASSERT_TRUE(bound.run->step_once());
  EXPECT_TRUE(eventually([&] { return plc.value(plc.y) == 10.0; })) << plc.value(plc.y);

  const auto status = bound.status();
  EXPECT_EQ(status.state, EndpointStatus::State::connected);
  EXPECT_EQ(status.cycles, 2u);
  EXPECT_EQ(status.errors, 0u) << status.last_error;
  EXPECT_EQ(status.bindings, 2u);
  EXPECT_GT(status.last_exchange_seconds, 0.0);
  EXPECT_GE(status.p99_exchange_seconds, status.last_exchange_seconds * 0.9);
  ASSERT_TRUE(bound.run->stop());
  bound.run->wait_until_ended();
  EXPECT_EQ(bound.status().state, EndpointStatus::State::stopped);
}

TEST(Bindings, ScaleOffsetAndTheNodesTypeApplyWithSaturation) {
  FakePlc plc;
  auto read = binding(1, "gain.u", "u", Direction::read);
  read.scale = 0.5;
  read.offset = 1.0;
  auto write = binding(2, "gain.y", "small", Direction::write);
  write.scale = 1000.0;
  BoundRun bound(plc.url(), FaultPolicy::fail, {read, write});
  plc.server().set_value(plc.u, Variant(4.0));  // u = 4 * 0.5 + 1 = 3, y = 6
  const auto small_is = [&](std::int16_t expected) {
    return eventually([&] { return plc.server().value(plc.small).value == Variant(expected); });
  };
  ASSERT_TRUE(bound.run->step_once());
  EXPECT_TRUE(small_is(6000));
  plc.server().set_value(plc.u, Variant(100.0));  // y = 102, * 1000 is beyond Int16
  ASSERT_TRUE(bound.run->step_once());
  EXPECT_TRUE(small_is(32767));
}

TEST(Bindings, EachExchangePeriodOfSteps) {
  FakePlc plc;
  const auto plan = gain_plan();
  auto endpoint = endpoint_at(plc.url(), FaultPolicy::fail);
  endpoint.exchange_every = 3;
  auto exchange =
      std::make_shared<BindingExchange>(plan, std::vector{endpoint}, gain_bindings(), 0);
  sim::RunSettings settings;
  settings.hooks.push_back(exchange);
  settings.last_step = 6;
  sim::SimulationRun run(plan, settings);
  ASSERT_TRUE(run.start());
  EXPECT_EQ(run.wait_until_ended(), sim::RunState::completed);
  EXPECT_EQ(exchange->status().at(0).cycles, 3u) << "steps 0, 3 and 6";
}

TEST(Bindings, AMissingNodeOrAWrongTypeIsAnErrorNamingTheBinding) {
  FakePlc plc;
  {
    BoundRun bound(plc.url(), FaultPolicy::fail,
                   {binding(7, "gain.u", "nowhere", Direction::read)});
    ASSERT_TRUE(bound.run->start());
    EXPECT_EQ(bound.run->wait_until_ended(), sim::RunState::failed);
    const auto error = bound.run->statistics().error;
    EXPECT_NE(error.find("binding 7 (gain.u <- ns=1;s=nowhere)"), std::string::npos) << error;
    EXPECT_NE(error.find("no node"), std::string::npos) << error;
  }
  {
    auto wrong = binding(8, "gain.y", "small", Direction::write);
    wrong.data_type = BuiltinType::Float;
    BoundRun bound(plc.url(), FaultPolicy::hold, {wrong});
    ASSERT_TRUE(bound.run->step_once()) << "under hold the run goes on";
    const auto status = bound.status();
    EXPECT_NE(status.state, EndpointStatus::State::connected);
    EXPECT_NE(status.last_error.find("binding 8"), std::string::npos) << status.last_error;
    EXPECT_NE(status.last_error.find("holds Int16"), std::string::npos) << status.last_error;
  }
  {
    BoundRun bound(plc.url(), FaultPolicy::fail,
                   {binding(9, "gain.y", "locked", Direction::write)});
    ASSERT_TRUE(bound.run->step_once());
    EXPECT_NE(bound.run->statistics().error.find("may not be written"), std::string::npos)
        << bound.run->statistics().error;
  }
}

TEST(Bindings, ASignalThePlanLacksIsRefusedUpFront) {
  const auto plan = gain_plan();
  const auto refused = [&](BindingConfig config) {
    try {
      BindingExchange(plan, {endpoint_at("opc.tcp://127.0.0.1:1")}, {std::move(config)}, 0);
    } catch (const core::Error& error) {
      return std::string(error.what());
    }
    return std::string();
  };
  EXPECT_NE(refused(binding(3, "gain.y", "u", Direction::read)).find("no input 'gain.y'"),
            std::string::npos);
  EXPECT_NE(refused(binding(3, "gain.u", "u", Direction::write)).find("no output 'gain.u'"),
            std::string::npos);
  auto elsewhere = binding(3, "gain.u", "u", Direction::read);
  elsewhere.endpoint_id = 2;
  EXPECT_NE(refused(elsewhere).find("endpoint 2"), std::string::npos);
}

TEST(Bindings, APlcDownAtStartFailsTheRunUnderFail) {
  const auto port = free_port();
  BoundRun bound(fmt::format("opc.tcp://127.0.0.1:{}", port), FaultPolicy::fail, gain_bindings());
  ASSERT_TRUE(bound.run->start());
  EXPECT_EQ(bound.run->wait_until_ended(), sim::RunState::failed);
  const auto error = bound.run->statistics().error;
  EXPECT_NE(error.find(fmt::format("endpoint 'plc' (opc.tcp://127.0.0.1:{})", port)),
            std::string::npos)
      << error;
  EXPECT_EQ(bound.run->statistics().steps_done, 0);
}

TEST(Bindings, UnderHoldTheRunGoesOnUntilThePlcComesAndThenExchanges) {
  const auto port = free_port();
  BoundRun bound(fmt::format("opc.tcp://127.0.0.1:{}", port), FaultPolicy::hold, gain_bindings());
  ASSERT_TRUE(bound.run->step_once());
  ASSERT_TRUE(bound.run->step_once());
  EXPECT_EQ(bound.run->statistics().steps_done, 2);
  EXPECT_EQ(bound.status().state, EndpointStatus::State::connecting);
  EXPECT_GE(bound.status().errors, 1u);
  EXPECT_FALSE(bound.status().last_error.empty());

  FakePlc plc(port);
  plc.server().set_value(plc.u, Variant(2.0));
  ASSERT_TRUE(eventually([&] { return bound.status().state == EndpointStatus::State::connected; }))
      << bound.status().last_error;
  ASSERT_TRUE(bound.run->step_once());
  EXPECT_TRUE(eventually([&] { return plc.value(plc.y) == 4.0; }));
  EXPECT_EQ(bound.status().reconnects, 0u) << "the first connection is no reconnection";
}

TEST(Bindings, UnderPauseALostPlcPausesTheRunWhichResumesWhenItIsBack) {
  auto plc = std::make_unique<FakePlc>();
  const auto port = plc->port();
  BoundRun bound(plc->url(), FaultPolicy::pause, gain_bindings(), 1.0);
  ASSERT_TRUE(bound.run->start());
  ASSERT_TRUE(eventually([&] { return bound.status().cycles >= 3; }));

  plc.reset();  // the PLC goes away
  ASSERT_TRUE(eventually([&] { return bound.run->statistics().state == sim::RunState::paused; }))
      << sim::to_string(bound.run->statistics().state);
  const auto paused_at = bound.run->statistics().steps_done;
  EXPECT_FALSE(bound.status().last_error.empty());

  plc = std::make_unique<FakePlc>(port);
  plc->server().set_value(plc->u, Variant(1.5));
  ASSERT_TRUE(eventually([&] { return plc->value(plc->y) == 3.0; }))
      << "resumed and exchanging: " << bound.status().last_error;
  EXPECT_EQ(bound.run->statistics().state, sim::RunState::running);
  EXPECT_GT(bound.run->statistics().steps_done, paused_at);
  EXPECT_EQ(bound.status().reconnects, 1u);
  ASSERT_TRUE(bound.run->stop());
  EXPECT_EQ(bound.run->wait_until_ended(), sim::RunState::stopped);
}

TEST(Bindings, StopWorksWhileThePlcIsAway) {
  const auto port = free_port();
  for (const auto policy : {FaultPolicy::hold, FaultPolicy::pause}) {
    BoundRun bound(fmt::format("opc.tcp://127.0.0.1:{}", port), policy, gain_bindings(), 1.0);
    ASSERT_TRUE(bound.run->start());
    ASSERT_TRUE(eventually([&] { return bound.status().errors >= 2; }));
    ASSERT_TRUE(bound.run->stop());
    EXPECT_EQ(bound.run->wait_until_ended(), sim::RunState::stopped);
    EXPECT_EQ(bound.status().state, EndpointStatus::State::stopped);
  }
}

TEST(Bindings, NamesOfPoliciesDirectionsAndTypes) {
  EXPECT_EQ(fault_policy_named("pause"), FaultPolicy::pause);
  EXPECT_FALSE(fault_policy_named("retry"));
  EXPECT_EQ(direction_named("write"), Direction::write);
  EXPECT_FALSE(direction_named("both"));
  EXPECT_EQ(bindable_type_named("Int16"), BuiltinType::Int16);
  EXPECT_FALSE(bindable_type_named("String"));
}

}  // namespace
}  // namespace twinloop::hil
