#include "websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace twinloop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using Clock = std::chrono::steady_clock;

// Client messages are small control requests; anything larger is a mistake or an attack.
constexpr std::size_t kMaxClientMessage = 64 * 1024;
// How long a close waits for the client's close frame before it drops the connection.
constexpr std::chrono::seconds kCloseTimeout{1};

// One WebSocket connection serving an api::Stream. Every member runs on the connection's
// strand. Polls happen on a timer; while a write is still in flight the poll is skipped, so a
// slow client gets fewer, fuller frames instead of a growing queue.
class WebSocketSession final : public Connection,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(beast::tcp_stream stream, beast::http::request<beast::http::string_body> upgrade,
                   api::StreamOpening opening, ServerContext& context)
      : context_(context),
        socket_(std::move(stream)),
        upgrade_(std::move(upgrade)),
        stream_(std::move(opening.stream)),
        route_(std::move(opening.route)),
        timer_(socket_.get_executor()),
        started_(Clock::now()) {}

  ~WebSocketSession() override { context_.registry.remove(this); }

  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  void start() {
    beast::get_lowest_layer(socket_).expires_never();
    socket_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    socket_.read_message_max(kMaxClientMessage);
    socket_.async_accept(
        upgrade_, [self = shared_from_this()](beast::error_code error) { self->on_accept(error); });
  }

  void post_close_if_idle() override {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->request_close(websocket::close_code::going_away);
    });
  }

 private:
  void on_accept(beast::error_code error) {
    if (error) {
      spdlog::debug("WebSocket handshake on {} failed: {}", upgrade_.target(), error.message());
      return;
    }
    observe(101);
    read();
    tick();
  }

  void observe(int status) {
    try {
      context_.handler.observe(route_, "GET", status, Clock::now() - started_);
    } catch (const std::exception& exception) {
      spdlog::warn("observing a WebSocket on {} failed: {}", upgrade_.target(), exception.what());
    }
  }

  void tick() {
    if (close_requested_) return;
    if (!writing_) {
      std::vector<std::string> messages;
      bool more = true;
      try {
        more = stream_->poll(messages);
      } catch (const std::exception& exception) {
        spdlog::warn("the stream on {} failed: {}", upgrade_.target(), exception.what());
        return request_close(websocket::close_code::internal_error);
      }
      enqueue(std::move(messages));
      if (!more) return request_close(websocket::close_code::normal);
    }
    timer_.expires_after(stream_->interval());
    timer_.async_wait([self = shared_from_this()](beast::error_code error) {
      if (!error) self->tick();
    });
  }

  void read() {
    socket_.async_read(read_buffer_,
                       [self = shared_from_this()](beast::error_code error, std::size_t) {
                         self->on_read(error);
                       });
  }

  void on_read(beast::error_code error) {
    if (error) {
      // The client closed, went away or broke the protocol: nothing more to send to it.
      spdlog::debug("WebSocket on {} closed: {}", upgrade_.target(), error.message());
      close_requested_ = true;
      timer_.cancel();
      return;
    }
    std::vector<std::string> replies;
    if (!socket_.got_text()) {
      replies.emplace_back(
          R"({"type":"error","status":400,"detail":"send JSON text messages, not binary ones"})");
    } else {
      try {
        stream_->receive(beast::buffers_to_string(read_buffer_.data()), replies);
      } catch (const std::exception& exception) {
        spdlog::warn("the stream on {} failed on a message: {}", upgrade_.target(),
                     exception.what());
        return request_close(websocket::close_code::internal_error);
      }
    }
    read_buffer_.consume(read_buffer_.size());
    enqueue(std::move(replies));
    read();
  }

  void enqueue(std::vector<std::string> messages) {
    for (auto& message : messages)
      outbox_.push_back(std::move(message));
    if (!writing_) write_next();
  }

  void write_next() {
    if (outbox_.empty()) {
      writing_ = false;
      if (close_code_) close_now();
      return;
    }
    writing_ = true;
    socket_.text(true);
    socket_.async_write(asio::buffer(outbox_.front()),
                        [self = shared_from_this()](beast::error_code error, std::size_t) {
                          self->on_write(error);
                        });
  }

  void on_write(beast::error_code error) {
    if (error) {
      spdlog::debug("writing to the WebSocket on {} failed: {}", upgrade_.target(),
                    error.message());
      writing_ = false;
      close_requested_ = true;
      timer_.cancel();
      return;
    }
    outbox_.pop_front();
    write_next();
  }

  // Sends what is queued, then the close frame.
  void request_close(websocket::close_code code) {
    if (close_requested_) return;
    close_requested_ = true;
    close_code_ = code;
    timer_.cancel();
    if (!writing_) close_now();
  }

  void close_now() {
    if (closing_ || !socket_.is_open()) return;
    closing_ = true;
    // A client that does not answer the close frame (busy, gone) must not hold a shutdown.
    websocket::stream_base::timeout closing{};
    closing.handshake_timeout = kCloseTimeout;
    closing.idle_timeout = websocket::stream_base::none();
    closing.keep_alive_pings = false;
    socket_.set_option(closing);
    socket_.async_close(*close_code_, [self = shared_from_this()](beast::error_code error) {
      if (error) spdlog::debug("closing a WebSocket failed: {}", error.message());
    });
  }

  ServerContext& context_;
  websocket::stream<beast::tcp_stream> socket_;
  beast::http::request<beast::http::string_body> upgrade_;
  std::unique_ptr<api::Stream> stream_;
  std::string route_;
  asio::steady_timer timer_;
  Clock::time_point started_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool close_requested_ = false;
  bool closing_ = false;
  std::optional<websocket::close_code> close_code_;
};

}  // namespace

void start_websocket_session(beast::tcp_stream stream,
                             beast::http::request<beast::http::string_body> upgrade,
                             api::StreamOpening opening, ServerContext& context) {
  auto session = std::make_shared<WebSocketSession>(std::move(stream), std::move(upgrade),
                                                    std::move(opening), context);
  context.registry.add(session);
  if (context.registry.stopping()) return;  // closes as the last reference goes
  session->start();
}

}  // namespace twinloop::http
