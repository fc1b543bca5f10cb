// `twinloop serve` with and without its OPC UA server: what the simulation JSON says of it,
// and a taken OPC UA port.
#include <gtest/gtest.h>

#include <regex>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

using nlohmann::json;

class TwinOnOpcua : public ApiTest {
 protected:
  json create_simulation() {
    const auto model = create_model(create_project("hil"), "gain", {{"step_size", 0.01}});
    create_component(model, "gain", "gain", {{"k", 2.0}});
    const auto response =
        http().post(resource_path("models", model) + "/simulations", json::object());
    EXPECT_TRUE(HasStatus(response, 201));
    return response.json();
  }
};

TEST_F(TwinOnOpcua, ASimulationSaysWhereItsNodesAre) {
  const auto simulation = create_simulation();
  ASSERT_TRUE(simulation.contains("opcua")) << simulation.dump();
  const auto& opcua = simulation["opcua"];
  EXPECT_TRUE(std::regex_match(opcua["endpoint_url"].get<std::string>(),
                               std::regex(R"(opc\.tcp://127\.0\.0\.1:[1-9][0-9]*)")))
      << opcua.dump();
  EXPECT_EQ(opcua["node_id_prefix"], "ns=1;s=" + id_text(simulation["id"]) + ".");
  EXPECT_EQ(opcua["active_twin"], false);  // not started
  EXPECT_EQ(opcua["external_inputs"], json::array());
}

TEST_F(TwinOnOpcua, ATakenOpcuaPortIsARuntimeErrorNamingTheOption) {
  const std::string url = create_simulation()["opcua"]["endpoint_url"];
  const std::string taken = url.substr(url.rfind(':') + 1);
  TempDir second_dir;
  const auto second =
      run_twinloop({"serve", "--host", "127.0.0.1", "--port", "0", "--opcua-port", taken,
                    "--data-dir", second_dir.path().string(), "--log-level", "warn"},
                   second_dir.path());
  EXPECT_EQ(second.exit_code(), 1) << second.output();
  EXPECT_NE(second.standard_error.find("--opcua-port"), std::string::npos) << second.output();
}

class WithoutOpcua : public TwinOnOpcua {
 protected:
  std::vector<std::string> server_arguments() const override { return {"--no-opcua"}; }
};

TEST_F(WithoutOpcua, ASimulationHasNoOpcuaPart) {
  const auto simulation = create_simulation();
  EXPECT_FALSE(simulation.contains("opcua")) << simulation.dump();
}

}  // namespace
}  // namespace twinloop::itest
