// Endpoints and bindings through the real server: their validation, and simulations that
// exchange with a PLC — here the server's own OPC UA server, publishing another simulation —
// or with one that is not there.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

using nlohmann::json;

class Bindings : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    project_ = create_project("cell");
    model_ = create_model(project_, "twin", {{"step_size", 0.01}});
    create_component(model_, "gain", "gain", {{"k", 2.0}});
  }

  std::string endpoints_path() const { return resource_path("projects", project_) + "/endpoints"; }
  std::string bindings_path() const { return resource_path("models", model_) + "/bindings"; }

  json create_endpoint(const json& body) {
    const auto response = http().post(endpoints_path(), body);
    EXPECT_TRUE(HasStatus(response, 201));
    return response.json();
  }
  json create_binding(const json& body) {
    const auto response = http().post(bindings_path(), body);
    EXPECT_TRUE(HasStatus(response, 201));
    return response.json();
  }

  // Polls the simulation until `done` holds of it, for up to 20 s.
  template <class Condition>
  json poll(const std::string& path, Condition done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    json status = http().get(path).json();
    while (!done(status) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      status = http().get(path).json();
    }
    return status;
  }

  json project_;
  json model_;
};

TEST_F(Bindings, EndpointsHaveDefaultsHideTheirPasswordAndPatch) {
  const auto endpoint = create_endpoint({{"name", "plc"},
                                         {"url", "opc.tcp://127.0.0.1:4840"},
                                         {"username", "op"},
                                         {"password", "pw"}});
  EXPECT_EQ(endpoint["security_mode"], "None");
  EXPECT_EQ(endpoint["security_policy"], "None");
  EXPECT_EQ(endpoint["connect_timeout"], 5.0);
  EXPECT_EQ(endpoint["request_timeout"], 1.0);
  EXPECT_EQ(endpoint["exchange_period"], nullptr);
  EXPECT_EQ(endpoint["fault_policy"], "hold");
  EXPECT_EQ(endpoint["username"], "op");
  EXPECT_EQ(endpoint["has_password"], true);
  EXPECT_FALSE(endpoint.contains("password"));

  const auto path = resource_path("endpoints", endpoint);
  const auto patched = http().patch(path, {{"fault_policy", "pause"}, {"exchange_period", 0.05}});
  ASSERT_TRUE(HasStatus(patched, 200));
  EXPECT_EQ(patched.json()["fault_policy"], "pause");
  EXPECT_EQ(patched.json()["exchange_period"], 0.05);
  EXPECT_EQ(patched.json()["has_password"], true) << "untouched fields stay";
  // A GET's answer can be sent back as it is.
  EXPECT_TRUE(HasStatus(http().patch(path, http().get(path).json()), 200));
  EXPECT_EQ(list_items(endpoints_path()).size(), 1u);
}

TEST_F(Bindings, BadEndpointsAreRefusedNamingTheField) {
  const auto refused = [&](const json& body, int status, const char* pointer) {
    const auto response = http().post(endpoints_path(), body);
    EXPECT_TRUE(IsProblem(response, status)) << body.dump();
    EXPECT_TRUE(NamesPointer(response, pointer)) << body.dump();
  };
  const json plc = {{"name", "plc"}, {"url", "opc.tcp://plc.local:4840"}};
  refused({{"name", "plc"}, {"url", "http://plc:4840"}}, 422, "/url");
  refused({{"name", "plc"}, {"url", "opc.tcp://:4840"}}, 422, "/url");
  refused({{"name", "plc"}, {"url", "opc.tcp://plc:99999"}}, 422, "/url");
  refused({{"url", "opc.tcp://plc:4840"}}, 400, "/name");
  auto with = [&](const char* field, const json& value) {
    json body = plc;
    body[field] = value;
    return body;
  };
  refused(with("security_mode", "SignAndEncrypt"), 422, "/security_mode");
  refused(with("security_policy", "Basic256Sha256"), 422, "/security_policy");
  refused(with("password", "secret"), 422, "/password");
  refused(with("connect_timeout", 0), 422, "/connect_timeout");
  refused(with("request_timeout", "1s"), 400, "/request_timeout");
  refused(with("exchange_period", -1), 422, "/exchange_period");
  refused(with("fault_policy", "retry"), 422, "/fault_policy");
  refused(with("colour", "red"), 400, "/colour");
  create_endpoint(plc);
  refused(plc, 409, "/name");
  EXPECT_EQ(list_items(endpoints_path()).size(), 1u) << "nothing was kept of the refused ones";
}

