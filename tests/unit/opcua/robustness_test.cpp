// Malformed and hostile traffic against the server: each case gets ERR or a closed connection,
// and the server keeps serving other clients. Also chunking in both directions at the
// smallest buffers the protocol allows.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include "secure_channel.hpp"
#include "twinloop/opcua/client.hpp"
#include "twinloop/opcua/server.hpp"
#include "uatcp.hpp"

namespace twinloop::opcua {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

// A blocking TCP connection with timeouts, for bytes no well-behaved client would send.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("connect failed");
    }
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConnection() { close(fd_); }

  void send(const Bytes& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t count = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (count <= 0) return;  // the server closed: what the test then reads tells
      sent += static_cast<std::size_t>(count);
    }
  }

  // The next whole chunk, or nullopt when the connection closed or nothing came in time.
  std::optional<Bytes> receive_chunk(std::chrono::milliseconds timeout = 3000ms) {
    Bytes header;
    if (!read_exactly(header, 8, timeout)) return std::nullopt;
    std::uint32_t size = 0;
    std::memcpy(&size, header.data() + 4, 4);
    Bytes rest;
    if (size < 8 || !read_exactly(rest, size - 8, timeout)) return std::nullopt;
    header.insert(header.end(), rest.begin(), rest.end());
    return header;
  }

  // True when the server closed the connection (after anything it still sent).
  bool closed_by_server(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::uint8_t byte;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd readable{fd_, POLLIN, 0};
      if (poll(&readable, 1, 50) > 0) {
        const ssize_t count = recv(fd_, &byte, 1, 0);
        if (count <= 0) return true;
      }
    }
    return false;
  }

 private:
  bool read_exactly(Bytes& out, std::size_t size, std::chrono::milliseconds timeout) {
    out.resize(size);
    std::size_t got = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got < size) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd readable{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&readable, 1, static_cast<int>(left.count())) <= 0) {
        return false;
      }
      const ssize_t count = recv(fd_, out.data() + got, size - got, 0);
      if (count <= 0) return false;
      got += static_cast<std::size_t>(count);
    }
    return true;
  }

  int fd_ = -1;
};

Bytes hello(std::uint32_t receive = 65536, std::uint32_t send = 65536,
            std::uint32_t max_message = 0, std::uint32_t max_chunks = 0) {
  uatcp::HelloMessage message;
  message.receive_buffer_size = receive;
  message.send_buffer_size = send;
  message.max_message_size = max_message;
  message.max_chunk_count = max_chunks;
  message.endpoint_url = "opc.tcp://127.0.0.1";
  Bytes bytes;
  uatcp::append_message(bytes, uatcp::MessageType::Hello, message);
  return bytes;
}

std::string type_of(const Bytes& chunk) {
  return std::string(chunk.begin(), chunk.begin() + 3);
}

StatusCode error_of(const Bytes& chunk) {
  return decode_from_bytes<uatcp::ErrorMessage>(std::span(chunk).subspan(8)).error;
}

// Speaks the protocol by hand: OPN and MSG chunks from our own secure-channel codec.
class RawChannel {
 public:
  explicit RawChannel(RawConnection& connection) : connection_(connection), channel_({}) {}

  void open() {
    connection_.send(hello());
    auto ack = connection_.receive_chunk();
    ASSERT_TRUE(ack);
    ASSERT_EQ(type_of(*ack), "ACK");
    OpenSecureChannelRequest request;
    request.requested_lifetime = 60000;
    send(uatcp::MessageType::Open, request);
    auto response = connection_.receive_chunk();
    ASSERT_TRUE(response);
    ASSERT_EQ(type_of(*response), "OPN");
    auto message = channel_.receive(*response);
    ASSERT_TRUE(message);
    Reader reader(message->body);
    NodeId type;
    decode(reader, type);
    OpenSecureChannelResponse opened;
    decode(reader, opened);
    channel_.set_channel_id(opened.security_token.channel_id);
    channel_.set_send_token(opened.security_token.token_id);
    channel_.accept_token(opened.security_token.token_id);
  }

  template <class Request>
  void send(uatcp::MessageType type, const Request& request) {
    send_body(type, encode_message(request));
  }
  void send_body(uatcp::MessageType type, const Bytes& body) {
    Bytes out;
    channel_.send(type, next_request_id_++, body, out, status::BadRequestTooLarge);
    connection_.send(out);
  }
  // The type NodeId of the next response.
  std::optional<std::uint32_t> response_type() {
    auto chunk = connection_.receive_chunk();
    if (!chunk || type_of(*chunk) != "MSG") return std::nullopt;
    auto message = channel_.receive(*chunk);
    if (!message) return std::nullopt;
    Reader reader(message->body);
    NodeId type;
    decode(reader, type);
    if (type == NodeId(ServiceFault::binary_encoding_id)) {
      ServiceFault fault;
      decode(reader, fault);
      last_fault_ = fault.response_header.service_result;
    }
    return *type.numeric();
  }
  StatusCode last_fault() const { return last_fault_; }

