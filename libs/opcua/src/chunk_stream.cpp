#include "chunk_stream.hpp"

namespace twinloop::opcua {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kReadSize = 65536;
// A peer that stops reading must not make us queue without end.
constexpr std::size_t kMaxQueuedBytes = 64u << 20;
}  // namespace

ChunkStream::ChunkStream(asio::ip::tcp::socket socket, std::uint32_t max_chunk_size)
    : socket_(std::move(socket)), frames_(max_chunk_size) {
  boost::system::error_code ignored;
  // Exchange cycles are latency-bound: no Nagle delay.
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
}

void ChunkStream::start_reading() {
  read_more();
}

void ChunkStream::read_more() {
  if (closed_ || closing_) return;
  auto buffer = frames_.prepare(kReadSize);
  socket_.async_read_some(
      asio::buffer(buffer.data(), buffer.size()),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t count) {
        if (self->closed_) return;
        if (error) {
          self->close(error == asio::error::eof ? status::BadConnectionClosed
                                                : status::BadCommunicationError);
          return;
        }
        self->frames_.commit(count);
        try {
          while (!self->closed_ && !self->closing_) {
            auto chunk = self->frames_.next();
            if (!chunk) break;
            self->on_chunk(*chunk);
          }
        } catch (const Error& failure) {
          self->on_protocol_error(failure);
          return;
        }
        self->read_more();
      });
}

void ChunkStream::flush() {
  if (closed_) return;
  if (pending_.size() > kMaxQueuedBytes) {
    close(status::BadTcpNotEnoughResources);
    return;
  }
  if (!write_in_flight_) write_more();
}

void ChunkStream::write_more() {
  if (pending_.empty()) {
    if (closing_) close(status::BadConnectionClosed);
    return;
  }
  writing_.clear();
  std::swap(writing_, pending_);
  write_in_flight_ = true;
  asio::async_write(
      socket_, asio::buffer(writing_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        self->write_in_flight_ = false;
        if (self->closed_) return;
        if (error) {
          self->close(status::BadCommunicationError);
          return;
        }
        self->write_more();
      });
}

void ChunkStream::send_error_and_close(StatusCode error, const std::string& reason) {
  if (closed_ || closing_) return;
  uatcp::ErrorMessage message{error, reason.substr(0, 4096)};
  uatcp::append_message(pending_, uatcp::MessageType::Error, message);
  close_after_flush();
}

void ChunkStream::close_after_flush() {
  if (closed_) return;
  closing_ = true;
  flush();
}

void ChunkStream::close(StatusCode reason) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  on_closed(reason);
}

}  // namespace twinloop::opcua
