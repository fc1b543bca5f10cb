#include "secure_channel.hpp"

#include <algorithm>
#include <cstring>

#include "twinloop/opcua/services.hpp"

namespace twinloop::opcua {
namespace {

using uatcp::MessageType;

// Concurrent partial messages a peer may have in flight on one channel.
constexpr std::size_t kMaxPartialMessages = 16;
constexpr std::size_t kSequenceHeaderSize = 8;
// OPC 10000-6, 6.7.2.4: sequence numbers wrap only after UInt32.MaxValue - 1024, to below 1024.
constexpr std::uint32_t kWrapThreshold = 4294966271u;

bool is_secure_conversation(MessageType type) {
  return type == MessageType::Open || type == MessageType::Message || type == MessageType::Close;
}

}  // namespace

std::string_view NoneSecurityPolicy::uri() const {
  return kSecurityPolicyNoneUri;
}

std::unique_ptr<SecurityPolicy> make_security_policy(std::string_view uri) {
  if (uri == kSecurityPolicyNoneUri) return std::make_unique<NoneSecurityPolicy>();
  return nullptr;
}

SecureChannel::SecureChannel(uatcp::ConnectionLimits limits)
    : limits_(limits), policy_(std::make_unique<NoneSecurityPolicy>()) {}

void SecureChannel::accept_token(std::uint32_t token_id) {
  if (!accepts_token(token_id)) accepted_tokens_.push_back(token_id);
}

void SecureChannel::forget_tokens_except(std::uint32_t token_id) {
  std::erase_if(accepted_tokens_, [&](std::uint32_t id) { return id != token_id; });
}

bool SecureChannel::accepts_token(std::uint32_t token_id) const {
  return std::find(accepted_tokens_.begin(), accepted_tokens_.end(), token_id) !=
         accepted_tokens_.end();
}

std::uint32_t SecureChannel::next_sequence_number() {
  send_sequence_number_ = send_sequence_number_ >= kWrapThreshold ? 1 : send_sequence_number_ + 1;
  return send_sequence_number_;
}

void SecureChannel::write_security_header(MessageType type, std::vector<std::uint8_t>& out) const {
  Writer writer(out);
  writer.number(channel_id_);
  if (type == MessageType::Open) {
    encode(writer, std::string(policy_->uri()));
    encode(writer, ByteString());  // SenderCertificate
    encode(writer, ByteString());  // ReceiverCertificateThumbprint
  } else {
    writer.number(send_token_);
  }
}

void SecureChannel::send(MessageType type, std::uint32_t request_id,
                         std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out,
                         StatusCode too_large) {
  const bool asymmetric = type == MessageType::Open;
  if (limits_.peer_max_message_size != 0 && body.size() > limits_.peer_max_message_size) {
    throw Error(too_large, "a message of " + std::to_string(body.size()) +
                               " bytes, the peer accepts " +
                               std::to_string(limits_.peer_max_message_size));
  }
  // Channel id, then the token, or for OPN the policy URI and two null ByteStrings.
  const std::size_t security_header_size =
      asymmetric ? 4 + 4 + policy_->uri().size() + 4 + 4 : 4 + 4;
  const std::size_t overhead = uatcp::kHeaderSize + security_header_size + kSequenceHeaderSize +
                               policy_->max_overhead(asymmetric);
  if (limits_.send_buffer_size <= overhead) {
    throw Error(status::BadTcpInternalError, "the send buffer cannot hold a chunk header");
  }
  const std::size_t max_body = limits_.send_buffer_size - overhead;
  const std::size_t chunks = std::max<std::size_t>(1, (body.size() + max_body - 1) / max_body);
  if (limits_.peer_max_chunk_count != 0 && chunks > limits_.peer_max_chunk_count) {
    throw Error(too_large, "a message of " + std::to_string(chunks) + " chunks, the peer accepts " +
                               std::to_string(limits_.peer_max_chunk_count));
  }
  out.reserve(out.size() + body.size() + chunks * overhead);
  for (std::size_t i = 0; i < chunks; ++i) {
    const std::size_t offset = i * max_body;
    const std::size_t size = std::min(max_body, body.size() - offset);
    const std::size_t start = uatcp::begin_chunk(out, type, i + 1 == chunks ? 'F' : 'C');
    write_security_header(type, out);
    const std::size_t secured_start = out.size();
    Writer writer(out);
    writer.number(next_sequence_number());
    writer.number(request_id);
    writer.append(body.data() + offset, size);
    policy_->protect(out, start, secured_start - start, asymmetric);
    uatcp::finish_chunk(out, start);
  }
}

void SecureChannel::send_abort(MessageType type, std::uint32_t request_id, StatusCode reason,
                               std::string_view text, std::vector<std::uint8_t>& out) {
  const std::size_t start = uatcp::begin_chunk(out, type, 'A');
  write_security_header(type, out);
  const std::size_t secured_start = out.size();
  Writer writer(out);
  writer.number(next_sequence_number());
  writer.number(request_id);
  encode(writer, reason);
  encode(writer, std::string(text));
  policy_->protect(out, start, secured_start - start, type == MessageType::Open);
  uatcp::finish_chunk(out, start);
}

void SecureChannel::check_sequence_number(std::uint32_t sequence_number) {
  if (last_received_sequence_number_) {
    const std::uint32_t last = *last_received_sequence_number_;
    const bool next = sequence_number == last + 1;
    const bool wrapped = last > kWrapThreshold && sequence_number < 1024;
    if (!next && !wrapped) {
      throw Error(
          status::BadSequenceNumberInvalid,
          "sequence number " + std::to_string(sequence_number) + " after " + std::to_string(last));
    }
  }
  last_received_sequence_number_ = sequence_number;
}

std::optional<ReceivedMessage> SecureChannel::receive(std::span<std::uint8_t> chunk) {
  const uatcp::ChunkHeader header = uatcp::parse_header(chunk, limits_.receive_buffer_size);
  if (!is_secure_conversation(header.type)) {
    throw Error(status::BadTcpMessageTypeInvalid, "a transport message inside a secure channel");
  }
  if (header.size != chunk.size()) {
    throw Error(status::BadTcpInternalError, "chunk size and header disagree");
  }
  const bool asymmetric = header.type == MessageType::Open;
  ReceivedMessage message;
  message.type = header.type;
  Reader reader(chunk.subspan(uatcp::kHeaderSize));
  message.channel_id = reader.number<std::uint32_t>();
  if (channel_id_ != 0 && message.channel_id != channel_id_) {
    throw Error(status::BadTcpSecureChannelUnknown,
                "channel " + std::to_string(message.channel_id) + " on channel " +
                    std::to_string(channel_id_));
  }
  if (asymmetric) {
    decode(reader, message.security_policy_uri);
    ByteString sender_certificate;
    ByteString receiver_thumbprint;
    decode(reader, sender_certificate);
    decode(reader, receiver_thumbprint);
    if (message.security_policy_uri != policy_->uri()) {
      throw Error(status::BadSecurityPolicyRejected,
                  "security policy '" + message.security_policy_uri + "' is not supported");
    }
  } else {
    message.token_id = reader.number<std::uint32_t>();
    if (!accepts_token(message.token_id)) {
      throw Error(status::BadSecureChannelTokenUnknown,
                  "token " + std::to_string(message.token_id) + " is unknown or expired");
    }
  }
  const std::size_t secured_start = uatcp::kHeaderSize + reader.position();
  const std::size_t secured_end = policy_->unprotect(chunk, secured_start, asymmetric);
  if (secured_end < secured_start + kSequenceHeaderSize || secured_end > chunk.size()) {
    throw Error(status::BadDecodingError, "a chunk without a sequence header");
  }
  Reader sequence(chunk.subspan(secured_start, kSequenceHeaderSize));
  check_sequence_number(sequence.number<std::uint32_t>());
  message.request_id = sequence.number<std::uint32_t>();
  const auto body = std::span<const std::uint8_t>(chunk).subspan(
      secured_start + kSequenceHeaderSize, secured_end - secured_start - kSequenceHeaderSize);

  if (header.chunk_type == 'A') {
    partials_.erase(message.request_id);
    message.aborted = true;
    message.body = body;
    return message;
  }
  auto partial = partials_.find(message.request_id);
  if (header.chunk_type == 'F' && partial == partials_.end()) {
    if (limits_.max_message_size != 0 && body.size() > limits_.max_message_size) {
      throw Error(status::BadTcpMessageTooLarge, "a message beyond the maximum message size");
    }
    message.body = body;
    return message;
  }
  if (partial == partials_.end()) {
    if (partials_.size() >= kMaxPartialMessages) {
      throw Error(status::BadTcpNotEnoughResources, "too many messages in flight at once");
    }
    partial = partials_.emplace(message.request_id, Partial{}).first;
  }
  Partial& assembling = partial->second;
  ++assembling.chunks;
  if (limits_.max_chunk_count != 0 && assembling.chunks > limits_.max_chunk_count) {
    partials_.erase(partial);
    throw Error(status::BadTcpMessageTooLarge,
                "a message of more than " + std::to_string(limits_.max_chunk_count) + " chunks");
  }
  if (limits_.max_message_size != 0 &&
      assembling.body.size() + body.size() > limits_.max_message_size) {
    partials_.erase(partial);
    throw Error(status::BadTcpMessageTooLarge,
                "a message of more than " + std::to_string(limits_.max_message_size) + " bytes");
  }
  assembling.body.insert(assembling.body.end(), body.begin(), body.end());
  if (header.chunk_type == 'C') return std::nullopt;
  completed_ = std::move(assembling.body);
  partials_.erase(partial);
  message.body = completed_;
  return message;
}

}  // namespace twinloop::opcua