 private:
  RawConnection& connection_;
  SecureChannel channel_;
  std::uint32_t next_request_id_ = 1;
  StatusCode last_fault_;
};

class RobustnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.port = 0;
    config.hello_timeout = 300ms;
    config.max_connections = 8;
    server_ = std::make_unique<Server>(config);
    server_->add_namespace("urn:test");
    for (int i = 0; i < 1000; ++i) {
      VariableOptions options;
      options.id = NodeId(2, "v" + std::to_string(i));
      options.browse_name = "v" + std::to_string(i);
      options.access_level |= access_level::CurrentWrite;
      options.value = Variant(static_cast<double>(i));
      server_->add_variable(NodeId(id::ObjectsFolder), options);
    }
    server_->start();
  }

  // A well-behaved client still gets served.
  void expect_still_serving() {
    ClientConfig config;
    config.reconnect = false;
    Client client(config);
    client.connect(server_->endpoint_url());
    EXPECT_EQ(client.read(NodeId(2, "v7")).value.to_double(), 7.0);
  }

  std::unique_ptr<Server> server_;
};

TEST_F(RobustnessTest, GarbageGetsAnErrorAndAClosedConnection) {
  RawConnection raw(server_->port());
  const std::string http = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
  raw.send(Bytes(http.begin(), http.end()));
  auto answer = raw.receive_chunk();
  ASSERT_TRUE(answer);
  EXPECT_EQ(type_of(*answer), "ERR");
  EXPECT_EQ(error_of(*answer), status::BadTcpMessageTypeInvalid);
  EXPECT_TRUE(raw.closed_by_server());
  expect_still_serving();
}

TEST_F(RobustnessTest, AHelloSplitIntoSingleBytesIsAcknowledged) {
  RawConnection raw(server_->port());
  for (std::uint8_t byte : hello()) {
    raw.send({byte});
    std::this_thread::sleep_for(1ms);
  }
  auto answer = raw.receive_chunk();
  ASSERT_TRUE(answer);
  EXPECT_EQ(type_of(*answer), "ACK");
}

TEST_F(RobustnessTest, SeveralChunksInOneWriteAreAllAnswered) {
  RawConnection raw(server_->port());
  SecureChannel channel({});
  OpenSecureChannelRequest request;
  request.requested_lifetime = 60000;
  Bytes both = hello();
  channel.send(uatcp::MessageType::Open, 1, encode_message(request), both,
               status::BadRequestTooLarge);
  raw.send(both);
  auto ack = raw.receive_chunk();
  auto open = raw.receive_chunk();
  ASSERT_TRUE(ack && open);
  EXPECT_EQ(type_of(*ack), "ACK");
  EXPECT_EQ(type_of(*open), "OPN");
}

TEST_F(RobustnessTest, HelloWithSillyLimitsIsRejected) {
  RawConnection raw(server_->port());
  raw.send(hello(100, 100));
  auto answer = raw.receive_chunk();
  ASSERT_TRUE(answer);
  EXPECT_EQ(type_of(*answer), "ERR");
  EXPECT_EQ(error_of(*answer), status::BadConnectionRejected);
  EXPECT_TRUE(raw.closed_by_server());

  // Zero for the message size and chunk count means no limit.
  RawConnection unlimited(server_->port());
  unlimited.send(hello(65536, 65536, 0, 0));
  auto ack = unlimited.receive_chunk();
  ASSERT_TRUE(ack);
  EXPECT_EQ(type_of(*ack), "ACK");
  expect_still_serving();
}

TEST_F(RobustnessTest, AnOversizedChunkIsRefused) {
  RawConnection raw(server_->port());
  raw.send(hello());
  ASSERT_TRUE(raw.receive_chunk());
  Bytes huge{'M', 'S', 'G', 'F'};
  const std::uint32_t size = 100u << 20;
  huge.insert(huge.end(), reinterpret_cast<const std::uint8_t*>(&size),
              reinterpret_cast<const std::uint8_t*>(&size) + 4);
  raw.send(huge);
  auto answer = raw.receive_chunk();
  ASSERT_TRUE(answer);
  EXPECT_EQ(type_of(*answer), "ERR");
  EXPECT_EQ(error_of(*answer), status::BadTcpMessageTooLarge);
  EXPECT_TRUE(raw.closed_by_server());
}

