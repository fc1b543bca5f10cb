// Material flow: parts released by a source reach a conveyor's light barriers at
// distance / speed, stop and queue at a closed end, leave an open end into a sink or the next
// conveyor, and wait at a full entry; bad settings are refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model_builder.hpp"
#include "test_rig.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::sim {
namespace {

using nlohmann::json;
using testing_support::ModelBuilder;
using testing_support::refusal;
using testing_support::registry;
using testing_support::Rig;

// source -> belt (speed `speed` from a constant) -> sink, each part tagged with its serial
// number. dt 10 ms.
ModelBuilder line(const json& source, const json& belt, double speed, bool wait_for_entry) {
  ModelBuilder model;
  model.add("src", "part_source", source)
      .add("v", "constant", {{"value", speed}})
      .add("belt", "conveyor", belt)
      .add("sink", "part_sink")
      .connect("v.y", "belt.speed")
      .connect("src.part", "belt.part_in")
      .connect("src.length", "belt.part_length")
      .connect("src.count", "belt.tag")
      .connect("belt.part_out", "sink.part")
      .connect("belt.out_tag", "sink.tag");
  if (wait_for_entry) model.connect("belt.entry_free", "src.ready");
  return model;
}

// ---- declarations -----------------------------------------------------------------------

TEST(ConveyorDeclarations, PortsFollowTheBarriers) {
  const auto* belt = registry().find("conveyor");
  ASSERT_NE(belt, nullptr);
  EXPECT_EQ(belt->category, "devices");
  auto outputs = [&](const std::string& barriers) {
    std::vector<std::string> names;
    for (const auto& port : belt->ports(json{{"barriers", barriers}}).outputs)
      names.push_back(port.name);
    return names;
  };
  EXPECT_EQ(outputs("0.5, 1"),
            (std::vector<std::string>{"barrier1", "barrier2", "parts", "entry_free", "at_end",
                                      "part_out", "out_length", "out_tag", "refused"}));
  EXPECT_EQ(outputs("").size(), 7u);
  const auto ports = belt->ports(belt->default_parameters());
  for (const auto& input : ports.inputs)
    EXPECT_FALSE(input.feedthrough) << input.name;
  EXPECT_EQ(ports.inputs[0].unit, "m/s");
  EXPECT_EQ(ports.inputs[4].name, "release");
  EXPECT_EQ(ports.inputs[4].default_value, 1.0);  // an open release lets parts off the end
  for (const char* type : {"part_source", "conveyor", "part_sink"}) {
    const auto* info = registry().find(type);
    ASSERT_NE(info, nullptr) << type;
    EXPECT_FALSE(info->description.empty()) << type;
    for (const auto& parameter : info->parameters)
      EXPECT_FALSE(parameter.description.empty()) << type << "." << parameter.name;
    const auto type_ports = info->ports(info->default_parameters());
    for (const auto& port : type_ports.inputs)
      EXPECT_FALSE(port.description.empty()) << type << "." << port.name;
    for (const auto& port : type_ports.outputs)
      EXPECT_FALSE(port.description.empty()) << type << "." << port.name;
  }
}

TEST(ConveyorDeclarations, BadSettingsAreRefused) {
  EXPECT_NE(refusal("conveyor", {{"barriers", "a"}}).find("'barriers'"), std::string::npos);
  EXPECT_NE(refusal("conveyor", {{"barriers", "1,,2"}}).find("entry 2"), std::string::npos);
  EXPECT_NE(refusal("conveyor", {{"barriers", "0.5,"}}).find("entry 2"), std::string::npos);
  EXPECT_NE(refusal("conveyor", {{"barriers", "-1"}}).find("before the belt"), std::string::npos);
  EXPECT_NE(refusal("conveyor", {{"barriers", "1e999"}}), "");
  EXPECT_NE(refusal("conveyor", {{"barriers", "0.5 m"}}), "");
  std::string seventeen = "0";
  for (int i = 1; i < 17; ++i)
    seventeen += "," + std::to_string(i * 0.1);
  EXPECT_NE(refusal("conveyor", {{"barriers", seventeen}}).find("at most 16"), std::string::npos);
  EXPECT_EQ(refusal("conveyor", {{"barriers", " 0 , 2 "}}), "");
  EXPECT_NE(refusal("conveyor", {{"length", 0.0}}), "");
  EXPECT_NE(refusal("conveyor", {{"capacity", 0}}), "");
  EXPECT_NE(refusal("conveyor", {{"capacity", 257}}), "");
  EXPECT_NE(refusal("part_source", {{"mode", "sometimes"}}), "");
  EXPECT_NE(refusal("part_source", {{"interval", 0.0}}), "");
  EXPECT_NE(refusal("part_source", {{"part_length", 0.0}}), "");
  EXPECT_NE(refusal("part_source", {{"max_parts", -1}}), "");
  EXPECT_NE(refusal("part_sink", {{"capacity", -1}}), "");
  // A barrier beyond the belt's end is refused when the model is compiled.
  try {
    ModelBuilder().add("belt", "conveyor", {{"length", 1.0}, {"barriers", "0.5, 1.5"}}).compile();
    FAIL() << "compiled";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unprocessable);
    EXPECT_NE(std::string(error.what()).find("'barriers'"), std::string::npos) << error.what();
  }
}

