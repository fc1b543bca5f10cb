#include "twinloop/http/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connections.hpp"
#include "problem.hpp"
#include "static_files.hpp"
#include "termination_signal.hpp"
#include "websocket_session.hpp"

namespace twinloop::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// After answering 413 or 400 the client may still be sending; reading what it sends for a
// while before closing keeps the kernel from resetting the connection before the client has
// read the answer.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerReadSize = 16 * 1024;
// Accept fails persistently when the process is out of file descriptors; retrying at once
// would spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

api::Response internal_error() {
  return make_problem(500, "Internal Server Error",
                      "The server failed to answer the request; its log has the details.");
}

bool is_http_error(const beast::error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

bool is_valid_header_text(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Framing headers belong to the transport: a handler's copy would contradict the framing the
// transport writes.
bool is_framing_header(std::string_view name) {
  return beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
         beast::iequals(name, "Connection");
}

std::string format_endpoint(const tcp::endpoint& endpoint) {
  if (endpoint.address().is_v6()) {
    return fmt::format("[{}]:{}", endpoint.address().to_string(), endpoint.port());
  }
  return fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

// One connection: reads requests one after the other and answers each before reading the
// next. Every member runs on the connection's strand.
class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerContext& context)
      : context_(context), stream_(std::move(socket)) {}

  ~Session() override { context_.registry.remove(this); }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Posted by stop(): a connection waiting for a request that has not begun, or draining after
  // an error answer, closes now; one with a request in progress finishes it first.
  void post_close_if_idle() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close_if_idle(); });
  }

 private:
  enum class Phase { waiting, reading, answering, lingering };
  // What the connection does once a response is written.
  enum class AfterWrite { read_next, close, linger };

  // What observe() and the debug log need to know about the request being answered.
  struct Exchange {
    std::string method;
    std::string target;
    Clock::time_point header_parsed;
    std::string route = "unmatched";
    int status = 0;
  };

  std::size_t body_limit_ = 0;  // of the request being read

  void close_if_idle() {
    const bool request_begun = buffer_.size() > 0 || (parser_ && parser_->got_some());
    if ((phase_ == Phase::waiting && !request_begun) || phase_ == Phase::lingering) {
      stream_.cancel();
    }
  }

  void read_header() {
    if (context_.registry.stopping()) return close();
    phase_ = Phase::waiting;
    exchange_.reset();
    parser_.emplace();
    // The limit depends on the route, known once the header is in (on_header).
    parser_->body_limit(boost::none);
    stream_.expires_after(context_.options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code error, std::size_t) {
                               self->on_header(error);
                             });
  }

  void on_header(beast::error_code error) {
    if (error) return on_read_error(error);
    phase_ = Phase::reading;
    begin_exchange();
    const std::size_t route_limit =
        context_.handler.body_limit(exchange_->method, exchange_->target);
    body_limit_ = route_limit > 0 ? route_limit : context_.options.body_limit;
    if (const auto length = parser_->content_length(); length && *length > body_limit_) {
      return on_read_error(bhttp::error::body_limit);
    }
    parser_->body_limit(body_limit_);
    if (parser_->is_done()) return answer_request();
    if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      return send_continue();
    }
    read_body();
  }

  void begin_exchange() {
    const auto& header = parser_->get();
    exchange_.emplace(Exchange{.method = std::string(header.method_string()),
                               .target = std::string(header.target()),
                               .header_parsed = Clock::now()});
  }

  // Clients that ask with Expect: 100-continue wait for this before sending the body.
  void send_continue() {
    continue_response_ =
        bhttp::response<bhttp::empty_body>(bhttp::status::continue_, parser_->get().version());
    stream_.expires_after(context_.options.idle_timeout);
    bhttp::async_write(stream_, continue_response_,
                       [self = shared_from_this()](beast::error_code error, std::size_t) {
                         if (error) return self->on_read_error(error);
                         self->read_body();
                       });
  }

  void read_body() {
    stream_.expires_after(context_.options.idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code error, std::size_t) {
                        if (error) return self->on_read_error(error);
                        self->answer_request();
                      });
  }

  void on_read_error(beast::error_code error) {
    if (error == bhttp::error::body_limit) {
      // A Content-Length over the limit fails the header itself, whose fields are parsed.
      if (!exchange_) begin_exchange();
      return answer_error(make_problem(
          413, "Content Too Large",
          fmt::format("The request body is larger than the limit of {} bytes.", body_limit_),
          exchange_->target));
    }
    // A peer that goes away mid-request gets no answer: nobody would read it.
    if (is_http_error(error) && error != bhttp::error::end_of_stream &&
        error != bhttp::error::partial_message) {
      return answer_error(
          make_problem(400, "Bad Request",
                       fmt::format("The request is not valid HTTP/1.1: {}.", error.message())));
    }
    spdlog::debug("connection closed: {}", error.message());
    close();
  }

  void answer_request() {
    phase_ = Phase::answering;
    bhttp::request<bhttp::string_body> message = parser_->release();
    if (beast::websocket::is_upgrade(message)) return upgrade(std::move(message));
    api::Request request{
        .method = exchange_->method,
        .target = exchange_->target,
        .content_type = std::string(message[bhttp::field::content_type]),
        .origin = std::string(message[bhttp::field::origin]),
        .body = std::move(message.body()),
    };
    api::Response response = respond(request);
    // Decided after the handler ran, so a response finished during shutdown says it closes.
    const bool keep_alive = message.keep_alive() && !context_.registry.stopping();
    write(std::move(response), message.version(),
          keep_alive ? AfterWrite::read_next : AfterWrite::close,
          message.method() == bhttp::verb::head);
  }

  // A WebSocket upgrade: the API accepts it with a stream, which takes over the connection,
  // or refuses it with an HTTP answer.
  void upgrade(bhttp::request<bhttp::string_body> message) {
    const api::Request request{.method = exchange_->method,
                               .target = exchange_->target,
                               .content_type = {},
                               .origin = std::string(message[bhttp::field::origin]),
                               .body = {}};
    api::StreamOpening opening;
    try {
      opening = context_.handler.open_stream(request);
    } catch (const std::exception& exception) {
      spdlog::warn("opening a stream on {} failed: {}", request.target, exception.what());
      opening.refusal = internal_error();
    }
    if (!opening.stream) {
      opening.refusal.route = std::move(opening.route);
      return write(std::move(opening.refusal), message.version(), AfterWrite::close, false);
    }
    exchange_.reset();
    start_websocket_session(std::move(stream_), std::move(message), std::move(opening), context_);
  }

  api::Response respond(const api::Request& request) {
    try {
      if (context_.static_files) {
        if (auto file = context_.static_files->serve(request.method, request.target)) {
          return std::move(*file);
        }
      }
      return context_.handler.handle(request);
    } catch (const std::exception& exception) {
      spdlog::warn("{} {} failed: {}", request.method, request.target, exception.what());
    } catch (...) {
      spdlog::warn("{} {} failed with an exception that is not a std::exception", request.method,
                   request.target);
    }
    return internal_error();
  }

  void answer_error(api::Response problem) {
    phase_ = Phase::answering;
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    write(std::move(problem), version, AfterWrite::linger, false);
  }

  void write(api::Response response, unsigned version, AfterWrite after, bool head) {
    const bool keep_alive = after == AfterWrite::read_next;
    try {
      build_message(std::move(response), version, keep_alive, head);
    } catch (const std::exception& exception) {
      spdlog::warn("the response to {} {} is not valid HTTP: {}",
                   exchange_ ? exchange_->method : "", exchange_ ? exchange_->target : "",
                   exception.what());
      build_message(internal_error(), version, keep_alive, head);
    }
    stream_.expires_after(context_.options.idle_timeout);
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this(), after](beast::error_code error, std::size_t) {
                         self->on_write(error, after);
                       });
  }

  void build_message(api::Response response, unsigned version, bool keep_alive, bool head) {
    if (response.status < 200 || response.status > 599) {
      throw std::invalid_argument(fmt::format("status {} is not a final status", response.status));
    }
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) {
      if (name.empty() || !is_valid_header_text(name) || !is_valid_header_text(value)) {
        throw std::invalid_argument(fmt::format("header '{}' is not valid", name));
      }
      if (!is_framing_header(name)) response_.insert(name, value);
    }
    if (!response.content_type.empty()) {
      if (!is_valid_header_text(response.content_type)) {
        throw std::invalid_argument("the content type is not valid");
      }
      response_.set(bhttp::field::content_type, response.content_type);
    }
    response_.keep_alive(keep_alive);
    const bool bodiless = response.status == 204 || response.status == 304;
    if (!bodiless) {
      response_.content_length(response.body.size());
      if (!head) response_.body() = std::move(response.body);
    }
    if (exchange_) {
      exchange_->route = std::move(response.route);
      exchange_->status = response.status;
    }
  }

  void on_write(beast::error_code error, AfterWrite after) {
    if (exchange_) report(*exchange_);
    if (error) {
      spdlog::debug("writing a response failed: {}", error.message());
      return close();
    }
    if (after == AfterWrite::linger) return linger();
    if (after == AfterWrite::close || context_.registry.stopping()) return close();
    read_header();
  }

  void report(const Exchange& exchange) {
    const auto latency = Clock::now() - exchange.header_parsed;
    spdlog::debug("{} {} {} {:.3f} ms", exchange.method, exchange.target, exchange.status,
                  std::chrono::duration<double, std::milli>(latency).count());
    try {
      context_.handler.observe(exchange.route, exchange.method, exchange.status, latency);
    } catch (const std::exception& exception) {
      spdlog::warn("observing {} {} failed: {}", exchange.method, exchange.target,
                   exception.what());
    } catch (...) {
      spdlog::warn("observing {} {} failed", exchange.method, exchange.target);
    }
  }

  void linger() {
    phase_ = Phase::lingering;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    discard_input();
  }

  void discard_input() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(kLingerReadSize),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (!error) self->discard_input();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  ServerContext& context_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::empty_body> continue_response_;
  bhttp::response<bhttp::string_body> response_;
  std::optional<Exchange> exchange_;
  Phase phase_ = Phase::waiting;
};