TEST_F(RobustnessTest, AMessageBeforeTheChannelOpensIsRefused) {
  RawConnection raw(server_->port());
  raw.send(hello());
  ASSERT_TRUE(raw.receive_chunk());
  Bytes message{'M', 'S', 'G', 'F', 24, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
  raw.send(message);
  auto answer = raw.receive_chunk();
  ASSERT_TRUE(answer);
  EXPECT_EQ(type_of(*answer), "ERR");
  EXPECT_TRUE(raw.closed_by_server());
}

TEST_F(RobustnessTest, ATruncatedMessageAndADisconnectLeaveTheServerServing) {
  {
    RawConnection raw(server_->port());
    Bytes partial = hello();
    partial.resize(partial.size() / 2);
    raw.send(partial);
  }
  {
    RawConnection raw(server_->port());
    RawChannel channel(raw);
    channel.open();
    Bytes header{'M', 'S', 'G', 'F', 0, 1, 0, 0};  // announces 256 bytes, sends 8
    raw.send(header);
  }
  expect_still_serving();
}

TEST_F(RobustnessTest, ASilentClientIsDisconnectedAfterTheHelloTimeout) {
  RawConnection raw(server_->port());
  auto answer = raw.receive_chunk(2000ms);
  ASSERT_TRUE(answer);
  EXPECT_EQ(type_of(*answer), "ERR");
  EXPECT_EQ(error_of(*answer), status::BadTimeout);
  EXPECT_TRUE(raw.closed_by_server());
}

TEST_F(RobustnessTest, GarbageInsideAMessageIsAServiceFaultNotADisconnect) {
  RawConnection raw(server_->port());
  RawChannel channel(raw);
  channel.open();
  channel.send_body(uatcp::MessageType::Message, Bytes{0x01, 0x00, 0x77, 0x02, 0xFF});
  EXPECT_EQ(channel.response_type(), ServiceFault::binary_encoding_id);
  EXPECT_EQ(channel.last_fault(), status::BadDecodingError);
  // A service this server does not implement (Call, 712) is answered, not dropped.
  RequestHeader header;
  Bytes call;
  Writer writer(call);
  encode(writer, NodeId(712));
  encode(writer, header);
  writer.number(std::int32_t{0});
  channel.send_body(uatcp::MessageType::Message, call);
  EXPECT_EQ(channel.response_type(), ServiceFault::binary_encoding_id);
  EXPECT_EQ(channel.last_fault(), status::BadServiceUnsupported);
  // Without a session, a Read is refused.
  ReadRequest read;
  read.nodes_to_read.resize(1);
  channel.send(uatcp::MessageType::Message, read);
  EXPECT_EQ(channel.response_type(), ServiceFault::binary_encoding_id);
  EXPECT_EQ(channel.last_fault(), status::BadSessionIdInvalid);
}

TEST_F(RobustnessTest, RandomBytesAfterTheHandshakeNeverTakeTheServerDown) {
  std::mt19937 random(1234);
  for (int round = 0; round < 50; ++round) {
    RawConnection raw(server_->port());
    RawChannel channel(raw);
    channel.open();
    Bytes noise(static_cast<std::size_t>(random() % 300));
    for (auto& byte : noise)
      byte = static_cast<std::uint8_t>(random());
    if (round % 2 == 0) {
      channel.send_body(uatcp::MessageType::Message, noise);
    } else {
      raw.send(noise);
    }
    raw.receive_chunk(200ms);
  }
  expect_still_serving();
}

TEST_F(RobustnessTest, ConnectionsBeyondTheLimitAreRefused) {
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 8; ++i) {
    open.push_back(std::make_unique<RawConnection>(server_->port()));
    open.back()->send(hello());
    ASSERT_TRUE(open.back()->receive_chunk());
  }
  RawConnection extra(server_->port());
  auto answer = extra.receive_chunk();
  ASSERT_TRUE(answer);
  EXPECT_EQ(type_of(*answer), "ERR");
  EXPECT_EQ(error_of(*answer), status::BadMaxConnectionsReached);
  open.clear();
  ASSERT_TRUE([&] {
    for (int attempt = 0; attempt < 100; ++attempt) {
      try {
        expect_still_serving();
        return true;
      } catch (const Error&) {
        std::this_thread::sleep_for(20ms);
      }
    }
    return false;
  }());
}

TEST_F(RobustnessTest, RequestsAndResponsesAreChunkedForSmallBuffers) {
  ClientConfig config;
  config.receive_buffer_size = 8192;
  config.send_buffer_size = 8192;
  Client client(config);
  client.connect(server_->endpoint_url());
  std::vector<WriteValue> writes(1000);
  std::vector<ReadValueId> reads(1000);
  for (int i = 0; i < 1000; ++i) {
    writes[i].node_id = reads[i].node_id = NodeId(2, "v" + std::to_string(i));
    writes[i].value = DataValue(Variant(-i * 1.0));
  }
  for (const StatusCode result : client.write(writes))
    ASSERT_EQ(result, status::Good);
  const auto values = client.read(reads);
  ASSERT_EQ(values.size(), 1000u);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(values[i].value.to_double(), -i * 1.0);
}

TEST_F(RobustnessTest, AResponseBeyondTheClientsChunkCountIsAFault) {
  ClientConfig config;
  config.receive_buffer_size = 8192;
  config.max_chunk_count = 2;
  config.reconnect = false;
  Client client(config);
  client.connect(server_->endpoint_url());
  std::vector<ReadValueId> reads(1000);
  for (int i = 0; i < 1000; ++i)
    reads[i].node_id = NodeId(2, "v" + std::to_string(i));
  try {
    client.read(reads);
    FAIL() << "a response of more chunks than allowed arrived";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadResponseTooLarge);
  }
  EXPECT_EQ(client.read(NodeId(2, "v1")).value.to_double(), 1.0);
}

}  // namespace
}  // namespace twinloop::opcua
