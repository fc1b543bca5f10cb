// The twin as an OPC UA server: our own client reads, writes and subscribes a simulation's
// nodes while its run steps.
#include "twinloop/hil/twin_server.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "model_builder.hpp"
#include "twinloop/opcua/client.hpp"

namespace twinloop::hil {
namespace {

using namespace std::chrono_literals;
using opcua::NodeId;
using opcua::Variant;
using sim::testing_support::ModelBuilder;

// gain.y = 2 * gain.u (u open, 0 by default); gate.OUT = gate.IN1 AND gate.IN2.
std::shared_ptr<const sim::Plan> small_plan() {
  return std::make_shared<const sim::Plan>(
      ModelBuilder().add("gain", "gain", {{"k", 2.0}}).add("gate", "and").compile(0.01));
}

TwinServerOptions loopback_options() {
  TwinServerOptions options;
  options.server.port = 0;
  options.push_period = std::chrono::microseconds(0);  // every step, so a test sees each one
  return options;
}

NodeId node(const std::string& name) {
  return NodeId(TwinServer::namespace_index, name);
}

// One batched Write of values to nodes named by their string ids.
std::vector<opcua::StatusCode> write(opcua::Client& client,
                                     const std::vector<std::pair<std::string, Variant>>& values) {
  std::vector<opcua::WriteValue> writes;
  for (const auto& [name, value] : values) {
    opcua::WriteValue write;
    write.node_id = node(name);
    write.value = opcua::DataValue(value);
    writes.push_back(write);
  }
  return client.write(writes);
}

class TwinServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    twin_.start();
    client_.connect(twin_.endpoint_url());
  }

  // A run of the small plan published as `name`, not started.
  struct Published {
    std::shared_ptr<TwinPublication> publication;
    std::unique_ptr<sim::SimulationRun> run;
  };
  Published publish(const std::string& name, double realtime_factor = 0.0) {
    const auto plan = small_plan();
    Published published;
    published.publication = twin_.prepare(plan);
    sim::RunSettings settings;
    settings.realtime_factor = realtime_factor;
    settings.hooks.push_back(published.publication);
    published.run = std::make_unique<sim::SimulationRun>(plan, settings);
    twin_.publish(*published.publication, name);
    return published;
  }

  TwinServer twin_{loopback_options()};
  opcua::Client client_;
};

TEST_F(TwinServerTest, PortsAppearWithTheirTypesAndAccess) {
  const auto published = publish("7");
  EXPECT_EQ(published.publication->name(), "7");

  const auto browse_names = [&](const NodeId& parent) {
    std::vector<std::string> names;
    for (const auto& reference : client_.browse(parent))
      names.push_back(reference.browse_name.name);
    return names;
  };
  EXPECT_EQ(browse_names(node("Simulations")), std::vector<std::string>{"7"});
  EXPECT_EQ(browse_names(node("7")), (std::vector<std::string>{"gain", "gate"}));
  const auto gate_ports = browse_names(node("7.gate"));
  EXPECT_NE(std::find(gate_ports.begin(), gate_ports.end(), "OUT"), gate_ports.end());
  EXPECT_NE(std::find(gate_ports.begin(), gate_ports.end(), "IN1"), gate_ports.end());

  const auto type_of = [&](const std::string& name) {
    return std::get<NodeId>(client_.read(node(name), opcua::attribute::DataType).value.storage());
  };
  EXPECT_EQ(type_of("7.gain.y"), NodeId(static_cast<std::uint32_t>(opcua::BuiltinType::Double)));
  EXPECT_EQ(type_of("7.gate.OUT"), NodeId(static_cast<std::uint32_t>(opcua::BuiltinType::Boolean)));
  const auto access_of = [&](const std::string& name) {
    return *client_.read(node(name), opcua::attribute::AccessLevel).value.to_double();
  };
  EXPECT_EQ(access_of("7.gain.y"), opcua::access_level::CurrentRead);
  EXPECT_EQ(access_of("7.gain.u"),
            opcua::access_level::CurrentRead | opcua::access_level::CurrentWrite);

  // Outputs cannot be written; an input takes only values of its type.
  const auto results = write(client_, {{"7.gain.y", Variant(1.0)}, {"7.gain.u", Variant(true)}});
  EXPECT_EQ(results[0], opcua::status::BadNotWritable);
  EXPECT_EQ(results[1], opcua::status::BadTypeMismatch);
  EXPECT_TRUE(published.publication->external_inputs().empty());
}

