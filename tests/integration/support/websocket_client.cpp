#include "support/websocket_client.hpp"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <stdexcept>

namespace twinloop::itest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

WebSocketRefused::WebSocketRefused(HttpResponse answer)
    : std::runtime_error(fmt::format("the server refused the WebSocket with {}", answer.status)),
      response(std::move(answer)) {}

struct WebSocketClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> socket{io};
  beast::flat_buffer buffer;
};

WebSocketClient::WebSocketClient(const std::string& host, std::uint16_t port,
                                 const std::string& target)
    : impl_(std::make_unique<Impl>()) {
  auto& tcp = beast::get_lowest_layer(impl_->socket);
  tcp.expires_after(std::chrono::seconds(10));
  tcp.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port));
  websocket::response_type answer;
  beast::error_code error;
  impl_->socket.handshake(answer, fmt::format("{}:{}", host, port), target, error);
  if (error == websocket::error::upgrade_declined) {
    HttpResponse refused;
    refused.status = static_cast<int>(answer.result_int());
    for (const auto& field : answer) {
      std::string name(field.name_string());
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      refused.headers.emplace(name, std::string(field.value()));
    }
    refused.body = answer.body();
    throw WebSocketRefused(std::move(refused));
  }
  if (error)
    throw std::runtime_error(fmt::format("WebSocket handshake failed: {}", error.message()));
  tcp.expires_never();
}

WebSocketClient::~WebSocketClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->socket).socket().close(ignored);
}

void WebSocketClient::send(const std::string& text) {
  impl_->socket.text(true);
  impl_->socket.write(asio::buffer(text));
}

std::optional<std::string> WebSocketClient::receive(std::chrono::milliseconds timeout) {
  impl_->buffer.consume(impl_->buffer.size());
  std::optional<std::string> message;
  beast::error_code result = asio::error::timed_out;
  impl_->socket.async_read(impl_->buffer, [&](beast::error_code error, std::size_t) {
    result = error;
    if (!error) message = beast::buffers_to_string(impl_->buffer.data());
  });
  impl_->io.restart();
  impl_->io.run_for(timeout);
  if (!impl_->io.stopped()) {
    // Timed out: cancel the read and let its handler run.
    beast::get_lowest_layer(impl_->socket).cancel();
    impl_->io.restart();
    impl_->io.run();
    return std::nullopt;
  }
  if (result == websocket::error::closed) {
    closed_normally_ = impl_->socket.reason().code == websocket::close_code::normal;
  }
  return message;
}

}  // namespace twinloop::itest
