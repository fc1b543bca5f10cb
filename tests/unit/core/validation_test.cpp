#include "twinloop/core/validation.hpp"

#include <gtest/gtest.h>

#include "twinloop/core/error.hpp"

namespace twinloop::core {
namespace {

using nlohmann::json;

// A type with one parameter of each kind and ports that depend on a parameter.
ComponentTypeInfo test_type() {
  ComponentTypeInfo info;
  info.type = "probe";
  info.category = "test";
  ParameterSpec gain{"k", ParameterType::real, 1.0, "", -10.0, 10.0, "gain", {}};
  ParameterSpec count{"n", ParameterType::integer, 2, "", 1.0, 4.0, "inputs", {}};
  ParameterSpec flag{"enabled", ParameterType::boolean, true, "", {}, {}, "flag", {}};
  ParameterSpec label{"label", ParameterType::string, "x", "", {}, {}, "label", {}};
  label.check = [](const json& value) -> std::optional<std::string> {
    if (value.get<std::string>().empty()) return "must not be empty";
    return std::nullopt;
  };
  info.parameters = {gain, count, flag, label};
  info.ports = [](const json& parameters) {
    Ports ports;
    for (int i = 1; i <= parameters.at("n").get<int>(); ++i) {
      ports.inputs.push_back(PortSpec{"u" + std::to_string(i), SignalType::real, "", 0, true, ""});
    }
    ports.outputs.push_back(PortSpec{"y", SignalType::real, "", 0, false, ""});
    ports.outputs.push_back(PortSpec{"done", SignalType::boolean, "", 0, false, ""});
    ports.inputs.push_back(PortSpec{"enable", SignalType::boolean, "", 0, true, ""});
    return ports;
  };
  return info;
}

// The pointer of the single field an Error names, after running `action`.
template <typename Action>
std::string failing_pointer(Action action, ErrorKind expected = ErrorKind::unprocessable) {
  try {
    action();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), expected) << error.what();
    return error.fields().empty() ? "<none>" : error.fields().front().pointer;
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(MergeParameters, FillsDefaults) {
  const auto merged = merge_parameters(test_type(), json::object(), json::object());
  EXPECT_EQ(merged, (json{{"k", 1.0}, {"n", 2}, {"enabled", true}, {"label", "x"}}));
}

TEST(MergeParameters, PatchOverridesAndNullRestoresDefault) {
  const auto type = test_type();
  const auto first = merge_parameters(type, json::object(), json{{"k", 3}, {"label", "a"}});
  EXPECT_EQ(first["k"], 3.0);
  const auto second = merge_parameters(type, first, json{{"k", nullptr}, {"n", 4}});
  EXPECT_EQ(second["k"], 1.0);
  EXPECT_EQ(second["n"], 4);
  EXPECT_EQ(second["label"], "a");
}

TEST(MergeParameters, IntegerAcceptsIntegralFloat) {
  const auto merged = merge_parameters(test_type(), json::object(), json{{"n", 3.0}});
  EXPECT_TRUE(merged["n"].is_number_integer());
  EXPECT_EQ(merged["n"], 3);
}

TEST(MergeParameters, RefusesUnknownParameter) {
  EXPECT_EQ(failing_pointer([] {
              merge_parameters(test_type(), json::object(), json{{"gain", 1}});
            }),
            "/parameters/gain");
}

TEST(MergeParameters, RefusesWrongTypes) {
  const auto type = test_type();
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"k", "abc"}});
            }),
            "/parameters/k");
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"k", true}});
            }),
            "/parameters/k");
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"n", 2.5}});
            }),
            "/parameters/n");
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"enabled", 1}});
            }),
            "/parameters/enabled");
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"label", 5}});
            }),
            "/parameters/label");
}

TEST(MergeParameters, RefusesOutOfRangeAndBrokenRules) {
  const auto type = test_type();
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"k", 10.5}});
            }),
            "/parameters/k");
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"n", 0}});
            }),
            "/parameters/n");
  EXPECT_EQ(failing_pointer([&] {
              merge_parameters(type, json::object(), json{{"label", ""}});
            }),
            "/parameters/label");
}

TEST(MergeParameters, PrefixesPointers) {
  EXPECT_EQ(failing_pointer([] {
              merge_parameters(test_type(), json::object(), json{{"k", 99}}, "/components/2");
            }),
            "/components/2/parameters/k");
}

TEST(ComponentName, AcceptsIdentifiers) {
  EXPECT_NO_THROW(check_component_name("pt1_a-2", "/name"));
  EXPECT_NO_THROW(check_component_name("_x", "/name"));
}

TEST(ComponentName, RefusesOthers) {
  for (const std::string& name :
       std::vector<std::string>{"", "1abc", "a.b", "a b", std::string(65, 'a'), "ä"}) {
    EXPECT_EQ(failing_pointer([&] { check_component_name(name, "/name"); }), "/name") << name;
  }
}

TEST(DisplayName, RefusesEmptyLongAndControl) {
  EXPECT_NO_THROW(check_display_name("Line 3 — press", "/name"));
  EXPECT_EQ(failing_pointer([] { check_display_name("", "/name"); }), "/name");
  EXPECT_EQ(failing_pointer([] { check_display_name(std::string(201, 'x'), "/name"); }), "/name");
  EXPECT_EQ(failing_pointer([] { check_display_name("a\nb", "/name"); }), "/name");
}

class ConnectionPorts : public ::testing::Test {
 protected:
  ComponentTypeInfo type = test_type();
  Component a{1, 1, "a", "probe", merge_parameters(type, {}, json::object()), {}, {}, {}};
  Component b{2, 1, "b", "probe", merge_parameters(type, {}, json{{"n", 3}}), {}, {}, {}};

  void connect(const std::string& from, const std::string& to) {
    check_connection_ports(a, type, b, type, Connection{0, 1, {1, from}, {2, to}, {}});
  }
};

TEST_F(ConnectionPorts, AcceptsOutputToInput) {
  EXPECT_NO_THROW(connect("y", "u3"));
  EXPECT_NO_THROW(connect("done", "enable"));
}

TEST_F(ConnectionPorts, RefusesUnknownPorts) {
  EXPECT_EQ(failing_pointer([&] { connect("nope", "u1"); }), "/source/port");
  EXPECT_EQ(failing_pointer([&] { connect("y", "u4"); }), "/target/port");
}

TEST_F(ConnectionPorts, RefusesWrongDirections) {
  EXPECT_EQ(failing_pointer([&] { connect("u1", "u2"); }), "/source/port");
  EXPECT_EQ(failing_pointer([&] { connect("y", "done"); }), "/target/port");
}

TEST_F(ConnectionPorts, RefusesDataTypeMismatch) {
  try {
    connect("done", "u1");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.type_slug(), "port-type-mismatch");
    EXPECT_EQ(error.fields().at(0).pointer, "/target/port");
  }
}

TEST(CatalogueEntry, ListsPortsAndParameters) {
  const json entry = to_json(test_type());
  EXPECT_EQ(entry["type"], "probe");
  EXPECT_EQ(entry["inputs"].size(), 3u);  // u1, u2, enable for n = 2
  EXPECT_EQ(entry["inputs"][2]["data_type"], "bool");
  EXPECT_EQ(entry["inputs"][2]["default"], false);
  EXPECT_EQ(entry["parameters"][0]["min"], -10.0);
  EXPECT_EQ(entry["parameters"][1]["data_type"], "int");
}

}  // namespace
}  // namespace twinloop::core
