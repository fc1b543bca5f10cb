// Our client against our server on loopback: sessions, batched read/write, browse with
// continuation points, subscriptions, logins, token renewal, reconnection, timeouts.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "twinloop/opcua/client.hpp"
#include "twinloop/opcua/server.hpp"

namespace twinloop::opcua {
namespace {

using namespace std::chrono_literals;

ServerConfig loopback_config() {
  ServerConfig config;
  config.port = 0;
  config.users = {{"operator", "secret"}};
  return config;
}

VariableHandle add_double(Server& server, const NodeId& parent, const std::string& name,
                          double value, bool writable = true) {
  VariableOptions options;
  options.id = NodeId(2, name);
  options.browse_name = name;
  options.value = Variant(value);
  if (writable) options.access_level |= access_level::CurrentWrite;
  return server.add_variable(parent, options);
}

class ClientServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(loopback_config());
    ASSERT_EQ(server_->add_namespace("urn:test"), 2);
    folder_ = server_->add_folder(NodeId(id::ObjectsFolder), NodeId(2, "Plant"), "Plant");
    speed_ = add_double(*server_, folder_, "Plant.speed", 1.5);
    for (int i = 0; i < 250; ++i)
      add_double(*server_, folder_, "Plant.v" + std::to_string(i), i);
    server_->start();
  }

  std::string url() const { return server_->endpoint_url(); }

  std::unique_ptr<Server> server_;
  NodeId folder_;
  VariableHandle speed_;
};

// Waits until `predicate` holds or `timeout` passes.
template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return predicate();
}

TEST_F(ClientServerTest, EndpointsNameTheUrlDialledAndTheTokenPolicies) {
  Client client;
  const auto endpoints = client.get_endpoints(url());
  ASSERT_EQ(endpoints.size(), 1u);
  EXPECT_EQ(endpoints[0].endpoint_url, url());
  EXPECT_EQ(endpoints[0].security_policy_uri, kSecurityPolicyNoneUri);
  ASSERT_EQ(endpoints[0].user_identity_tokens.size(), 2u);
  EXPECT_EQ(client.state(), Client::State::Disconnected);
}

TEST_F(ClientServerTest, EndpointsComeBackWithTheHostTheClientDialled) {
  Client client;
  const std::string by_name = "opc.tcp://localhost:" + std::to_string(server_->port());
  const auto endpoints = client.get_endpoints(by_name);
  ASSERT_EQ(endpoints.size(), 1u);
  EXPECT_EQ(endpoints[0].endpoint_url, by_name);
  EXPECT_EQ(endpoints[0].server.discovery_urls, std::vector<std::string>{by_name});
  client.connect(by_name);
  EXPECT_EQ(client.state(), Client::State::Connected);
}

TEST_F(ClientServerTest, ReadsAndWritesInBatches) {
  Client client;
  client.connect(url());
  EXPECT_EQ(client.state(), Client::State::Connected);
  const DataValue namespaces = client.read(NodeId(id::Server_NamespaceArray));
  ASSERT_TRUE(namespaces.value.array<std::string>());
  EXPECT_EQ(namespaces.value.array<std::string>()->at(2), "urn:test");

  std::vector<WriteValue> writes;
  for (int i = 0; i < 250; ++i) {
    WriteValue write;
    write.node_id = NodeId(2, "Plant.v" + std::to_string(i));
    write.value = DataValue(Variant(i * 10.0));
    writes.push_back(write);
  }
  for (const StatusCode result : client.write(writes))
    EXPECT_EQ(result, status::Good);

  ReadRequest request;
  for (int i = 0; i < 250; ++i) {
    ReadValueId item;
    item.node_id = NodeId(2, "Plant.v" + std::to_string(i));
    request.nodes_to_read.push_back(item);
  }
  ReadResponse response;
  client.read(request, response);
  ASSERT_EQ(response.results.size(), 250u);
  for (int i = 0; i < 250; ++i) {
    EXPECT_EQ(response.results[i].value.to_double(), i * 10.0);
  }
  // The same request again reuses the response.
  client.read(request, response);
  EXPECT_EQ(response.results.size(), 250u);

  EXPECT_EQ(client.write(NodeId(2, "Plant.speed"), Variant("text")), status::BadTypeMismatch);
  EXPECT_EQ(client.read(NodeId(2, "Missing")).status, status::BadNodeIdUnknown);
  client.disconnect();
  EXPECT_EQ(client.state(), Client::State::Disconnected);
}

