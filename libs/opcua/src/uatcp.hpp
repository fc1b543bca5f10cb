#pragma once
// UA-TCP (OPC 10000-6, 7.1): the 8-byte message header, Hello/Acknowledge/Error, buffer
// negotiation, and a FrameReader that cuts a TCP byte stream into whole chunks. No sockets here.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "twinloop/opcua/binary.hpp"

namespace twinloop::opcua::uatcp {

inline constexpr std::size_t kHeaderSize = 8;
// OPC 10000-6, 7.1.2.3: neither side may offer buffers smaller than this.
inline constexpr std::uint32_t kMinimumBufferSize = 8192;
inline constexpr std::size_t kMaxEndpointUrlLength = 4096;

enum class MessageType : std::uint8_t {
  Hello,
  Acknowledge,
  Error,
  ReverseHello,
  Open,
  Message,
  Close
};

struct ChunkHeader {
  MessageType type;
  char chunk_type;     // 'F' final, 'C' intermediate, 'A' abort
  std::uint32_t size;  // the whole chunk, header included
};

// Reads the header at the start of `bytes` (at least 8 of them). Throws BadTcpMessageTypeInvalid
// for an unknown type or chunk type, BadTcpMessageTooLarge beyond max_size.
ChunkHeader parse_header(std::span<const std::uint8_t> bytes, std::uint32_t max_size);
// Appends a header with a zero size; finish_chunk writes the size once the chunk is complete.
std::size_t begin_chunk(std::vector<std::uint8_t>& out, MessageType type, char chunk_type);
void finish_chunk(std::vector<std::uint8_t>& out, std::size_t start);

struct HelloMessage {
  std::uint32_t protocol_version = 0;
  std::uint32_t receive_buffer_size = 0;
  std::uint32_t send_buffer_size = 0;
  std::uint32_t max_message_size = 0;  // 0: no limit
  std::uint32_t max_chunk_count = 0;   // 0: no limit
  std::string endpoint_url;
  static auto fields(auto& s) {
    return std::tie(s.protocol_version, s.receive_buffer_size, s.send_buffer_size,
                    s.max_message_size, s.max_chunk_count, s.endpoint_url);
  }
};

struct AcknowledgeMessage {
  std::uint32_t protocol_version = 0;
  std::uint32_t receive_buffer_size = 0;
  std::uint32_t send_buffer_size = 0;
  std::uint32_t max_message_size = 0;
  std::uint32_t max_chunk_count = 0;
  static auto fields(auto& s) {
    return std::tie(s.protocol_version, s.receive_buffer_size, s.send_buffer_size,
                    s.max_message_size, s.max_chunk_count);
  }
};

struct ErrorMessage {
  StatusCode error;
  std::string reason;
  static auto fields(auto& s) { return std::tie(s.error, s.reason); }
};

template <class Body>
void append_message(std::vector<std::uint8_t>& out, MessageType type, const Body& body) {
  const std::size_t start = begin_chunk(out, type, 'F');
  Writer writer(out);
  encode(writer, body);
  finish_chunk(out, start);
}

// What one side of a connection may send and must accept, after Hello/Acknowledge.
struct ConnectionLimits {
  std::uint32_t receive_buffer_size = 65536;   // the largest chunk we accept
  std::uint32_t send_buffer_size = 65536;      // the largest chunk we send
  std::uint32_t max_message_size = 16u << 20;  // of a message we receive; 0 = no limit
  std::uint32_t max_chunk_count = 0;           // of a message we receive; 0 = no limit
  std::uint32_t peer_max_message_size = 0;     // of a message we send; 0 = no limit
  std::uint32_t peer_max_chunk_count = 0;      // of a message we send; 0 = no limit
};

// The server's answer to a Hello: what it will use and what it acknowledges. Throws
// opcua::Error (to be sent as ERR) when the Hello cannot be accepted.
std::pair<ConnectionLimits, AcknowledgeMessage> negotiate_as_server(const HelloMessage& hello,
                                                                    const ConnectionLimits& server);
// The client's limits once the Acknowledge arrived. Throws when the server broke the rules.
ConnectionLimits negotiate_as_client(const HelloMessage& sent, const AcknowledgeMessage& ack);

// Cuts a byte stream into whole chunks: the socket reads into prepare(), commit() says how
// many bytes arrived, next() hands out each complete chunk (valid until the next prepare()).
class FrameReader {
 public:
  explicit FrameReader(std::uint32_t max_chunk_size) : max_chunk_size_(max_chunk_size) {}
  void set_max_chunk_size(std::uint32_t size) { max_chunk_size_ = size; }

  std::span<std::uint8_t> prepare(std::size_t at_least);
  void commit(std::size_t count) { end_ += count; }
  // Throws opcua::Error for a malformed or oversized header.
  std::optional<std::span<std::uint8_t>> next();
  // True when a chunk has begun but not all of it has arrived.
  bool partial() const { return end_ != begin_; }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint32_t max_chunk_size_;
};

}  // namespace twinloop::opcua::uatcp
