#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "twinloop/api/fmus.hpp"
#include "twinloop/api/http_message.hpp"
#include "twinloop/hil/twin_server.hpp"
#include "twinloop/sim/type_registry.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::api {

struct ApplicationOptions {
  std::string cors_origin;  // empty: no CORS headers; "*" or one origin
  std::string version;      // reported by /healthz
  // Where uploaded FMUs are unpacked, one directory per SHA-256 (<data-dir>/fmus); empty: FMU
  // uploads are refused.
  std::filesystem::path fmu_directory{};
  std::size_t max_fmu_size = default_max_fmu_size;  // bytes, the body limit of an upload
  // The FMUs the registry's `fmu` type opened, so that a deleted FMU is closed there too; null:
  // the application keeps its own.
  std::shared_ptr<fmi::FmuCatalogue> fmus{};
  // Publishes every simulation's signals over OPC UA while it lives; none: no OPC UA. Must
  // outlive the Application.
  hil::TwinServer* twin_server = nullptr;
};

// The REST API: routes every request to its handler and turns errors into problem+json.
// Safe to call from many threads at once.
class Application final : public RequestHandler {
 public:
  Application(store::Store& store, const sim::TypeRegistry& registry, ApplicationOptions options);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  Response handle(const Request& request) override;
  StreamOpening open_stream(const Request& request) override;
  std::size_t body_limit(std::string_view method, std::string_view target) const override;

  // Every (method, path pattern) the API answers, e.g. ("GET", "/api/v1/projects/{id}").
  std::vector<std::pair<std::string, std::string>> routes() const;
  void observe(std::string_view route, std::string_view method, int status,
               std::chrono::nanoseconds latency) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinloop::api