TEST_F(ClientServerTest, AWriteStartedNowIsAnsweredWhenFinishedAndInOrder) {
  Client client;
  client.connect(url());
  std::vector<WriteValue> writes(2);
  writes[0].node_id = NodeId(2, "Plant.v0");
  writes[0].value = DataValue(Variant(4.5));
  writes[1].node_id = NodeId(2, "Plant.speed");
  writes[1].value = DataValue(Variant("text"));
  auto pending = client.write_start(writes);
  ASSERT_TRUE(pending);
  // A request sent after it is answered after it: this read sees the write.
  EXPECT_EQ(client.read(NodeId(2, "Plant.v0")).value.to_double(), 4.5);
  EXPECT_EQ(client.write_finish(pending),
            (std::vector<StatusCode>{status::Good, status::BadTypeMismatch}));
  EXPECT_FALSE(pending);
  EXPECT_THROW(client.write_finish(pending), Error) << "finished already";
}

TEST_F(ClientServerTest, ApplicationSeesWritesAndPushesValues) {
  std::atomic<int> writes{0};
  server_->set_write_callback(speed_, [&](const NodeId&, const DataValue& value) {
    ++writes;
    return value.value.to_double() < 0 ? status::BadOutOfRange : status::Good;
  });
  Client client;
  client.connect(url());
  EXPECT_EQ(client.write(NodeId(2, "Plant.speed"), Variant(7.0)), status::Good);
  EXPECT_EQ(client.write(NodeId(2, "Plant.speed"), Variant(-1.0)), status::BadOutOfRange);
  EXPECT_EQ(writes, 2);
  EXPECT_EQ(server_->value(speed_).value.to_double(), 7.0);
  server_->set_value(speed_, Variant(9.0));
  EXPECT_EQ(client.read(NodeId(2, "Plant.speed")).value.to_double(), 9.0);
}

TEST_F(ClientServerTest, BrowseFollowsContinuationPoints) {
  Client client;
  client.connect(url());
  BrowseOptions options;
  options.max_references_per_request = 16;
  const auto references = client.browse(folder_, options);
  EXPECT_EQ(references.size(), 251u);
  const auto root = client.browse(NodeId(id::RootFolder));
  ASSERT_EQ(root.size(), 3u);
  EXPECT_EQ(root[0].browse_name.name, "Objects");
  EXPECT_THROW(client.browse(NodeId(2, "Missing")), Error);
}

TEST_F(ClientServerTest, SubscriptionDeliversChangesInOrder) {
  std::mutex mutex;
  std::vector<double> seen;
  Client client;
  client.connect(url());
  const IntegerId subscription = client.create_subscription({.publishing_interval_ms = 20});
  MonitorOptions options;
  options.sampling_interval_ms = 5;
  options.queue_size = 100;
  client.monitor(subscription, NodeId(2, "Plant.speed"), options, [&](const DataValue& value) {
    std::lock_guard lock(mutex);
    seen.push_back(*value.value.to_double());
  });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return !seen.empty();
  }));
  for (int i = 0; i < 20; ++i) {
    server_->set_value(speed_, Variant(100.0 + i));
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return !seen.empty() && seen.back() == 119.0;
  }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.front(), 1.5);  // the initial value comes first
  for (std::size_t i = 1; i < seen.size(); ++i)
    EXPECT_LT(seen[i - 1], seen[i]);
  EXPECT_GE(seen.size(), 15u);
}

