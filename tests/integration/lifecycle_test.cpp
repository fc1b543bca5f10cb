// Server lifecycle: graceful shutdown, restart on the same database, the demo project.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

class Lifecycle : public ::testing::Test {
 protected:
  ServerLaunch launch(std::vector<std::string> extra_arguments = {}) const {
    auto result = ServerLaunch::in(temp_dir_.path());
    result.extra_arguments = std::move(extra_arguments);
    return result;
  }

  TempDir temp_dir_;
};

nlohmann::json get_json(const HttpClient& client, const std::string& target) {
  const auto response = client.get(target);
  EXPECT_TRUE(HasStatus(response, 200)) << target;
  return response.status == 200 ? response.json() : nlohmann::json();
}

nlohmann::json post_json(const HttpClient& client, const std::string& target,
                         const nlohmann::json& body) {
  const auto response = client.post(target, body);
  EXPECT_TRUE(HasStatus(response, 201)) << target;
  return response.status == 201 ? response.json() : nlohmann::json();
}

TEST_F(Lifecycle, SigtermExitsZeroAndARestartKeepsTheData) {
  std::vector<std::string> saved_targets;
  std::vector<nlohmann::json> saved_bodies;
  {
    ServerProcess server(launch());
    const auto client = server.client();
    const auto project = post_json(client, "/api/v1/projects", {{"name", "Durable"}});
    ASSERT_FALSE(project.is_null());
    const auto model = post_json(client, resource_path("projects", project) + "/models",
                                 {{"name", "Kept"}, {"step_size", 0.001}});
    ASSERT_FALSE(model.is_null());
    const auto components_path = resource_path("models", model) + "/components";
    const auto source =
        post_json(client, components_path,
                  {{"name", "source"}, {"type", "constant"}, {"parameters", {{"value", 4.25}}}});
    const auto sink = post_json(client, components_path, {{"name", "sink"}, {"type", "gain"}});
    ASSERT_FALSE(source.is_null() || sink.is_null());
    const auto connection = post_json(client, resource_path("models", model) + "/connections",
                                      connection_body(source, "y", sink, "u"));
    ASSERT_FALSE(connection.is_null());

    saved_targets = {resource_path("projects", project), resource_path("models", model),
                     resource_path("components", source), resource_path("components", sink),
                     resource_path("connections", connection)};
    for (const auto& target : saved_targets)
      saved_bodies.push_back(get_json(client, target));

    const auto status = server.stop(SIGTERM);
    EXPECT_EQ(status.exit_code, 0) << status.describe() << "\n" << server.standard_error();
  }

  ServerProcess restarted(launch());
  for (std::size_t i = 0; i < saved_targets.size(); ++i) {
    EXPECT_EQ(get_json(restarted.client(), saved_targets[i]), saved_bodies[i]) << saved_targets[i];
  }
}

TEST_F(Lifecycle, SigintExitsZero) {
  ServerProcess server(launch());
  ASSERT_TRUE(HasStatus(server.client().get("/healthz"), 200));
  const auto status = server.stop(SIGINT);
  EXPECT_EQ(status.exit_code, 0) << status.describe() << "\n" << server.standard_error();
}

// An open connection that never sends a request must not hold up a graceful shutdown.
TEST_F(Lifecycle, ShutdownDoesNotWaitForIdleConnections) {
  ServerProcess server(launch());
  const int idle_socket = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(idle_socket, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int connected =
      connect(idle_socket, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  EXPECT_EQ(connected, 0);
  ASSERT_TRUE(HasStatus(server.client().get("/healthz"), 200));

  const auto status = server.stop(SIGTERM);
  close(idle_socket);
  EXPECT_FALSE(status.killed_after_grace_period);
  EXPECT_EQ(status.exit_code, 0) << status.describe();
}

TEST_F(Lifecycle, FreshDatabaseWithoutDemoFlagHasNoProjects) {
  ServerProcess server(launch());
  EXPECT_EQ(get_json(server.client(), "/api/v1/projects").value("total", -1), 0);
}

TEST_F(Lifecycle, DemoProjectIsCreatedOnceWithAModel) {
  nlohmann::json demo_project;
  {
    ServerProcess server(launch({"--demo-project"}));
    const auto projects = get_json(server.client(), "/api/v1/projects");
    ASSERT_EQ(projects.value("total", -1), 1) << projects;
    demo_project = projects.at("items").at(0);
    const auto models =
        get_json(server.client(), resource_path("projects", demo_project) + "/models");
    EXPECT_GE(models.value("total", -1), 1) << models;
    EXPECT_EQ(server.stop().exit_code, 0);
  }
  ServerProcess second_start(launch({"--demo-project"}));
  const auto projects = get_json(second_start.client(), "/api/v1/projects");
  EXPECT_EQ(projects.value("total", -1), 1) << projects;
  EXPECT_EQ(projects.at("items").at(0), demo_project);
}

// The demo model passes the API's own validation: its export imports again.
TEST_F(Lifecycle, DemoModelExportsAndImports) {
  ServerProcess server(launch({"--demo-project"}));
  const auto client = server.client();
  const auto project = get_json(client, "/api/v1/projects").at("items").at(0);
  const auto models = get_json(client, resource_path("projects", project) + "/models");
  ASSERT_FALSE(models.at("items").empty());
  const auto model = models.at("items").at(0);

  auto document = get_json(client, resource_path("models", model) + "/export");
  const auto imported =
      client.post(resource_path("projects", project) + "/models/import?name=Demo_copy", document);
  ASSERT_TRUE(HasStatus(imported, 201));
  auto copy = get_json(client, resource_path("models", imported.json()) + "/export");
  for (auto* exported : {&document, &copy}) {
    exported->erase("exported_at");
    (*exported)["model"].erase("name");
  }
  EXPECT_EQ(copy, document);
}

}  // namespace
}  // namespace twinloop::itest
