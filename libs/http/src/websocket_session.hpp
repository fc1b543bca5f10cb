#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "connections.hpp"

namespace twinloop::http {

// Completes the WebSocket handshake of `upgrade` on `stream` (a connection whose HTTP session
// ends here) and serves the API stream on it until either side closes. The connection
// registers itself with the context's registry, so that stop() closes it.
void start_websocket_session(boost::beast::tcp_stream stream,
                             boost::beast::http::request<boost::beast::http::string_body> upgrade,
                             api::StreamOpening opening, ServerContext& context);

}  // namespace twinloop::http