TEST_F(ClientServerTest, RemovedNodesGoWithTheirChildrenAndMayComeBack) {
  const NodeId line = server_->add_object(folder_, NodeId(2, "Line"), "Line");
  const VariableHandle belt = add_double(*server_, line, "Line.belt", 3.0);
  std::mutex mutex;
  std::vector<StatusCode> statuses;
  Client client;
  client.connect(url());
  const IntegerId subscription = client.create_subscription({.publishing_interval_ms = 20});
  client.monitor(subscription, NodeId(2, "Line.belt"), {.sampling_interval_ms = 5},
                 [&](const DataValue& value) {
                   std::lock_guard lock(mutex);
                   statuses.push_back(value.status);
                 });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return !statuses.empty();
  }));

  EXPECT_EQ(server_->remove_node(line), 2u);
  EXPECT_EQ(server_->remove_node(line), 0u);
  EXPECT_EQ(client.read(NodeId(2, "Line.belt")).status, status::BadNodeIdUnknown);
  EXPECT_FALSE(server_->find_variable(NodeId(2, "Line.belt")));
  EXPECT_THROW(server_->set_value(belt, Variant(4.0)), Error);
  for (const auto& reference : client.browse(folder_))
    EXPECT_NE(reference.node_id.node_id, line);
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return statuses.back() == status::BadNodeIdUnknown;
  }));

  server_->add_object(folder_, NodeId(2, "Line"), "Line");
  add_double(*server_, NodeId(2, "Line"), "Line.belt", 5.0);
  EXPECT_EQ(client.read(NodeId(2, "Line.belt")).value.to_double(), 5.0);
  client.delete_subscription(subscription);
}

TEST_F(ClientServerTest, MonitoringAnUnknownNodeFailsWithItsStatus) {
  Client client;
  client.connect(url());
  const IntegerId subscription = client.create_subscription();
  try {
    client.monitor(subscription, NodeId(2, "Missing"), {}, [](const DataValue&) {});
    FAIL() << "monitoring a missing node succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadNodeIdUnknown);
  }
  EXPECT_THROW(client.monitor(999, NodeId(2, "Plant.speed"), {}, [](const DataValue&) {}), Error);
  client.delete_subscription(subscription);
}

TEST_F(ClientServerTest, UserNameLoginAndWrongPassword) {
  ClientConfig good;
  good.user = UserCredentials{"operator", "secret"};
  Client user(good);
  user.connect(url());
  EXPECT_EQ(user.read(NodeId(id::Server_ServerStatus_State)).value.scalar<std::int32_t>()[0], 0);

  ClientConfig bad;
  bad.user = UserCredentials{"operator", "guess"};
  bad.reconnect = false;
  Client intruder(bad);
  try {
    intruder.connect(url());
    FAIL() << "a wrong password was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadUserAccessDenied);
  }
  EXPECT_EQ(intruder.state(), Client::State::Disconnected);
}