// ---- timing -----------------------------------------------------------------------------

TEST(Conveyor, APartReachesTheLightBarrierAtDistanceOverSpeed) {
  // Released at t = 0.3 s onto a belt at 0.5 m/s: a 0.2 m part's front reaches the barrier
  // at 1 m after 2 s (step 30 + 200), its rear leaves it 0.4 s later, and the part reaches
  // the end (2 m) after 4 s, when the sink counts it.
  const auto plan =
      line({{"first_release", 0.3}, {"interval", 100.0}}, {{"barriers", "1.0"}}, 0.5, false)
          .compile(0.01);
  Rig rig(plan);
  for (int k = 0; k <= 450; ++k) {
    rig.step();
    ASSERT_EQ(rig.on("src.part"), k == 30) << k;
    ASSERT_EQ(rig.on("belt.barrier1"), k >= 230 && k <= 270) << k;
    ASSERT_EQ(rig["belt.parts"], k > 30 && k < 430 ? 1.0 : 0.0) << k;
    ASSERT_EQ(rig.on("belt.part_out"), k == 430) << k;
    ASSERT_EQ(rig["sink.count"], k >= 430 ? 1.0 : 0.0) << k;
  }
  EXPECT_EQ(rig["sink.last_tag"], 1.0);
  EXPECT_DOUBLE_EQ(rig["belt.out_length"], 0.2);
}

TEST(Conveyor, PartsStopAtAClosedEndAndQueueUpBehind) {
  // Three parts, one per second, at 0.5 m/s onto a 2 m belt whose end is closed. The first
  // stops with its front at the end at t = 4 s, the second against it (front 1.8 m) and the
  // third behind that (front 1.6 m). Barriers at 1.9, 1.7 and 1.5 m show where they are.
  const auto plan =
      line({{"interval", 1.0}, {"max_parts", 3}}, {{"barriers", "1.9, 1.7, 1.5"}}, 0.5, false)
          .compile(0.01);
  Rig rig(plan);
  rig.set("belt.release", false);
  for (int k = 0; k <= 700; ++k) {
    rig.step();
    ASSERT_EQ(rig.on("belt.at_end"), k >= 400) << k;
    // barrier1 (1.9 m): the first part from 1.9 / 0.5 s on, for good.
    ASSERT_EQ(rig.on("belt.barrier1"), k >= 380) << k;
    // barrier2 (1.7 m): the first part passes over it (steps 340..380), then the second
    // part's front reaches it at 1 s + 3.4 s, and the second stops over it.
    ASSERT_EQ(rig.on("belt.barrier2"), (k >= 340 && k <= 380) || k >= 440) << k;
    // barrier3 (1.5 m): first part 300..340, second 400..440, the third from 500 on.
    ASSERT_EQ(rig.on("belt.barrier3"), (k >= 300 && k <= 340) || (k >= 400 && k <= 440) || k >= 500)
        << k;
  }
  EXPECT_EQ(rig["belt.parts"], 3.0);
  EXPECT_EQ(rig["sink.count"], 0.0);
  // Opening the end: the first part leaves in the first update, the second follows after
  // its 0.2 m to the end (0.4 s: it leaves in the 40th update, shown a step later), the third
  // 0.4 s after that.
  rig.set("belt.release", true);
  std::vector<int> out_steps;
  for (int k = 701; k <= 900; ++k) {
    rig.step();
    if (rig.on("belt.part_out")) out_steps.push_back(k);
  }
  EXPECT_EQ(out_steps, (std::vector<int>{702, 741, 781}));
  EXPECT_EQ(rig["sink.count"], 3.0);
  EXPECT_EQ(rig["sink.last_tag"], 3.0);
}

