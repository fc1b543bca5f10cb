#pragma once
// The secure conversation layer (OPC 10000-6, 6.7) without sockets: cuts message bodies into
// OPN/MSG/CLO chunks and puts received chunks back together, checking channel id, token,
// sequence numbers and the negotiated limits. The security policy is a pluggable piece; this
// library ships SecurityPolicy None.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "twinloop/opcua/types.hpp"
#include "uatcp.hpp"

namespace twinloop::opcua {

class SecurityPolicy {
 public:
  virtual ~SecurityPolicy() = default;
  virtual std::string_view uri() const = 0;
  // The most bytes protect() adds to a chunk (padding and signature), so chunks can be cut
  // small enough for the peer's buffer.
  virtual std::size_t max_overhead(bool asymmetric) const = 0;
  // Secures the chunk that begins at `chunk_start` in `out`; `secured_start` is where its
  // encrypted part (the sequence header) begins. May append padding and a signature.
  virtual void protect(std::vector<std::uint8_t>& out, std::size_t chunk_start,
                       std::size_t secured_start, bool asymmetric) = 0;
  // Checks and decrypts a received chunk in place; returns the length of the chunk without
  // padding and signature. Throws BadSecurityChecksFailed.
  virtual std::size_t unprotect(std::span<std::uint8_t> chunk, std::size_t secured_start,
                                bool asymmetric) = 0;
};

class NoneSecurityPolicy final : public SecurityPolicy {
 public:
  std::string_view uri() const override;
  std::size_t max_overhead(bool) const override { return 0; }
  void protect(std::vector<std::uint8_t>&, std::size_t, std::size_t, bool) override {}
  std::size_t unprotect(std::span<std::uint8_t> chunk, std::size_t, bool) override {
    return chunk.size();
  }
};

// nullptr for a policy this library does not implement.
std::unique_ptr<SecurityPolicy> make_security_policy(std::string_view uri);

struct ReceivedMessage {
  uatcp::MessageType type = uatcp::MessageType::Message;
  std::uint32_t request_id = 0;
  std::uint32_t channel_id = 0;
  std::uint32_t token_id = 0;          // MSG and CLO
  std::string security_policy_uri;     // OPN
  bool aborted = false;                // the sender gave up on it; body holds Error and Reason
  std::span<const std::uint8_t> body;  // valid until the next call to receive()
};

class SecureChannel {
 public:
  explicit SecureChannel(uatcp::ConnectionLimits limits);

  void set_limits(const uatcp::ConnectionLimits& limits) { limits_ = limits; }
  const uatcp::ConnectionLimits& limits() const { return limits_; }
  void set_channel_id(std::uint32_t id) { channel_id_ = id; }
  std::uint32_t channel_id() const { return channel_id_; }
  void set_policy(std::unique_ptr<SecurityPolicy> policy) { policy_ = std::move(policy); }
  const SecurityPolicy& policy() const { return *policy_; }

  // Tokens: messages go out under send_token; received ones must carry an accepted token.
  void set_send_token(std::uint32_t token_id) { send_token_ = token_id; }
  std::uint32_t send_token() const { return send_token_; }
  void accept_token(std::uint32_t token_id);
  void forget_tokens_except(std::uint32_t token_id);
  bool accepts_token(std::uint32_t token_id) const;

  // Appends `body` as one or more chunks of `type` to `out`. Throws opcua::Error with
  // `too_large` when the body breaks the peer's message size or chunk count.
  void send(uatcp::MessageType type, std::uint32_t request_id, std::span<const std::uint8_t> body,
            std::vector<std::uint8_t>& out, StatusCode too_large);
  // Appends an abort chunk for request_id (a response that cannot be sent whole).
  void send_abort(uatcp::MessageType type, std::uint32_t request_id, StatusCode reason,
                  std::string_view text, std::vector<std::uint8_t>& out);

  // One received OPN, MSG or CLO chunk (header included). Returns the message it completes;
  // throws opcua::Error for anything the rules forbid.
  std::optional<ReceivedMessage> receive(std::span<std::uint8_t> chunk);

 private:
  void write_security_header(uatcp::MessageType type, std::vector<std::uint8_t>& out) const;
  void check_sequence_number(std::uint32_t sequence_number);
  std::uint32_t next_sequence_number();

  uatcp::ConnectionLimits limits_;
  std::unique_ptr<SecurityPolicy> policy_;
  std::uint32_t channel_id_ = 0;
  std::uint32_t send_token_ = 0;
  std::vector<std::uint32_t> accepted_tokens_;
  std::uint32_t send_sequence_number_ = 0;
  std::optional<std::uint32_t> last_received_sequence_number_;

  struct Partial {
    std::vector<std::uint8_t> body;
    std::uint32_t chunks = 0;
  };
  std::unordered_map<std::uint32_t, Partial> partials_;
  std::vector<std::uint8_t> completed_;
};

}  // namespace twinloop::opcua
