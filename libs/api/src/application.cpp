#include "twinloop/api/application.hpp"

#include <spdlog/spdlog.h>

#include "metrics.hpp"
#include "problem.hpp"
#include "responses.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "simulations.hpp"
#include "twinloop/core/embedded_file.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::api {

const std::vector<core::EmbeddedFile>& openapi_files();  // generated from openapi/

namespace {

std::string_view openapi_document() {
  for (const auto& file : openapi_files()) {
    if (file.name == "openapi.json") return file.content;
  }
  return "{}";
}

}  // namespace

struct Application::Impl {
  ApplicationOptions options;
  Router router;
  HttpMetrics metrics;

  SimulationRegistry simulations;
  Services services;

  Impl(store::Store& store, const sim::TypeRegistry& registry, ApplicationOptions opts)
      : options(std::move(opts)),
        simulations(store),
        services{store, registry, simulations, options.twin_server} {
    add_service_routes();
    add_catalogue_routes(router, services);
    add_project_routes(router, services);
    add_model_routes(router, services);
    add_model_document_routes(router, services);
    add_component_routes(router, services);
    add_connection_routes(router, services);
    add_simulation_routes(router, services);
    add_hil_routes(router, services);
    add_fmu_routes(router, services, options.fmu_directory,
                   options.fmus ? options.fmus
                                : std::make_shared<fmi::FmuCatalogue>(
                                      make_fmu_resolver(store, options.fmu_directory)));
  }

  void add_service_routes() {
    // The transport serves the web app's index.html at "/" when it is installed; until then
    // a browser pointed at the server lands on the API documentation.
    router.add("GET", "/", [](const Call&) {
      Response response;
      response.status = 302;
      response.headers.emplace_back("Location", "/docs/");
      return response;
    });
    router.add("GET", "/healthz", [this](const Call&) {
      try {
        services.store.find_project(0);
      } catch (const std::exception& error) {
        spdlog::error("health check: the database does not answer: {}", error.what());
        return problem_response(503, "the database does not answer");
      }
      return json_response(
          200, nlohmann::json{{"status", "ok"}, {"version", options.version}, {"database", "ok"}});
    });
    router.add("GET", "/metrics", [this](const Call&) {
      Response response;
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = metrics.render();
      return response;
    });
    router.add("GET", "/api/v1/openapi.json", [](const Call&) {
      Response response;
      response.content_type = "application/json";
      response.body = std::string(openapi_document());
      return response;
    });
  }

  bool cors_allows(const Request& request) const {
    if (options.cors_origin.empty() || request.origin.empty()) return false;
    return options.cors_origin == "*" || options.cors_origin == request.origin;
  }

  void add_cors_headers(const Request& request, Response& response) const {
    if (!cors_allows(request)) return;
    response.headers.emplace_back("Access-Control-Allow-Origin",
                                  options.cors_origin == "*" ? "*" : request.origin);
    response.headers.emplace_back("Vary", "Origin");
    response.headers.emplace_back("Access-Control-Expose-Headers", "Location");
  }

  Response preflight(const Request& request, const Router::Match& match) const {
    Response response = no_content();
    response.headers.emplace_back("Allow", match.allowed_methods + ", OPTIONS");
    if (cors_allows(request)) {
      response.headers.emplace_back("Access-Control-Allow-Methods",
                                    match.allowed_methods + ", OPTIONS");
      response.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
      response.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    return response;
  }

  Response dispatch(const Request& request, std::string_view path, std::string_view query) {
    // HEAD is GET without the body; the transport drops the body.
    const auto match = router.match(request.method == "HEAD" ? "GET" : request.method, path);
    if (!match) {
      throw core::Error(
          core::ErrorKind::not_found,
          fmt::format("no resource at {} (the API is under /api/v1; see /docs)", path));
    }
    if (match->handler == nullptr) {
      if (request.method == "OPTIONS") {
        Response response = preflight(request, *match);
        response.route = std::string(match->pattern);
        return response;
      }
      Response response = error_response(
          core::Error(core::ErrorKind::method_not_allowed,
                      fmt::format("{} does not accept {}; it accepts {}", match->pattern,
                                  request.method, match->allowed_methods)),
          path);
      response.headers.emplace_back("Allow", match->allowed_methods);
      response.route = std::string(match->pattern);
      return response;
    }
    const Call call{request, path, query, match->path_parameters};
    Response response;
    try {
      response = (*match->handler)(call);
    } catch (const core::Error& error) {
      response = error_response(error, path);
    }
    response.route = std::string(match->pattern);
    return response;
  }
};

Application::Application(store::Store& store, const sim::TypeRegistry& registry,
                         ApplicationOptions options)
    : impl_(std::make_unique<Impl>(store, registry, std::move(options))) {}

Application::~Application() = default;

Response Application::handle(const Request& request) {
  const auto question = request.target.find('?');
  const std::string_view target(request.target);
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  Response response;
  try {
    response = impl_->dispatch(request, path, query);
  } catch (const core::Error& error) {
    if (error.kind() == core::ErrorKind::internal) {
      spdlog::error("{} {}: {}", request.method, path, error.what());
    }
    response = error_response(error, path);
  } catch (const std::exception& error) {
    spdlog::error("{} {}: unexpected error: {}", request.method, path, error.what());
    response = error_response(core::Error(core::ErrorKind::internal,
                                          "the server failed to answer this request; the "
                                          "server log has the details"),
                              path);
  }
  impl_->add_cors_headers(request, response);
  return response;
}

StreamOpening Application::open_stream(const Request& request) {
  const std::string_view target(request.target);
  const auto question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  StreamOpening opening;
  try {
    const auto match = impl_->router.match("GET", path);
    if (!match || match->pattern != simulation_stream_route) {
      throw core::Error(core::ErrorKind::not_found,
                        fmt::format("no WebSocket endpoint at {} (simulations stream at {})", path,
                                    simulation_stream_route));
    }
    opening.route = std::string(match->pattern);
    const Call call{request, path, query, match->path_parameters};
    opening.stream = open_simulation_stream(impl_->services, call);
  } catch (const core::Error& error) {
    opening.refusal = error_response(error, path);
  } catch (const std::exception& error) {
    spdlog::error("opening a stream on {}: unexpected error: {}", path, error.what());
    opening.refusal = error_response(core::Error(core::ErrorKind::internal,
                                                 "the server failed to open the stream; the "
                                                 "server log has the details"),
                                     path);
  }
  return opening;
}

std::size_t Application::body_limit(std::string_view method, std::string_view target) const {
  if (method != "POST") return 0;
  const auto match = impl_->router.match(method, target.substr(0, target.find('?')));
  return match && match->pattern == fmu_upload_route ? impl_->options.max_fmu_size : 0;
}

std::vector<std::pair<std::string, std::string>> Application::routes() const {
  return impl_->router.routes();
}

void Application::observe(std::string_view route, std::string_view method, int status,
                          std::chrono::nanoseconds latency) {
  impl_->metrics.observe(route, method, status, latency);
}

}  // namespace twinloop::api
