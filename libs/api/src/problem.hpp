#pragma once

#include <string_view>

#include "twinloop/api/http_message.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::api {

// The problem+json response (RFC 9457) for an error; `instance` is the request path.
Response error_response(const core::Error& error, std::string_view instance);

int status_of(core::ErrorKind kind);

// A problem+json response for a status that no core::ErrorKind stands for (426, 503).
Response status_problem(int status, std::string_view detail, std::string_view instance);

}  // namespace twinloop::api
