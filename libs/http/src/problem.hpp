#pragma once

#include <string_view>

#include "twinloop/api/http_message.hpp"

namespace twinloop::http {

// An RFC 9457 application/problem+json response for failures the transport answers itself,
// before or instead of the request handler: {"type", "title", "status", "detail"} and, when
// the request's path is known, "instance".
api::Response make_problem(int status, std::string_view title, std::string_view detail,
                           std::string_view instance = {});

}  // namespace twinloop::http
