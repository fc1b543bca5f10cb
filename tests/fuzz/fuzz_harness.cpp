#include "fuzz_harness.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "sample_values.hpp"
#include "secure_channel.hpp"
#include "server_core.hpp"
#include "twinloop/opcua/binary.hpp"
#include "uatcp.hpp"

namespace twinloop::opcua::fuzz {
namespace {

using Bytes = std::vector<std::uint8_t>;
using RoundTrip = void (*)(std::span<const std::uint8_t>);

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

DecodeLimits small_limits() {
  DecodeLimits limits;
  limits.max_array_length = 4096;
  limits.max_string_length = 1 << 16;
  limits.max_depth = 32;
  return limits;
}

// Decoding must never crash; what decodes must encode, and the encoding must be a fixed point.
template <class T>
void round_trip(std::span<const std::uint8_t> bytes) {
  T value{};
  try {
    Reader reader(bytes, small_limits());
    decode(reader, value);
  } catch (const Error&) {
    return;
  }
  const Bytes first = encode_to_bytes(value);
  T again{};
  try {
    again = decode_from_bytes<T>(first, small_limits());
  } catch (const Error&) {
    broken("an encoding of a decoded value does not decode");
  }
  if (encode_to_bytes(again) != first) broken("encode(decode(encode(x))) != encode(x)");
}

template <class... Structures>
struct StructureTable {
  static constexpr std::array<RoundTrip, sizeof...(Structures)> entries{&round_trip<Structures>...};
};

constexpr std::array<RoundTrip, 11> kBuiltins{
    &round_trip<NodeId>,        &round_trip<ExpandedNodeId>,      &round_trip<QualifiedName>,
    &round_trip<LocalizedText>, &round_trip<ExtensionObject>,     &round_trip<Variant>,
    &round_trip<DataValue>,     &round_trip<DiagnosticInfo>,      &round_trip<Guid>,
    &round_trip<std::string>,   &round_trip<std::vector<Variant>>};

constexpr auto kStructures = samples::AllServiceStructures<StructureTable>::entries;

void decode_values(std::span<const std::uint8_t> input) {
  if (input.empty()) return;
  const std::size_t kind = input[0] % decodable_kinds();
  const auto bytes = input.subspan(1);
  if (kind < kBuiltins.size()) {
    kBuiltins[kind](bytes);
  } else {
    kStructures[kind - kBuiltins.size()](bytes);
  }
}

void feed_stream(std::span<const std::uint8_t> input) {
  uatcp::FrameReader frames(65536);
  SecureChannel channel(uatcp::ConnectionLimits{});
  channel.accept_token(1);
  std::size_t offset = 0;
  try {
    while (offset < input.size()) {
      // Irregular reads: the stream arrives in pieces of 1..64 bytes.
      const std::size_t piece =
          std::min<std::size_t>(1 + input[offset] % 64, input.size() - offset);
      auto buffer = frames.prepare(piece);
      std::copy_n(input.begin() + static_cast<std::ptrdiff_t>(offset), piece, buffer.begin());
      frames.commit(piece);
      offset += piece;
      while (auto chunk = frames.next()) {
        const auto header = uatcp::parse_header(*chunk, 65536);
        if (header.type == uatcp::MessageType::Hello) {
          decode_from_bytes<uatcp::HelloMessage>(chunk->subspan(uatcp::kHeaderSize));
        } else if (header.type == uatcp::MessageType::Open ||
                   header.type == uatcp::MessageType::Message ||
                   header.type == uatcp::MessageType::Close) {
          if (auto message = channel.receive(*chunk)) {
            if (message->body.size() > chunk->size() + (16u << 20)) broken("body beyond limits");
          }
        }
      }
    }
  } catch (const Error&) {
  }
}

class CapturingChannel final : public ResponseChannel {
 public:
  std::uint32_t channel_id() const override { return 1; }
  const std::string& hello_endpoint_url() const override { return url_; }
  void send_response(std::uint32_t, std::span<const std::uint8_t> body) override {
    last.assign(body.begin(), body.end());
    // Every answer must at least start with a NodeId and a ResponseHeader.
    try {
      Reader reader(last);
      NodeId type;
      decode(reader, type);
      ResponseHeader header;
      decode(reader, header);
    } catch (const Error&) {
      broken("the server sent a response that does not decode");
    }
  }
  Bytes last;

 private:
  std::string url_ = "opc.tcp://127.0.0.1:4840";
};

void serve_requests(std::span<const std::uint8_t> input) {
  ServerConfig config;
  config.max_nodes_per_request = 4096;
  ServerCore core(config);
  {
    std::lock_guard lock(core.space_mutex);
    Node variable;
    variable.id = NodeId(1, "v");
    variable.node_class = NodeClass::Variable;
    variable.browse_name = QualifiedName(1, "v");
    variable.data_type = NodeId(11);
    variable.access_level = access_level::CurrentRead | access_level::CurrentWrite;
    variable.value = DataValue(Variant(1.0));
    core.space.add(std::move(variable));
    core.space.add_reference(NodeId(85), NodeId(35), NodeId(1, "v"));
  }
  auto channel = std::make_shared<CapturingChannel>();
  RequestContext context{channel, 1, Clock::now()};
  core.dispatch(context, encode_message(CreateSessionRequest{}));
  CreateSessionResponse created;
  {
    Reader reader(channel->last);
    NodeId type;
    decode(reader, type);
    decode(reader, created);
  }
  ActivateSessionRequest activate;
  activate.request_header.authentication_token = created.authentication_token;
  core.dispatch(context, encode_message(activate));

  std::size_t offset = 0;
  auto now = Clock::now();
  while (offset + 2 <= input.size()) {
    const std::size_t length = input[offset] | (static_cast<std::size_t>(input[offset + 1]) << 8);
    offset += 2;
    const auto body = input.subspan(offset, std::min(length, input.size() - offset));
    offset += body.size();
    // The request under the session: its header's token replaced by the session's.
    Bytes request;
    try {
      Reader reader(body, small_limits());
      NodeId type;
      decode(reader, type);
      RequestHeader header;
      decode(reader, header);
      header.authentication_token = created.authentication_token;
      Writer writer(request);
      encode(writer, type);
      encode(writer, header);
      writer.append(body.data() + reader.position(), body.size() - reader.position());
    } catch (const Error&) {
      request.assign(body.begin(), body.end());
    }
    context.request_id++;
    context.received = now;
    core.dispatch(context, request);
    now += std::chrono::milliseconds(body.empty() ? 1 : 1 + body[0] % 200);
    core.tick(now);
  }
  core.shutdown();
}

}  // namespace

std::size_t decodable_kinds() {
  return kBuiltins.size() + kStructures.size();
}

void run_one_input(std::span<const std::uint8_t> input) {
  if (input.empty()) return;
  switch (input[0] % 3) {
    case 0:
      decode_values(input.subspan(1));
      break;
    case 1:
      feed_stream(input.subspan(1));
      break;
    default:
      serve_requests(input.subspan(1));
      break;
  }
}

}  // namespace twinloop::opcua::fuzz