tcp::endpoint resolve_endpoint(const std::string& host, std::uint16_t port) {
  std::string_view literal = host;
  if (literal.starts_with('[') && literal.ends_with(']')) {
    literal = literal.substr(1, literal.size() - 2);
  }
  if (literal.empty()) {
    throw std::runtime_error(
        "cannot resolve host '': name a host, or 0.0.0.0 or :: to listen on every address");
  }
  beast::error_code error;
  const asio::ip::address address = asio::ip::make_address(literal, error);
  if (!error) return {address, port};

  asio::io_context resolver_context;
  tcp::resolver resolver(resolver_context);
  const auto results =
      resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, error);
  if (error || results.empty()) {
    throw std::runtime_error(fmt::format("cannot resolve host '{}': {}", host,
                                         error ? error.message() : "no addresses"));
  }
  return results.begin()->endpoint();
}

void run_io(asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& exception) {
      spdlog::error("unexpected exception in an HTTP I/O thread: {}", exception.what());
    } catch (...) {
      spdlog::error("unexpected exception in an HTTP I/O thread");
    }
  }
}

}  // namespace

struct Server::Impl {
  // Everything that lives from start() to stop(); a new set for every start().
  struct Running {
    explicit Running(int thread_count)
        : io(thread_count),
          acceptor(asio::make_strand(io)),
          accept_retry(acceptor.get_executor()) {}
    asio::io_context io;
    tcp::acceptor acceptor;
    asio::steady_timer accept_retry;
    std::vector<std::thread> threads;
  };

