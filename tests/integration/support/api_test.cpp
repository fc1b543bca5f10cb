#include "support/api_test.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace twinloop::itest {
namespace {

std::string describe(const HttpResponse& response) {
  return fmt::format("HTTP {} Content-Type '{}' body: {}", response.status,
                     response.header("content-type"), response.body);
}

std::optional<nlohmann::json> json_body(const HttpResponse& response) {
  try {
    return response.json();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// The string member `key` of a JSON object; empty when absent or not a string.
std::string string_member(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
  return object[key].get<std::string>();
}

::testing::AssertionResult names_error_field(const HttpResponse& response, const char* key,
                                             std::string_view value) {
  const auto body = json_body(response);
  if (!body || !body->is_object() || !body->contains("errors") || !(*body)["errors"].is_array()) {
    return ::testing::AssertionFailure()
           << "no \"errors\" array naming " << key << " '" << value << "': " << describe(response);
  }
  for (const auto& error : (*body)["errors"]) {
    if (string_member(error, key) == value) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "\"errors\" has no entry with " << key << " '" << value << "': " << describe(response);
}

nlohmann::json expect_created(const HttpResponse& response, std::string_view what) {
  if (response.status != 201) {
    throw std::runtime_error(fmt::format("creating {} failed: {}", what, describe(response)));
  }
  return response.json();
}

}  // namespace

std::string id_text(const nlohmann::json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer()) return id.dump();
  throw std::invalid_argument("an id must be a string or an integer, not " + id.dump());
}

std::string resource_path(std::string_view collection, const nlohmann::json& resource) {
  return fmt::format("/api/v1/{}/{}", collection, id_text(resource.at("id")));
}

::testing::AssertionResult HasStatus(const HttpResponse& response, int status) {
  if (response.status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected HTTP " << status << ", got " << describe(response);
}

::testing::AssertionResult IsProblem(const HttpResponse& response, int status) {
  if (response.status != status) {
    return ::testing::AssertionFailure()
           << "expected HTTP " << status << ", got " << describe(response);
  }
  if (!response.header("content-type").starts_with("application/problem+json")) {
    return ::testing::AssertionFailure() << "not application/problem+json: " << describe(response);
  }
  const auto body = json_body(response);
  if (!body || !body->is_object()) {
    return ::testing::AssertionFailure() << "the body is no JSON object: " << describe(response);
  }
  const bool well_formed = string_member(*body, "type").starts_with("urn:twinloop:problem:") &&
                           !string_member(*body, "title").empty() &&
                           !string_member(*body, "detail").empty() && body->contains("instance") &&
                           (*body)["instance"].is_string() && body->contains("status") &&
                           (*body)["status"] == status;
  if (!well_formed) {
    return ::testing::AssertionFailure()
           << "expected type urn:twinloop:problem:<slug>, title, detail, instance and status "
           << status << ": " << describe(response);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HasProblemSlug(const HttpResponse& response, std::string_view slug) {
  const auto body = json_body(response);
  const std::string expected = fmt::format("urn:twinloop:problem:{}", slug);
  if (body && string_member(*body, "type") == expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected type " << expected << ": " << describe(response);
}

::testing::AssertionResult NamesPointer(const HttpResponse& response, std::string_view pointer) {
  return names_error_field(response, "pointer", pointer);
}

::testing::AssertionResult NamesParameter(const HttpResponse& response, std::string_view name) {
  return names_error_field(response, "parameter", name);
}

void ApiTest::SetUp() {
  auto launch = ServerLaunch::in(temp_dir_.path());
  launch.extra_arguments = server_arguments();
  server_.emplace(launch);
  client_.emplace(server_->client());
}

void ApiTest::TearDown() {
  if (!server_) return;
  if (const auto ended = server_->exit_status_if_ended()) {
    ADD_FAILURE() << "the server " << ended->describe() << " during the test; its standard error:\n"
                  << server_->standard_error();
    return;
  }
  server_->stop();
}

nlohmann::json ApiTest::create_project(const std::string& name) {
  return expect_created(http().post("/api/v1/projects", {{"name", name}}), "project " + name);
}

nlohmann::json ApiTest::create_model(const nlohmann::json& project, const std::string& name,
                                     const nlohmann::json& extra_fields) {
  auto body = extra_fields;
  body["name"] = name;
  return expect_created(http().post(resource_path("projects", project) + "/models", body),
                        "model " + name);
}

nlohmann::json ApiTest::create_component(const nlohmann::json& model, const std::string& name,
                                         const std::string& type,
                                         const nlohmann::json& parameters) {
  const nlohmann::json body{{"name", name}, {"type", type}, {"parameters", parameters}};
  return expect_created(http().post(resource_path("models", model) + "/components", body),
                        "component " + name);
}

nlohmann::json ApiTest::connect(const nlohmann::json& model, const nlohmann::json& source_component,
                                const std::string& source_port,
                                const nlohmann::json& target_component,
                                const std::string& target_port) {
  return expect_created(
      http().post(resource_path("models", model) + "/connections",
                  connection_body(source_component, source_port, target_component, target_port)),
      fmt::format("connection {}.{} -> {}.{}", source_component.value("name", "?"), source_port,
                  target_component.value("name", "?"), target_port));
}

nlohmann::json ApiTest::list_items(const std::string& collection_path) {
  const auto response = http().get(collection_path + "?limit=1000");
  if (response.status != 200) {
    throw std::runtime_error(fmt::format("GET {} failed: {}", collection_path, describe(response)));
  }
  return response.json().at("items");
}

nlohmann::json connection_body(const nlohmann::json& source_component,
                               const std::string& source_port,
                               const nlohmann::json& target_component,
                               const std::string& target_port) {
  return {{"source", {{"component_id", source_component.at("id")}, {"port", source_port}}},
          {"target", {{"component_id", target_component.at("id")}, {"port", target_port}}}};
}

}  // namespace twinloop::itest
