// The component type catalogue: GET /api/v1/component-types[/{type}].
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

using ComponentTypes = ApiTest;

std::vector<std::string> names_of(const nlohmann::json& entries) {
  std::vector<std::string> names;
  for (const auto& entry : entries)
    names.push_back(entry.at("name").get<std::string>());
  return names;
}

struct CoreType {
  std::string type;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<std::string> parameters;
};

// DESIGN.md: one input is `u`, one output `y`; sum has u1..un with n = length of "signs".
const std::vector<CoreType>& core_types() {
  static const std::vector<CoreType> types{
      {"constant", {}, {"y"}, {"value"}}, {"step", {}, {"y"}, {"step_time", "initial", "final"}},
      {"gain", {"u"}, {"y"}, {"k"}},      {"integrator", {"u", "reset"}, {"y"}, {"initial"}},
      {"pt1", {"u"}, {"y"}, {"k", "t"}},  {"unit_delay", {"u"}, {"y"}, {"initial"}},
  };
  return types;
}

TEST_F(ComponentTypes, ListIsAPageWithEveryCoreType) {
  const auto first_page = http().get("/api/v1/component-types");
  ASSERT_TRUE(HasStatus(first_page, 200));
  EXPECT_EQ(first_page.json().value("limit", 0), 50);
  EXPECT_EQ(first_page.json().value("offset", -1), 0);

  const auto response = http().get("/api/v1/component-types?limit=1000");
  ASSERT_TRUE(HasStatus(response, 200));
  const auto page = response.json();
  ASSERT_TRUE(page.contains("items") && page["items"].is_array()) << response.body;
  EXPECT_EQ(page.value("total", -1), static_cast<int>(page["items"].size()));

  std::set<std::string> listed;
  for (const auto& entry : page["items"])
    listed.insert(entry.at("type").get<std::string>());
  for (const auto& core : core_types())
    EXPECT_TRUE(listed.contains(core.type)) << core.type;
  EXPECT_TRUE(listed.contains("sum"));
}

std::vector<std::string> types_of(const nlohmann::json& entries) {
  std::vector<std::string> types;
  for (const auto& entry : entries)
    types.push_back(entry.at("type").get<std::string>());
  return types;
}

TEST_F(ComponentTypes, ListIsPaginated) {
  const auto all_types = types_of(list_items("/api/v1/component-types"));
  ASSERT_GE(all_types.size(), 3U);
  const auto response = http().get("/api/v1/component-types?limit=2&offset=1");
  ASSERT_TRUE(HasStatus(response, 200));
  const auto page = response.json();
  EXPECT_EQ(page.value("limit", -1), 2);
  EXPECT_EQ(page.value("offset", -1), 1);
  EXPECT_EQ(page.value("total", -1), static_cast<int>(all_types.size()));
  EXPECT_EQ(types_of(page.at("items")),
            std::vector<std::string>(all_types.begin() + 1, all_types.begin() + 3));
}

TEST_F(ComponentTypes, CoreTypesHaveTheDesignPortsAndParameters) {
  for (const auto& core : core_types()) {
    SCOPED_TRACE(core.type);
    const auto response = http().get("/api/v1/component-types/" + core.type);
    ASSERT_TRUE(HasStatus(response, 200));
    const auto entry = response.json();
    EXPECT_EQ(entry.value("type", ""), core.type);
    EXPECT_EQ(names_of(entry.at("inputs")), core.inputs);
    EXPECT_EQ(names_of(entry.at("outputs")), core.outputs);
    const auto parameter_names = names_of(entry.at("parameters"));
    for (const auto& name : core.parameters) {
      EXPECT_NE(std::find(parameter_names.begin(), parameter_names.end(), name),
                parameter_names.end())
          << "no parameter " << name;
    }
  }
}

TEST_F(ComponentTypes, SumHasOneInputPerSignOfItsDefault) {
  const auto response = http().get("/api/v1/component-types/sum");
  ASSERT_TRUE(HasStatus(response, 200));
  const auto entry = response.json();
  const auto& parameters = entry.at("parameters");
  const auto signs = std::find_if(parameters.begin(), parameters.end(),
                                  [](const auto& p) { return p.at("name") == "signs"; });
  ASSERT_NE(signs, parameters.end()) << "sum has no parameter signs";
  const auto default_signs = signs->at("default").get<std::string>();
  ASSERT_FALSE(default_signs.empty());
  std::vector<std::string> expected_inputs;
  for (std::size_t i = 1; i <= default_signs.size(); ++i) {
    expected_inputs.push_back(fmt::format("u{}", i));
  }
  EXPECT_EQ(names_of(entry.at("inputs")), expected_inputs);
  EXPECT_EQ(names_of(entry.at("outputs")), std::vector<std::string>{"y"});
}

TEST_F(ComponentTypes, EntriesDescribePortsAndParameters) {
  const auto items = list_items("/api/v1/component-types");
  ASSERT_FALSE(items.empty());
  const std::set<std::string> data_types{"real", "int", "bool"};
  for (const auto& entry : items) {
    SCOPED_TRACE(entry.dump());
    EXPECT_TRUE(entry.at("category").is_string());
    EXPECT_TRUE(entry.at("description").is_string());
    for (const auto* direction : {"inputs", "outputs"}) {
      for (const auto& port : entry.at(direction)) {
        EXPECT_TRUE(data_types.contains(port.at("data_type").get<std::string>()));
      }
    }
    for (const auto& parameter : entry.at("parameters")) {
      EXPECT_TRUE(parameter.at("name").is_string());
      EXPECT_TRUE(parameter.at("data_type").is_string());
      EXPECT_TRUE(parameter.contains("default"));
      EXPECT_TRUE(parameter.at("description").is_string());
    }
  }
}

TEST_F(ComponentTypes, OneEntryEqualsItsListEntry) {
  const auto items = list_items("/api/v1/component-types");
  const auto listed = std::find_if(items.begin(), items.end(),
                                   [](const auto& entry) { return entry.at("type") == "pt1"; });
  ASSERT_NE(listed, items.end());
  const auto response = http().get("/api/v1/component-types/pt1");
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_EQ(response.json(), *listed);
}

TEST_F(ComponentTypes, UnknownTypeIs404) {
  const auto response = http().get("/api/v1/component-types/flux_capacitor");
  EXPECT_TRUE(IsProblem(response, 404));
}

}  // namespace
}  // namespace twinloop::itest