TEST_F(Bindings, BindingsAreCheckedAgainstTheModelAndTheProject) {
  const auto endpoint = create_endpoint({{"name", "plc"}, {"url", "opc.tcp://127.0.0.1:4840"}});
  const json read = {{"endpoint_id", endpoint["id"]},
                     {"signal", "gain.u"},
                     {"node_id", "ns=2;s=Q0.1"},
                     {"direction", "read"}};
  const auto created = create_binding(read);
  EXPECT_EQ(created["scale"], 1.0);
  EXPECT_EQ(created["offset"], 0.0);
  EXPECT_EQ(created["data_type"], nullptr);
  EXPECT_EQ(created["model_id"], model_["id"]);

  const auto refused = [&](const json& changes, int status, const char* pointer) {
    json body = read;
    body.update(changes);
    const auto response = http().post(bindings_path(), body);
    EXPECT_TRUE(IsProblem(response, status)) << body.dump();
    EXPECT_TRUE(NamesPointer(response, pointer)) << body.dump();
  };
  refused({{"signal", "belt.u"}}, 422, "/signal");
  refused({{"signal", "gain"}}, 422, "/signal");
  refused({{"signal", "gain.speed"}}, 422, "/signal");
  refused({{"signal", "gain.y"}}, 422, "/direction");    // an output read
  refused({{"direction", "write"}}, 422, "/direction");  // an input written
  refused({{"direction", "both"}}, 422, "/direction");
  refused({{"node_id", "Q0.1"}}, 422, "/node_id");
  refused({{"endpoint_id", 999}}, 422, "/endpoint_id");
  refused({{"data_type", "String"}}, 422, "/data_type");
  refused({{"scale", nullptr}}, 422, "/scale");
  refused(json::object(), 409, "/signal");  // gain.u has its driver already
  const auto other_project = create_project("elsewhere");
  const auto foreign = http().post(resource_path("projects", other_project) + "/endpoints",
                                   {{"name", "plc"}, {"url", "opc.tcp://127.0.0.1:4840"}});
  refused({{"endpoint_id", foreign.json()["id"]}, {"signal", "gain.u"}}, 422, "/endpoint_id");

  const auto write = create_binding({{"endpoint_id", endpoint["id"]},
                                     {"signal", "gain.y"},
                                     {"node_id", "ns=2;i=17"},
                                     {"direction", "write"},
                                     {"scale", 10},
                                     {"data_type", "Int16"}});
  const auto patched =
      http().patch(resource_path("bindings", write), {{"direction", "read"}});  // y is an output
  EXPECT_TRUE(IsProblem(patched, 422));
  EXPECT_EQ(http().get(resource_path("bindings", write)).json()["direction"], "write");
  EXPECT_EQ(list_items(bindings_path()).size(), 2u);

  EXPECT_TRUE(IsProblem(http().del(resource_path("endpoints", endpoint)), 409));
  EXPECT_TRUE(HasStatus(http().del(resource_path("bindings", created)), 204));
  EXPECT_TRUE(HasStatus(http().del(resource_path("bindings", write)), 204));
  EXPECT_TRUE(HasStatus(http().del(resource_path("endpoints", endpoint)), 204));
  EXPECT_TRUE(IsProblem(http().get(resource_path("bindings", write)), 404));
}

TEST_F(Bindings, ABindingWhoseSignalIsGoneStopsANewSimulationNamingIt) {
  const auto endpoint = create_endpoint({{"name", "plc"}, {"url", "opc.tcp://127.0.0.1:1"}});
  const auto binding = create_binding({{"endpoint_id", endpoint["id"]},
                                       {"signal", "gain.u"},
                                       {"node_id", "ns=2;s=speed"},
                                       {"direction", "read"}});
  // Bindings name signals: a renamed component leaves its bindings pointing nowhere.
  const auto gain = list_items(resource_path("models", model_) + "/components").at(0);
  ASSERT_TRUE(
      HasStatus(http().patch(resource_path("components", gain), {{"name", "amplifier"}}), 200));
  const auto response =
      http().post(resource_path("models", model_) + "/simulations", json::object());
  ASSERT_TRUE(IsProblem(response, 422));
  const std::string detail = response.json().value("detail", "");
  EXPECT_NE(detail.find("binding " + id_text(binding["id"]) + " (gain.u <- ns=2;s=speed)"),
            std::string::npos)
      << detail;
  EXPECT_NE(detail.find("no input 'gain.u'"), std::string::npos) << detail;
}