TEST_F(TwinServerTest, AWriteDrivesTheInputFromTheNextStep) {
  const auto published = publish("3");
  ASSERT_TRUE(published.run->step_once());
  EXPECT_EQ(client_.read(node("3.gain.y")).value.to_double(), 0.0);

  for (const auto result : write(client_, {{"3.gain.u", Variant(1.25)},
                                           {"3.gate.IN1", Variant(true)},
                                           {"3.gate.IN2", Variant(true)}}))
    EXPECT_EQ(result, opcua::status::Good);
  EXPECT_EQ(published.publication->external_inputs(),
            (std::vector<std::string>{"gain.u", "gate.IN1", "gate.IN2"}));
  // Written, not yet stepped: the outputs still show the last step.
  EXPECT_EQ(client_.read(node("3.gate.OUT")).value, Variant(false));

  ASSERT_TRUE(published.run->step_once());
  EXPECT_EQ(client_.read(node("3.gain.y")).value.to_double(), 2.5);
  EXPECT_EQ(client_.read(node("3.gate.OUT")).value, Variant(true));
  EXPECT_EQ(client_.read(node("3.gain.u")).value.to_double(), 1.25);

  // The override holds for the steps after, until written again.
  ASSERT_TRUE(published.run->step_once());
  EXPECT_EQ(client_.read(node("3.gain.y")).value.to_double(), 2.5);
  write(client_, {{"3.gate.IN2", Variant(false)}});
  ASSERT_TRUE(published.run->step_once());
  EXPECT_EQ(client_.read(node("3.gate.OUT")).value, Variant(false));
}

TEST_F(TwinServerTest, AnOverrideMadeElsewhereShowsOnTheInputAndEndsTheClientsDrive) {
  const auto published = publish("4");
  write(client_, {{"4.gain.u", Variant(1.0)}});
  ASSERT_TRUE(published.run->step_once());
  EXPECT_EQ(published.publication->external_inputs(), std::vector<std::string>{"gain.u"});

  // As PATCH /simulations/{id} does it: the run first, then the publication.
  const std::uint32_t gain_u = 0;
  ASSERT_EQ(published.run->plan().inputs[gain_u].name, "gain.u");
  published.run->set_override(gain_u, 3.0);
  published.publication->overridden_elsewhere(gain_u, 3.0);
  ASSERT_TRUE(published.run->step_once());
  EXPECT_EQ(client_.read(node("4.gain.u")).value.to_double(), 3.0);
  EXPECT_EQ(client_.read(node("4.gain.y")).value.to_double(), 6.0);
  EXPECT_TRUE(published.publication->external_inputs().empty());

  // Released: the input's driver (the open input's default, 0) feeds it again.
  published.run->set_override(gain_u, std::nullopt);
  published.publication->overridden_elsewhere(gain_u, std::nullopt);
  ASSERT_TRUE(published.run->step_once());
  EXPECT_EQ(client_.read(node("4.gain.u")).value.to_double(), 0.0);
  EXPECT_EQ(client_.read(node("4.gain.y")).value.to_double(), 0.0);
}

TEST_F(TwinServerTest, SubscribersSeeEveryPushedStep) {
  auto published = publish("5");
  std::mutex mutex;
  std::vector<double> seen;
  const auto subscription = client_.create_subscription({.publishing_interval_ms = 10});
  client_.monitor(subscription, node("5.gain.y"), {.sampling_interval_ms = 1, .queue_size = 100},
                  [&](const opcua::DataValue& value) {
                    std::lock_guard lock(mutex);
                    seen.push_back(*value.value.to_double());
                  });
  write(client_, {{"5.gain.u", Variant(1.0)}});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(published.run->step_once());
    std::this_thread::sleep_for(20ms);
    write(client_, {{"5.gain.u", Variant(2.0 + i)}});
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex);
      if (!seen.empty() && seen.back() == 10.0) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen, (std::vector<double>{0.0, 2.0, 4.0, 6.0, 8.0, 10.0}));
}