TEST(Conveyor, TheSourceWaitsForAFreeEntry) {
  // Due every 0.1 s, but each 0.2 m part needs 0.4 s at 0.5 m/s to clear the entry: parts
  // go on back to back, one every 40 steps, none refused.
  const auto plan = line({{"interval", 0.1}}, {{"barriers", ""}}, 0.5, true).compile(0.01);
  Rig rig(plan);
  for (int k = 0; k <= 400; ++k) {
    rig.step();
    ASSERT_EQ(rig.on("src.part"), k % 40 == 0) << k;
    ASSERT_EQ(rig.on("src.waiting"), k % 40 >= 10) << k;
  }
  EXPECT_EQ(rig["src.count"], 11.0);
  EXPECT_EQ(rig["belt.refused"], 0.0);
  // The first part left in the last update shown (it took 4 s); the nine after it are on
  // the belt and the eleventh enters in the update after this step.
  EXPECT_EQ(rig["sink.count"], 1.0);
  EXPECT_EQ(rig["belt.parts"], 9.0);
}

TEST(Conveyor, RequestModeAndAStoppedBelt) {
  const auto plan = line({{"mode", "request"}}, {{"barriers", "0.1"}}, 0.0, true).compile(0.01);
  Rig rig(plan);
  rig.steps(5);
  EXPECT_EQ(rig["src.count"], 0.0);
  rig.set("src.request", true).step();  // the edge releases at once
  EXPECT_TRUE(rig.on("src.part"));
  rig.steps(3);  // held TRUE: no more parts
  rig.set("src.request", false).step();
  rig.set("src.request", true).step();  // the belt stands: the part waits
  EXPECT_FALSE(rig.on("src.part"));
  EXPECT_TRUE(rig.on("src.waiting"));
  rig.steps(50);
  EXPECT_EQ(rig["src.count"], 1.0);
  EXPECT_FALSE(rig.on("belt.barrier1"));  // the first part stands at the entry
  EXPECT_FALSE(rig.on("belt.entry_free"));
  // The belt runs at 1 m/s: the first part reaches the barrier at 0.1 m after 0.1 s and
  // clears the entry after 0.2 s, when the waiting part follows.
  rig.set("belt.speed", 1.0);
  int first_seen = -1;
  int second_released = -1;
  for (int k = 0; k < 30; ++k) {
    rig.step();
    if (first_seen < 0 && rig.on("belt.barrier1")) first_seen = k;
    if (rig.on("src.part")) second_released = k;
  }
  EXPECT_EQ(first_seen, 10);
  EXPECT_EQ(second_released, 20);
  EXPECT_EQ(rig["src.count"], 2.0);
  EXPECT_EQ(rig["belt.parts"], 2.0);
}