TEST_F(Bindings, ASimulationWithBindingsIsPacedAndReportsAnUnreachablePlc) {
  // Port 1 of the loopback address: nothing listens, so every dial is refused at once.
  const auto endpoint = create_endpoint(
      {{"name", "absent"}, {"url", "opc.tcp://127.0.0.1:1"}, {"connect_timeout", 0.5}});
  create_binding({{"endpoint_id", endpoint["id"]},
                  {"signal", "gain.u"},
                  {"node_id", "ns=2;s=speed"},
                  {"direction", "read"}});
  auto response = http().post(resource_path("models", model_) + "/simulations", json::object());
  ASSERT_TRUE(HasStatus(response, 201));
  const auto simulation = response.json();
  EXPECT_EQ(simulation["realtime_factor"], 1.0) << "paced by default with bindings";
  ASSERT_EQ(simulation["endpoints"].size(), 1u) << simulation.dump();
  EXPECT_EQ(simulation["endpoints"][0]["state"], "connecting");
  EXPECT_EQ(simulation["endpoints"][0]["bindings"], 1);

  const auto path = resource_path("simulations", simulation);
  ASSERT_TRUE(HasStatus(http().post(path + "/start", json::object()), 200));
  const auto running = poll(path, [](const json& status) {
    return status["endpoints"][0]["errors"].get<int>() >= 2 && status["steps"].get<int>() > 0;
  });
  const auto& status = running["endpoints"][0];
  EXPECT_EQ(running["state"], "running") << "hold: the run goes on";
  EXPECT_EQ(status["connected"], false);
  EXPECT_NE(status["last_error"], nullptr);
  EXPECT_EQ(status["cycles"], 0);
  ASSERT_TRUE(HasStatus(http().post(path + "/stop", json::object()), 200));
  const auto ended = poll(path, [](const json& now) { return !now["ended_at"].is_null(); });
  EXPECT_EQ(ended["state"], "stopped");
  EXPECT_EQ(ended["endpoints"][0]["state"], "stopped") << ended.dump();

  // Under `fail` the same PLC fails the run, saying which endpoint and why.
  ASSERT_TRUE(HasStatus(
      http().patch(resource_path("endpoints", endpoint), {{"fault_policy", "fail"}}), 200));
  response =
      http().post(resource_path("models", model_) + "/simulations", {{"realtime_factor", 0}});
  ASSERT_TRUE(HasStatus(response, 201));
  EXPECT_EQ(response.json()["realtime_factor"], 0.0) << "as fast as possible when asked";
  const auto failing = resource_path("simulations", response.json());
  ASSERT_TRUE(HasStatus(http().post(failing + "/start", json::object()), 200));
  const auto failed = poll(failing, [](const json& now) { return now["state"] == "failed"; });
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_NE(failed.value("error", "").find("endpoint 'absent' (opc.tcp://127.0.0.1:1)"),
            std::string::npos)
      << failed.dump();
}

TEST_F(Bindings, ASimulationExchangesWithAPlcThroughItsBindings) {
  // The "PLC" is another simulation on this server's own OPC UA server: a constant to read
  // and a gain whose input the twin writes.
  const auto plc_model = create_model(project_, "plc", {{"step_size", 0.01}});
  create_component(plc_model, "setpoint", "constant", {{"value", 7.0}});
  create_component(plc_model, "sink", "gain", {{"k", 1.0}});
  auto response =
      http().post(resource_path("models", plc_model) + "/simulations", {{"realtime_factor", 1}});
  ASSERT_TRUE(HasStatus(response, 201));
  const auto plc = response.json();
  const std::string prefix = plc["opcua"]["node_id_prefix"];
  const auto plc_path = resource_path("simulations", plc);
  ASSERT_TRUE(HasStatus(http().post(plc_path + "/start", json::object()), 200));

  const auto endpoint = create_endpoint(
      {{"name", "soft-plc"}, {"url", plc["opcua"]["endpoint_url"]}, {"fault_policy", "fail"}});
  create_binding({{"endpoint_id", endpoint["id"]},
                  {"signal", "gain.u"},
                  {"node_id", prefix + "setpoint.y"},
                  {"direction", "read"}});
  create_binding({{"endpoint_id", endpoint["id"]},
                  {"signal", "gain.y"},
                  {"node_id", prefix + "sink.u"},
                  {"direction", "write"}});
  response = http().post(resource_path("models", model_) + "/simulations", json::object());
  ASSERT_TRUE(HasStatus(response, 201));
  const auto twin_path = resource_path("simulations", response.json());
  ASSERT_TRUE(HasStatus(http().post(twin_path + "/start", json::object()), 200));

  const auto twin = poll(twin_path, [](const json& status) {
    return status["endpoints"][0]["cycles"].get<int>() >= 20 || status["state"] != "running";
  });
  EXPECT_EQ(twin["state"], "running") << twin.dump();
  const auto& status = twin["endpoints"][0];
  EXPECT_EQ(status["state"], "connected") << twin.dump();
  EXPECT_EQ(status["errors"], 0) << twin.dump();
  EXPECT_GT(status["p99_exchange_ms"].get<double>(), 0.0);
  // The twin's writes drive the PLC simulation's input: its OPC UA part says so.
  const auto driven = poll(plc_path, [](const json& now) {
    return now["opcua"]["external_inputs"] == json::array({"sink.u"});
  });
  EXPECT_EQ(driven["opcua"]["external_inputs"], json::array({"sink.u"})) << driven.dump();
  // ... with the value the twin computed from what it read: 2 * 7.
  const auto written = poll(plc_path + "/results?signals=sink.y", [](const json& results) {
    const auto& values = results["signals"]["sink.y"];
    return !values.empty() && values.back() == 14.0;
  });
  EXPECT_EQ(written["signals"]["sink.y"].back(), 14.0);
  ASSERT_TRUE(HasStatus(http().post(twin_path + "/stop", json::object()), 200));
  ASSERT_TRUE(HasStatus(http().post(plc_path + "/stop", json::object()), 200));
}

}  // namespace
}  // namespace twinloop::itest
