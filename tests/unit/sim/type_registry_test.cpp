#include "twinloop/sim/type_registry.hpp"

#include <gtest/gtest.h>

#include "twinloop/core/error.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::sim {
namespace {

using nlohmann::json;

class Builtins : public ::testing::Test {
 protected:
  void SetUp() override { register_builtin_types(registry); }
  TypeRegistry registry;
};

TEST_F(Builtins, HasTheCoreTypesWithDesignNames) {
  struct Expected {
    const char* type;
    std::vector<std::string> parameters;
    std::vector<std::string> inputs;
  };
  const std::vector<Expected> expected{
      {"constant", {"value"}, {}},
      {"step", {"step_time", "initial", "final"}, {}},
      {"gain", {"k"}, {"u"}},
      {"sum", {"signs"}, {"u1", "u2"}},
      {"integrator", {"initial", "limited", "lower", "upper"}, {"u", "reset"}},
      {"pt1", {"k", "t"}, {"u"}},
      {"unit_delay", {"initial"}, {"u"}},
  };
  for (const auto& type : expected) {
    const auto* info = registry.find(type.type);
    ASSERT_NE(info, nullptr) << type.type;
    std::vector<std::string> parameters;
    for (const auto& parameter : info->parameters)
      parameters.push_back(parameter.name);
    auto with_sample_time = type.parameters;
    with_sample_time.emplace_back(sample_time_parameter);
    EXPECT_EQ(parameters, with_sample_time) << type.type << ": its own, then the common one";
    const auto ports = info->ports(info->default_parameters());
    std::vector<std::string> inputs;
    for (const auto& port : ports.inputs)
      inputs.push_back(port.name);
    EXPECT_EQ(inputs, type.inputs) << type.type;
    ASSERT_EQ(ports.outputs.size(), 1u) << type.type;
    EXPECT_EQ(ports.outputs[0].name, "y");
  }
}

TEST_F(Builtins, FeedthroughMarksAlgebraicInputs) {
  auto feedthrough = [&](const char* type) {
    const auto* info = registry.find(type);
    return info->ports(info->default_parameters()).inputs.at(0).feedthrough;
  };
  EXPECT_TRUE(feedthrough("gain"));
  EXPECT_TRUE(feedthrough("sum"));
  EXPECT_FALSE(feedthrough("integrator"));
  EXPECT_FALSE(feedthrough("pt1"));
  EXPECT_FALSE(feedthrough("unit_delay"));
}

TEST_F(Builtins, SumHasOneInputPerSign) {
  const auto* sum = registry.find("sum");
  const auto parameters = core::merge_parameters(*sum, json::object(), json{{"signs", "+-+"}});
  EXPECT_EQ(sum->ports(parameters).inputs.size(), 3u);
  EXPECT_THROW(core::merge_parameters(*sum, json::object(), json{{"signs", "+*"}}), core::Error);
  EXPECT_THROW(core::merge_parameters(*sum, json::object(), json{{"signs", ""}}), core::Error);
}

TEST_F(Builtins, Pt1TimeConstantMustBePositive) {
  const auto* pt1 = registry.find("pt1");
  EXPECT_THROW(core::merge_parameters(*pt1, json::object(), json{{"t", 0}}), core::Error);
  EXPECT_THROW(core::merge_parameters(*pt1, json::object(), json{{"t", -1}}), core::Error);
  EXPECT_NO_THROW(core::merge_parameters(*pt1, json::object(), json{{"t", 0.01}}));
}

TEST_F(Builtins, ListIsSortedByCategoryThenType) {
  const auto all = registry.list();
  ASSERT_GE(all.size(), 7u);
  for (std::size_t i = 1; i < all.size(); ++i) {
    const auto* a = all[i - 1];
    const auto* b = all[i];
    EXPECT_TRUE(a->category < b->category || (a->category == b->category && a->type < b->type));
  }
}

TEST(TypeRegistry, RefusesDuplicatesAndMalformedDeclarations) {
  TypeRegistry registry;
  register_builtin_types(registry);
  const core::ComponentTypeInfo again = *registry.find("gain");
  const BlockBehaviour gain = *registry.behaviour("gain");
  EXPECT_THROW(registry.add(again, gain), std::invalid_argument);
  core::ComponentTypeInfo no_ports;
  no_ports.type = "x";
  no_ports.category = "test";
  EXPECT_THROW(registry.add(no_ports, gain), std::invalid_argument);
  core::ComponentTypeInfo no_kernels = again;
  no_kernels.type = "gain2";
  EXPECT_THROW(registry.add(no_kernels, BlockBehaviour{}), std::invalid_argument);
}

TEST(TypeRegistry, UnknownTypeIsNull) {
  TypeRegistry registry;
  EXPECT_EQ(registry.find("gain"), nullptr);
  EXPECT_EQ(registry.behaviour("gain"), nullptr);
}

}  // namespace
}  // namespace twinloop::sim