TEST_F(TwinServerTest, TheActiveTwinIsTheRunStartedLastAndNodesGoWithTheRun) {
  auto first = publish("1");
  auto second = publish("2");
  // Published, not started: no active twin yet.
  EXPECT_EQ(client_.read(node("twin.gain.y")).status, opcua::status::BadNodeIdUnknown);

  write(client_, {{"1.gain.u", Variant(1.0)}});
  write(client_, {{"2.gain.u", Variant(4.0)}});
  ASSERT_TRUE(first.run->step_once());
  EXPECT_TRUE(first.publication->active());
  EXPECT_EQ(client_.read(node("twin.gain.y")).value.to_double(), 2.0);
  ASSERT_TRUE(second.run->step_once());
  EXPECT_FALSE(first.publication->active());
  EXPECT_EQ(client_.read(node("twin.gain.y")).value.to_double(), 8.0);

  // A write to the active twin drives the run behind it.
  write(client_, {{"twin.gain.u", Variant(0.5)}});
  ASSERT_TRUE(second.run->step_once());
  EXPECT_EQ(client_.read(node("2.gain.y")).value.to_double(), 1.0);

  // The second run ends: its nodes go and the first run is the active twin again.
  ASSERT_TRUE(second.run->stop());
  EXPECT_EQ(second.run->wait_until_ended(), sim::RunState::stopped);
  EXPECT_EQ(client_.read(node("2.gain.y")).status, opcua::status::BadNodeIdUnknown);
  EXPECT_TRUE(first.publication->active());
  EXPECT_EQ(client_.read(node("twin.gain.y")).value.to_double(), 2.0);

  ASSERT_TRUE(first.run->stop());
  first.run->wait_until_ended();
  EXPECT_EQ(client_.read(node("twin.gain.y")).status, opcua::status::BadNodeIdUnknown);
  EXPECT_TRUE(client_.browse(node("Simulations")).empty());
  EXPECT_TRUE(client_.browse(node("twin")).empty());
}

TEST_F(TwinServerTest, TheActiveTwinIsThereWhenStartReturns) {
  auto paced = publish("paced", 1.0);
  ASSERT_TRUE(paced.run->start());
  // No wait: a PLC that connects as soon as the API says the run started finds its nodes.
  EXPECT_TRUE(paced.publication->active());
  EXPECT_EQ(client_.read(node("twin.gain.y")).status, opcua::status::Good);
  ASSERT_TRUE(paced.run->stop());
  paced.run->wait_until_ended();
}

TEST_F(TwinServerTest, ANamePublishedAlreadyIsRefused) {
  const auto published = publish("9");
  const auto plan = small_plan();
  const auto other = twin_.prepare(plan);
  EXPECT_THROW(twin_.publish(*other, "9"), opcua::Error);
  EXPECT_THROW(twin_.publish(*other, TwinServer::active_twin_name), opcua::Error);
  // The refused publication took nothing away.
  EXPECT_EQ(client_.read(node("9.gain.y")).value.to_double(), 0.0);
}

TEST_F(TwinServerTest, APacedRunPublishesAtTheBoundedRate) {
  TwinServerOptions options = loopback_options();
  options.push_period = std::chrono::milliseconds(50);
  TwinServer slow(options);
  slow.start();
  const auto plan = std::make_shared<const sim::Plan>(
      ModelBuilder().add("clock", "ramp", {{"slope", 1.0}}).compile(0.001));
  const auto publication = slow.prepare(plan);
  sim::RunSettings settings;
  settings.realtime_factor = 1.0;
  settings.last_step = 400;
  settings.hooks.push_back(publication);
  sim::SimulationRun run(plan, settings);
  slow.publish(*publication, "11");
  opcua::Client client;
  client.connect(slow.endpoint_url());
  std::mutex mutex;
  std::vector<double> seen;
  const auto subscription = client.create_subscription({.publishing_interval_ms = 5});
  client.monitor(subscription, node("11.clock.y"), {.sampling_interval_ms = 1, .queue_size = 1000},
                 [&](const opcua::DataValue& value) {
                   std::lock_guard lock(mutex);
                   seen.push_back(*value.value.to_double());
                 });
  ASSERT_TRUE(run.start());
  run.wait_until_ended();
  std::lock_guard lock(mutex);
  // 0.4 s of run at one push per 50 ms: about 8 changes, never one per step (400).
  EXPECT_GE(seen.size(), 3u);
  EXPECT_LE(seen.size(), 20u);
}

}  // namespace
}  // namespace twinloop::hil