TEST(ClientTokens, RenewsTheTokenBeforeItExpires) {
  ServerConfig config = loopback_config();
  config.min_token_lifetime_ms = 200;
  Server server(config);
  server.start();
  ClientConfig client_config;
  client_config.requested_token_lifetime_ms = 200;
  Client client(client_config);
  client.connect(server.endpoint_url());
  const auto until = std::chrono::steady_clock::now() + 900ms;
  while (std::chrono::steady_clock::now() < until) {
    EXPECT_EQ(client.read(NodeId(id::Server_ServerStatus_State)).status, status::Good);
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(client.statistics().token_renewals, 3u);
  EXPECT_EQ(client.state(), Client::State::Connected);
  EXPECT_EQ(client.statistics().reconnects, 0u);
}

TEST(ClientReconnection, ComesBackAfterTheServerRestartsAndSubscribesAgain) {
  auto server = std::make_unique<Server>(loopback_config());
  server->add_namespace("urn:test");
  const VariableHandle speed = add_double(*server, NodeId(id::ObjectsFolder), "speed", 1.0);
  server->start();
  const std::uint16_t port = server->port();

  std::mutex mutex;
  std::vector<Client::State> states;
  std::atomic<double> last{0};
  ClientConfig config;
  config.reconnect_min_delay = 50ms;
  config.reconnect_max_delay = 200ms;
  Client client(config);
  client.on_state_change([&](Client::State state) {
    std::lock_guard lock(mutex);
    states.push_back(state);
  });
  client.connect(server->endpoint_url());
  const IntegerId subscription = client.create_subscription({.publishing_interval_ms = 20});
  MonitorOptions options;
  options.sampling_interval_ms = 5;
  client.monitor(subscription, NodeId(2, "speed"), options,
                 [&](const DataValue& value) { last = *value.value.to_double(); });
  ASSERT_TRUE(eventually([&] { return last == 1.0; }));

  server.reset();
  ASSERT_TRUE(eventually([&] { return client.state() == Client::State::Reconnecting; }));
  EXPECT_THROW(client.read(NodeId(id::Server_ServerStatus_State)), Error);

  ServerConfig again = loopback_config();
  again.port = port;
  server = std::make_unique<Server>(again);
  server->add_namespace("urn:test");
  const VariableHandle speed_again = add_double(*server, NodeId(id::ObjectsFolder), "speed", 2.0);
  server->start();
  ASSERT_TRUE(eventually([&] { return client.state() == Client::State::Connected; }, 10000ms));
  EXPECT_EQ(client.read(NodeId(2, "speed")).value.to_double(), 2.0);
  // The session was lost with the server, so the client made its subscription anew.
  server->set_value(speed_again, Variant(3.0));
  EXPECT_TRUE(eventually([&] { return last == 3.0; }));
  EXPECT_GE(client.statistics().reconnects, 1u);
  (void)speed;
  std::lock_guard lock(mutex);
  ASSERT_GE(states.size(), 4u);
  EXPECT_EQ(states[0], Client::State::Connecting);
  EXPECT_EQ(states[1], Client::State::Connected);
  EXPECT_EQ(states[2], Client::State::Reconnecting);
  EXPECT_EQ(states.back(), Client::State::Connected);
}

// Relays TCP connections to a server on loopback, and can cut every connection it carries.
class Relay {
 public:
  explicit Relay(std::uint16_t target)
      : target_(target), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Relay() {
    boost::asio::post(io_, [this] {
      acceptor_.close();
      close_all();
    });
    thread_.join();
  }
  std::string url() const {
    return "opc.tcp://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  void cut() {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      close_all();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  using Socket = boost::asio::ip::tcp::socket;
  struct Pair {
    Socket client;
    Socket server;
    std::array<std::uint8_t, 65536> up{};
    std::array<std::uint8_t, 65536> down{};
  };

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& error, Socket client) {
      if (error) return;
      auto pair = std::make_shared<Pair>(Pair{std::move(client), Socket(io_), {}, {}});
      boost::system::error_code ignored;
      pair->server.connect({boost::asio::ip::make_address("127.0.0.1"), target_}, ignored);
      pairs_.push_back(pair);
      pump(pair, pair->client, pair->server, pair->up);
      pump(pair, pair->server, pair->client, pair->down);
      accept();
    });
  }
  void pump(std::shared_ptr<Pair> pair, Socket& from, Socket& to,
            std::array<std::uint8_t, 65536>& buffer) {
    from.async_read_some(boost::asio::buffer(buffer), [this, pair, &from, &to, &buffer](
                                                          const boost::system::error_code& error,
                                                          std::size_t count) {
      if (error) return;
      boost::system::error_code ignored;
      boost::asio::write(to, boost::asio::buffer(buffer.data(), count), ignored);
      pump(pair, from, to, buffer);
    });
  }
  void close_all() {
    for (auto& pair : pairs_) {
      boost::system::error_code ignored;
      pair->client.close(ignored);
      pair->server.close(ignored);
    }
    pairs_.clear();
  }

  std::uint16_t target_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Pair>> pairs_;
  std::thread thread_;
};

