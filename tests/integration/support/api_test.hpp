#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace twinloop::itest {

// An id from a resource as it appears in a URL (ids may be JSON numbers or strings).
std::string id_text(const nlohmann::json& id);

// "/api/v1/<collection>/<id of resource>", e.g. resource_path("projects", project).
std::string resource_path(std::string_view collection, const nlohmann::json& resource);

// Checks of a response, for EXPECT_TRUE/ASSERT_TRUE; the body is in the failure message.
::testing::AssertionResult HasStatus(const HttpResponse& response, int status);
// An RFC 9457 problem: the status, Content-Type application/problem+json, and a body with
// "type" urn:twinloop:problem:<slug>, "title", "status" equal to the HTTP status, "detail"
// and "instance".
::testing::AssertionResult IsProblem(const HttpResponse& response, int status);
::testing::AssertionResult HasProblemSlug(const HttpResponse& response, std::string_view slug);
// The problem's "errors" has an entry with this "pointer" (body fields) or "parameter"
// (query parameters).
::testing::AssertionResult NamesPointer(const HttpResponse& response, std::string_view pointer);
::testing::AssertionResult NamesParameter(const HttpResponse& response, std::string_view name);

// A test with its own server on a fresh temporary directory and database, started before
// the test body with server_arguments() added to the standard launch.
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  virtual std::vector<std::string> server_arguments() const { return {}; }

  const HttpClient& http() const { return *client_; }
  std::uint16_t port() const { return server_->port(); }
  const TempDir& temp_dir() const { return temp_dir_; }

  // Create through the API; throw (failing the test) unless the answer is 201.
  nlohmann::json create_project(const std::string& name);
  nlohmann::json create_model(const nlohmann::json& project, const std::string& name,
                              const nlohmann::json& extra_fields = nlohmann::json::object());
  nlohmann::json create_component(const nlohmann::json& model, const std::string& name,
                                  const std::string& type,
                                  const nlohmann::json& parameters = nlohmann::json::object());
  nlohmann::json connect(const nlohmann::json& model, const nlohmann::json& source_component,
                         const std::string& source_port, const nlohmann::json& target_component,
                         const std::string& target_port);

  // Every item of a list endpoint, as returned on one page of at most 1000.
  nlohmann::json list_items(const std::string& collection_path);

 private:
  TempDir temp_dir_;
  std::optional<ServerProcess> server_;
  std::optional<HttpClient> client_;
};

// The body of POST /models/{id}/connections.
nlohmann::json connection_body(const nlohmann::json& source_component,
                               const std::string& source_port,
                               const nlohmann::json& target_component,
                               const std::string& target_port);

}  // namespace twinloop::itest