TEST(Conveyor, HandsPartsOverToTheNextConveyor) {
  // a (2 m) -> b (1 m, barrier at 0.5 m) -> sink, both at 0.5 m/s. Released at t = 0, the
  // part reaches a's end at 4 s exactly and enters b then; b's barrier sees it at 5 s.
  const auto plan = ModelBuilder()
                        .add("src", "part_source", {{"interval", 100.0}, {"part_length", 0.3}})
                        .add("v", "constant", {{"value", 0.5}})
                        .add("a", "conveyor", {{"barriers", ""}})
                        .add("b", "conveyor", {{"length", 1.0}, {"barriers", "0.5"}})
                        .add("sink", "part_sink")
                        .connect("v.y", "a.speed")
                        .connect("v.y", "b.speed")
                        .connect("src.part", "a.part_in")
                        .connect("src.length", "a.part_length")
                        .connect("src.count", "a.tag")
                        .connect("a.part_out", "b.part_in")
                        .connect("a.out_length", "b.part_length")
                        .connect("a.out_tag", "b.tag")
                        .connect("b.entry_free", "a.release")
                        .connect("b.part_out", "sink.part")
                        .connect("b.out_tag", "sink.tag")
                        .compile(0.01);
  Rig rig(plan);
  int seen = -1;
  for (int k = 0; k <= 700; ++k) {
    rig.step();
    if (seen < 0 && rig.on("b.barrier1")) seen = k;
    ASSERT_EQ(rig["b.parts"], k > 400 && k < 600 ? 1.0 : 0.0) << k;
  }
  EXPECT_EQ(seen, 500);
  EXPECT_EQ(rig["sink.count"], 1.0);
  EXPECT_EQ(rig["sink.last_tag"], 1.0);
  EXPECT_DOUBLE_EQ(rig["b.out_length"], 0.3);
}

TEST(Conveyor, AFullBeltRefusesParts) {
  // Capacity 2 on a standing belt, the source not waiting: two parts queue at the entry,
  // every further one is refused and counted.
  const auto plan =
      line({{"interval", 0.1}}, {{"capacity", 2}, {"barriers", ""}}, 0.0, false).compile(0.01);
  Rig rig(plan);
  rig.steps(101);  // releases at 0, 0.1, ..., 1.0 s: 11 parts
  EXPECT_EQ(rig["src.count"], 11.0);
  EXPECT_EQ(rig["belt.parts"], 2.0);
  EXPECT_EQ(rig["belt.refused"], 8.0);  // the 11th is handed over in the step just shown
  EXPECT_FALSE(rig.on("belt.entry_free"));
}

TEST(Conveyor, OnePartLeavesPerStep) {
  // Ten 1 mm parts queued at a closed end; opened, they leave one per step even though the
  // belt would carry several past the end within a step.
  const auto plan = line({{"interval", 0.01}, {"max_parts", 10}, {"part_length", 0.001}},
                         {{"barriers", ""}}, 10.0, false)
                        .compile(0.01);
  Rig rig(plan);
  rig.set("belt.release", false).steps(100);
  EXPECT_EQ(rig["belt.parts"], 10.0);
  rig.set("belt.release", true).step();
  for (int k = 1; k <= 10; ++k) {
    rig.step();
    EXPECT_TRUE(rig.on("belt.part_out")) << k;
    EXPECT_EQ(rig["sink.count"], static_cast<double>(k));
  }
  rig.step();
  EXPECT_FALSE(rig.on("belt.part_out"));
  EXPECT_EQ(rig["belt.parts"], 0.0);
}

TEST(Conveyor, NegativeOrNanSpeedDoesNotMoveTheBelt) {
  for (double speed : {-1.0, std::nan("")}) {
    const auto plan = line({{"interval", 100.0}}, {{"barriers", "0.0"}}, speed, false).compile();
    Rig rig(plan);
    rig.steps(100);
    EXPECT_EQ(rig["belt.parts"], 1.0);
    EXPECT_TRUE(rig.on("belt.barrier1"));  // the part's front stands at the entry
    EXPECT_FALSE(rig.on("belt.entry_free"));
  }
}