TEST(ClientReconnection, ADroppedConnectionReactivatesTheSameSession) {
  Server server(loopback_config());
  server.add_namespace("urn:test");
  const VariableHandle level = add_double(server, NodeId(id::ObjectsFolder), "level", 1.0);
  server.start();
  Relay relay(server.port());
  std::atomic<double> last{0};
  ClientConfig config;
  config.reconnect_min_delay = 20ms;
  Client client(config);
  client.connect(relay.url());
  const IntegerId subscription = client.create_subscription({.publishing_interval_ms = 20});
  client.monitor(subscription, NodeId(2, "level"), {.sampling_interval_ms = 5},
                 [&](const DataValue& value) { last = *value.value.to_double(); });
  ASSERT_TRUE(eventually([&] { return last == 1.0; }));

  relay.cut();
  ASSERT_TRUE(eventually([&] { return client.statistics().reconnects == 1; }));
  EXPECT_EQ(client.state(), Client::State::Connected);
  // The server kept the session: one session, and its subscription still reports.
  EXPECT_EQ(server.statistics().sessions, 1u);
  server.set_value(level, Variant(8.0));
  EXPECT_TRUE(eventually([&] { return last == 8.0; }));
  EXPECT_EQ(client.read(NodeId(2, "level")).value.to_double(), 8.0);
}

TEST(ClientSessions, AnIdleSessionIsKeptAlive) {
  ServerConfig config = loopback_config();
  config.min_session_timeout_ms = 300;
  Server server(config);
  server.start();
  ClientConfig client_config;
  client_config.session_timeout_ms = 300;
  Client client(client_config);
  client.connect(server.endpoint_url());
  std::this_thread::sleep_for(1000ms);  // more than three session timeouts without a call
  EXPECT_EQ(client.read(NodeId(id::Server_ServerStatus_State)).status, status::Good);
  EXPECT_EQ(client.statistics().reconnects, 0u);
}

TEST(ClientSessions, ASessionTheServerForgotIsMadeAnewWithItsSubscriptions) {
  Server server(loopback_config());
  server.add_namespace("urn:test");
  const VariableHandle level = add_double(server, NodeId(id::ObjectsFolder), "level", 1.0);
  server.start();
  std::atomic<double> last{0};
  ClientConfig config;
  config.reconnect_min_delay = 20ms;
  Client client(config);
  client.connect(server.endpoint_url());
  const IntegerId subscription = client.create_subscription({.publishing_interval_ms = 20});
  client.monitor(subscription, NodeId(2, "level"), {.sampling_interval_ms = 5},
                 [&](const DataValue& value) { last = *value.value.to_double(); });
  ASSERT_TRUE(eventually([&] { return last == 1.0; }));
  // Behind the client's back: its session ends at the server. The Publish requests it had
  // queued are refused first, so the client may already be reconnecting when the answer is due.
  try {
    client.call<CloseSessionResponse>(CloseSessionRequest{});
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadConnectionClosed);
  }
  EXPECT_TRUE(eventually([&] {
    try {
      return client.read(NodeId(2, "level")).status == status::Good;
    } catch (const Error&) {
      return false;
    }
  }));
  server.set_value(level, Variant(5.0));
  EXPECT_TRUE(eventually([&] { return last == 5.0; }));
}

TEST(ClientTimeouts, AServerThatNeverAnswersIsTimedOut) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  boost::asio::ip::tcp::socket silent(io);
  std::thread accept([&] {
    boost::system::error_code ignored;
    acceptor.accept(silent, ignored);
  });
  ClientConfig config;
  config.connect_timeout = 300ms;
  config.reconnect = false;
  Client client(config);
  const auto started = std::chrono::steady_clock::now();
  try {
    client.connect("opc.tcp://127.0.0.1:" + std::to_string(port));
    FAIL() << "connected to a server that never answers";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadTimeout);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  accept.join();
}

TEST(ClientErrors, RefusesBadUrlsAndClosedPorts) {
  ClientConfig config;
  config.connect_timeout = 1000ms;
  config.reconnect = false;
  Client client(config);
  try {
    client.connect("http://127.0.0.1:4840");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadTcpEndpointUrlInvalid);
  }
  // A port nobody listens on: bind one, close it, dial it.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  try {
    client.connect("opc.tcp://127.0.0.1:" + std::to_string(port));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadNotConnected);
  }
  EXPECT_THROW(client.read(NodeId(id::Server_ServerStatus_State)), Error);
}

}  // namespace
}  // namespace twinloop::opcua
