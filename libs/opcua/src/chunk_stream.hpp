#pragma once
// A TCP connection that reads whole UA-TCP chunks and writes queued bytes, on one Asio
// executor. Client and server connections derive from it. Includes Asio: keep it out of
// headers other translation units need.

#include <boost/asio.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "twinloop/opcua/status.hpp"
#include "uatcp.hpp"

namespace twinloop::opcua {

class ChunkStream : public std::enable_shared_from_this<ChunkStream> {
 public:
  ChunkStream(boost::asio::ip::tcp::socket socket, std::uint32_t max_chunk_size);
  virtual ~ChunkStream() = default;
  ChunkStream(const ChunkStream&) = delete;
  ChunkStream& operator=(const ChunkStream&) = delete;

  void start_reading();
  // Bytes appended here go out with the next flush().
  std::vector<std::uint8_t>& output() { return pending_; }
  void flush();
  // Sends ERR and closes once it is written; nothing more is read.
  void send_error_and_close(StatusCode error, const std::string& reason);
  // Closes once everything queued is written.
  void close_after_flush();
  void close(StatusCode reason);
  bool closed() const { return closed_; }
  uatcp::FrameReader& frames() { return frames_; }
  boost::asio::ip::tcp::socket& socket() { return socket_; }

 protected:
  // One whole chunk; throwing opcua::Error sends ERR and closes.
  virtual void on_chunk(std::span<std::uint8_t> chunk) = 0;
  // Called once, when the connection is gone.
  virtual void on_closed(StatusCode reason) = 0;
  // The peer broke the protocol. A server answers with ERR before closing.
  virtual void on_protocol_error(const Error& error) {
    send_error_and_close(error.status(), error.what());
  }

 private:
  void read_more();
  void write_more();

  boost::asio::ip::tcp::socket socket_;
  uatcp::FrameReader frames_;
  std::vector<std::uint8_t> pending_;
  std::vector<std::uint8_t> writing_;
  bool write_in_flight_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace twinloop::opcua