TEST(Conveyor, ACylinderPushesEachPartOffTheEndUnderPlcLogic) {
  // A machine: parts every 3 s onto a 2 m belt at 0.5 m/s whose end is closed; a pusher
  // cylinder (0.5 s each way) opens it. PLC logic: a part at the end sets the latch that
  // extends the pusher, the pusher's extended sensor resets it (set wins while the part is
  // still there). Each part is at the end 4 s after its release, the pusher is out 0.5 s
  // later, and the sink counts the part in the step after that.
  const auto plan =
      ModelBuilder()
          .add("src", "part_source", {{"interval", 3.0}})
          .add("v", "constant", {{"value", 0.5}})
          .add("belt", "conveyor", {{"barriers", "1.9"}})
          .add("pusher", "cylinder", {{"time_to_extend", 0.5}, {"time_to_retract", 0.5}})
          .add("latch", "sr")
          .add("back", "not")
          .add("sink", "part_sink")
          .connect("v.y", "belt.speed")
          .connect("src.part", "belt.part_in")
          .connect("belt.entry_free", "src.ready")
          .connect("belt.at_end", "latch.S1")
          .connect("pusher.extended", "latch.R")
          .connect("latch.Q1", "pusher.extend")
          .connect("latch.Q1", "back.IN")
          .connect("back.OUT", "pusher.retract")
          .connect("pusher.extended", "belt.release")
          .connect("belt.part_out", "sink.part")
          .compile(0.01);
  Rig rig(plan);
  std::vector<int> at_end, pushed_out, counted;
  bool was_at_end = false;
  bool was_out = false;
  for (int k = 0; k <= 1100; ++k) {
    rig.step();
    if (rig.on("belt.at_end") && !was_at_end) at_end.push_back(k);
    if (rig.on("pusher.extended") && !was_out) pushed_out.push_back(k);
    if (rig.on("belt.part_out")) counted.push_back(k);
    was_at_end = rig.on("belt.at_end");
    was_out = rig.on("pusher.extended");
  }
  EXPECT_EQ(at_end, (std::vector<int>{400, 700, 1000}));
  EXPECT_EQ(pushed_out, (std::vector<int>{450, 750, 1050}));
  EXPECT_EQ(counted, (std::vector<int>{451, 751, 1051}));
  EXPECT_EQ(rig["sink.count"], 3.0);
  EXPECT_EQ(rig["belt.refused"], 0.0);
}

// ---- sink -------------------------------------------------------------------------------

TEST(PartSink, AFullSinkHoldsTheBeltUntilEmptied) {
  // Capacity 2 with `ready` closing the belt's end: the third part stops at the end.
  const auto binned = ModelBuilder()
                          .add("src", "part_source", {{"interval", 0.5}, {"max_parts", 3}})
                          .add("v", "constant", {{"value", 1.0}})
                          .add("belt", "conveyor", {{"length", 1.0}, {"barriers", "1.0"}})
                          .add("bin", "part_sink", {{"capacity", 2}})
                          .connect("v.y", "belt.speed")
                          .connect("src.part", "belt.part_in")
                          .connect("src.count", "belt.tag")
                          .connect("belt.part_out", "bin.part")
                          .connect("belt.out_tag", "bin.tag")
                          .connect("bin.ready", "belt.release")
                          .compile(0.01);
  Rig rig(binned);
  rig.steps(301);
  EXPECT_EQ(rig["bin.count"], 2.0);
  EXPECT_FALSE(rig.on("bin.ready"));
  EXPECT_TRUE(rig.on("belt.at_end"));
  EXPECT_TRUE(rig.on("belt.barrier1"));
  EXPECT_EQ(rig["bin.lost"], 0.0);
  rig.set("bin.reset", true).step();  // emptied
  EXPECT_EQ(rig["bin.count"], 0.0);
  rig.set("bin.reset", false).steps(3);
  EXPECT_EQ(rig["bin.count"], 1.0);
  EXPECT_EQ(rig["bin.last_tag"], 3.0);
  EXPECT_FALSE(rig.on("belt.at_end"));
}

TEST(PartSink, CountsAndLosesWhenFullWithoutHoldingTheBelt) {
  Rig rig(ModelBuilder().add("bin", "part_sink", {{"capacity", 1}}).compile());
  rig.set("bin.part", true).set("bin.tag", 7.0).step();
  EXPECT_EQ(rig["bin.count"], 1.0);
  EXPECT_EQ(rig["bin.last_tag"], 7.0);
  rig.set("bin.tag", 8.0).steps(2);
  EXPECT_EQ(rig["bin.count"], 1.0);
  EXPECT_EQ(rig["bin.lost"], 2.0);
  EXPECT_EQ(rig["bin.last_tag"], 7.0);
}

}  // namespace
}  // namespace twinloop::sim
