#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "twinloop/api/http_message.hpp"

namespace twinloop::http {

// Serves the files under one directory (the web app, Swagger UI) for GET and HEAD requests
// outside /api/, /healthz and /metrics. Holds no mutable state, so any thread may call it.
class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // The file, a redirect from a directory to its slash form, or a 404 for a path that tries
  // to leave the directory. A path with no such file and no extension (a route of the web
  // app, /models/4) gets the root's index.html, when there is one. nullopt when the request
  // is for the request handler instead (another method, an API path, or no such file).
  std::optional<api::Response> serve(std::string_view method, std::string_view target) const;

 private:
  std::filesystem::path root_;
};

// Decodes %XX escapes; nullopt when an escape is not two hex digits.
std::optional<std::string> percent_decode(std::string_view text);

// The Content-Type for a file extension such as ".js" (any case); application/octet-stream
// for one not known.
std::string_view content_type_for_extension(std::string_view extension);

}  // namespace twinloop::http
