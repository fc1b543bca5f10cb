#include "uatcp.hpp"

#include <algorithm>
#include <cstring>

namespace twinloop::opcua::uatcp {
namespace {

constexpr std::array<std::array<char, 3>, 7> kTypeNames{{{'H', 'E', 'L'},
                                                         {'A', 'C', 'K'},
                                                         {'E', 'R', 'R'},
                                                         {'R', 'H', 'E'},
                                                         {'O', 'P', 'N'},
                                                         {'M', 'S', 'G'},
                                                         {'C', 'L', 'O'}}};

}  // namespace

ChunkHeader parse_header(std::span<const std::uint8_t> bytes, std::uint32_t max_size) {
  ChunkHeader header{};
  const auto* type = kTypeNames.end();
  for (auto it = kTypeNames.begin(); it != kTypeNames.end(); ++it) {
    if (std::memcmp(it->data(), bytes.data(), 3) == 0) type = it;
  }
  if (type == kTypeNames.end()) {
    throw Error(status::BadTcpMessageTypeInvalid, "unknown message type");
  }
  header.type = static_cast<MessageType>(type - kTypeNames.begin());
  header.chunk_type = static_cast<char>(bytes[3]);
  if (header.chunk_type != 'F' && header.chunk_type != 'C' && header.chunk_type != 'A') {
    throw Error(status::BadTcpMessageTypeInvalid, "unknown chunk type");
  }
  std::memcpy(&header.size, bytes.data() + 4, sizeof header.size);
  if (header.size < kHeaderSize) {
    throw Error(status::BadTcpMessageTypeInvalid, "a chunk smaller than its header");
  }
  if (header.size > max_size) {
    throw Error(status::BadTcpMessageTooLarge, "a chunk of " + std::to_string(header.size) +
                                                   " bytes, the limit is " +
                                                   std::to_string(max_size));
  }
  return header;
}

std::size_t begin_chunk(std::vector<std::uint8_t>& out, MessageType type, char chunk_type) {
  const std::size_t start = out.size();
  const auto& name = kTypeNames[static_cast<std::size_t>(type)];
  out.insert(out.end(), name.begin(), name.end());
  out.push_back(static_cast<std::uint8_t>(chunk_type));
  out.insert(out.end(), 4, 0);
  return start;
}

void finish_chunk(std::vector<std::uint8_t>& out, std::size_t start) {
  const auto size = static_cast<std::uint32_t>(out.size() - start);
  std::memcpy(out.data() + start + 4, &size, sizeof size);
}

std::pair<ConnectionLimits, AcknowledgeMessage> negotiate_as_server(
    const HelloMessage& hello, const ConnectionLimits& server) {
  if (hello.receive_buffer_size < kMinimumBufferSize ||
      hello.send_buffer_size < kMinimumBufferSize) {
    throw Error(status::BadConnectionRejected,
                "buffer sizes below " + std::to_string(kMinimumBufferSize) + " bytes");
  }
  if (hello.endpoint_url.size() > kMaxEndpointUrlLength) {
    throw Error(status::BadTcpEndpointUrlInvalid, "an endpoint URL longer than 4096 bytes");
  }
  ConnectionLimits limits = server;
  limits.receive_buffer_size = std::min(server.receive_buffer_size, hello.send_buffer_size);
  limits.send_buffer_size = std::min(server.send_buffer_size, hello.receive_buffer_size);
  limits.peer_max_message_size = hello.max_message_size;
  limits.peer_max_chunk_count = hello.max_chunk_count;
  AcknowledgeMessage ack;
  ack.protocol_version = 0;
  ack.receive_buffer_size = limits.receive_buffer_size;
  ack.send_buffer_size = limits.send_buffer_size;
  ack.max_message_size = limits.max_message_size;
  ack.max_chunk_count = limits.max_chunk_count;
  return {limits, ack};
}

ConnectionLimits negotiate_as_client(const HelloMessage& sent, const AcknowledgeMessage& ack) {
  if (ack.receive_buffer_size < kMinimumBufferSize || ack.send_buffer_size < kMinimumBufferSize) {
    throw Error(status::BadConnectionRejected, "the server acknowledged buffers below 8192 bytes");
  }
  if (ack.receive_buffer_size > sent.send_buffer_size ||
      ack.send_buffer_size > sent.receive_buffer_size) {
    throw Error(status::BadConnectionRejected, "the server enlarged the buffer sizes");
  }
  ConnectionLimits limits;
  limits.receive_buffer_size = ack.send_buffer_size;
  limits.send_buffer_size = ack.receive_buffer_size;
  limits.max_message_size = sent.max_message_size;
  limits.max_chunk_count = sent.max_chunk_count;
  limits.peer_max_message_size = ack.max_message_size;
  limits.peer_max_chunk_count = ack.max_chunk_count;
  return limits;
}

std::span<std::uint8_t> FrameReader::prepare(std::size_t at_least) {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ > 0 && begin_ >= buffer_.size() / 2) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < at_least) buffer_.resize(end_ + at_least);
  return {buffer_.data() + end_, buffer_.size() - end_};
}

std::optional<std::span<std::uint8_t>> FrameReader::next() {
  const std::size_t available = end_ - begin_;
  if (available < kHeaderSize) return std::nullopt;
  const std::span<std::uint8_t> data(buffer_.data() + begin_, available);
  const ChunkHeader header = parse_header(data, max_chunk_size_);
  if (available < header.size) return std::nullopt;
  begin_ += header.size;
  return data.first(header.size);
}

}  // namespace twinloop::opcua::uatcp