  Impl(api::RequestHandler& handler, ServerOptions options)
      : context{
            .handler = handler, .options = std::move(options), .static_files = {}, .registry = {}} {
    if (context.options.threads < 1) {
      throw std::invalid_argument(
          fmt::format("the server needs at least one thread, not {}", context.options.threads));
    }
    if (!context.options.static_dir.empty())
      context.static_files.emplace(context.options.static_dir);
  }

  void start() {
    const std::lock_guard lock(lifecycle_mutex);
    if (running) throw std::logic_error("the HTTP server is already running");
    const ServerOptions& options = context.options;
    const tcp::endpoint endpoint = resolve_endpoint(options.host, options.port);

    auto next = std::make_unique<Running>(options.threads);
    beast::error_code error;
    next->acceptor.open(endpoint.protocol(), error);
    if (!error) next->acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) next->acceptor.bind(endpoint, error);
    if (!error) next->acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      throw std::runtime_error(
          fmt::format("cannot listen on {}: {}", format_endpoint(endpoint), error.message()));
    }
    const tcp::endpoint bound = next->acceptor.local_endpoint();
    bound_port = bound.port();

    context.registry.begin_accepting();
    running = std::move(next);
    accept();
    for (int i = 0; i < options.threads; ++i) {
      running->threads.emplace_back([&io = running->io] { run_io(io); });
    }
    spdlog::info("listening on http://{}", format_endpoint(bound));
  }

  void stop() {
    const std::lock_guard lock(lifecycle_mutex);
    if (!running) return;
    spdlog::info("HTTP server stopping");
    asio::post(running->acceptor.get_executor(), [this] {
      beast::error_code ignored;
      running->acceptor.close(ignored);
      running->accept_retry.cancel();
    });
    for (const auto& connection : context.registry.begin_stop())
      connection->post_close_if_idle();

    const std::chrono::seconds grace = context.options.shutdown_grace;
    if (!context.registry.wait_until_closed(grace)) {
      spdlog::warn("{} connections still open after the shutdown grace of {} s; closing them",
                   context.registry.open_connections(), grace.count());
    }
    running->io.stop();
    for (auto& thread : running->threads)
      thread.join();
    // Destroying the I/O context destroys the handlers still queued and with them the
    // connections they hold.
    running.reset();
    spdlog::info("HTTP server stopped");
  }

  void start_if_stopped() {
    {
      const std::lock_guard lock(lifecycle_mutex);
      if (running) return;
    }
    start();
  }

  void accept() {
    running->acceptor.async_accept(asio::make_strand(running->io),
                                   [this](beast::error_code error, tcp::socket socket) {
                                     on_accept(error, std::move(socket));
                                   });
  }

  void on_accept(beast::error_code error, tcp::socket socket) {
    if (!running->acceptor.is_open()) return context.registry.accept_loop_ended();
    if (error) {
      spdlog::warn("accepting a connection failed: {}", error.message());
      running->accept_retry.expires_after(kAcceptRetryDelay);
      running->accept_retry.async_wait([this](beast::error_code wait_error) {
        if (wait_error || !running->acceptor.is_open()) return context.registry.accept_loop_ended();
        accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket), context);
    context.registry.add(std::static_pointer_cast<Connection>(session));
    session->start();
    accept();
  }

  ServerContext context;
  std::mutex lifecycle_mutex;
  std::unique_ptr<Running> running;
  std::atomic<std::uint16_t> bound_port{0};
};

Server::Server(api::RequestHandler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

Server::~Server() {
  stop();
}

void Server::start() {
  impl_->start();
}

std::uint16_t Server::port() const {
  return impl_->bound_port.load();
}

void Server::stop() {
  impl_->stop();
}

void Server::run_until_signal(const std::function<void()>& on_armed) {
  impl_->start_if_stopped();
  const int signal = wait_for_termination_signal(on_armed);
  spdlog::info("received signal {}", signal);
  stop();
}

}  // namespace twinloop::http
