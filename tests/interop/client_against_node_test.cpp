// twinloop's client against a node-opcua server (tests/interop/node_server.mjs): endpoints,
// the standard tree, read/write of each common type and arrays, subscriptions, logins, a
// stalled server.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "peer_process.hpp"
#include "twinloop/opcua/client.hpp"

namespace twinloop::opcua {
namespace {

using namespace std::chrono_literals;
using interop::PeerProcess;

class NodeServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    peer_ = new PeerProcess("node", {"node_server.mjs", "--many", "1000"},
                            interop::interop_directory());
  }
  static void TearDownTestSuite() {
    delete peer_;
    peer_ = nullptr;
  }
  void SetUp() override { client_.connect(peer_->url()); }

  NodeId demo(const std::string& name) const { return NodeId(1, "Demo." + name); }

  static PeerProcess* peer_;
  Client client_;
};
PeerProcess* NodeServerTest::peer_ = nullptr;

template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 10000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return predicate();
}

std::vector<std::string> names(const std::vector<ReferenceDescription>& references) {
  std::vector<std::string> result;
  for (const auto& reference : references)
    result.push_back(reference.browse_name.name);
  return result;
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

TEST_F(NodeServerTest, EndpointsOfferPolicyNoneOnTheUrlDialled) {
  Client discovery;
  const auto endpoints = discovery.get_endpoints(peer_->url());
  ASSERT_FALSE(endpoints.empty());
  bool none = false;
  for (const auto& endpoint : endpoints) {
    if (endpoint.security_policy_uri == kSecurityPolicyNoneUri) none = true;
    EXPECT_NE(endpoint.endpoint_url.find("127.0.0.1"), std::string::npos) << endpoint.endpoint_url;
  }
  EXPECT_TRUE(none);
}

TEST_F(NodeServerTest, BrowsesTheStandardTree) {
  const auto root = names(client_.browse(NodeId(id::RootFolder)));
  for (const char* folder : {"Objects", "Types", "Views"})
    EXPECT_TRUE(contains(root, folder));
  const auto objects = names(client_.browse(NodeId(id::ObjectsFolder)));
  EXPECT_TRUE(contains(objects, "Server"));
  EXPECT_TRUE(contains(objects, "Demo"));
  const auto server = names(client_.browse(NodeId(id::Server)));
  EXPECT_TRUE(contains(server, "NamespaceArray"));
  EXPECT_TRUE(contains(server, "ServerStatus"));
  const auto types = names(client_.browse(NodeId(id::TypesFolder)));
  EXPECT_TRUE(contains(types, "ReferenceTypes"));
  BrowseOptions inverse;
  inverse.direction = BrowseDirection::Inverse;
  inverse.reference_type = NodeId(id::HasSubtype);
  EXPECT_EQ(names(client_.browse(NodeId(id::HasComponent), inverse)),
            std::vector<std::string>{"Aggregates"});
  const auto namespaces = client_.read(NodeId(id::Server_NamespaceArray));
  ASSERT_TRUE(namespaces.value.array<std::string>());
  EXPECT_EQ(namespaces.value.array<std::string>()->at(0), "http://opcfoundation.org/UA/");
  EXPECT_EQ(*client_.read(NodeId(id::Server_ServerStatus_State)).value.scalar<std::int32_t>(), 0);
}

TEST_F(NodeServerTest, BrowsesAThousandReferencesWithContinuationPoints) {
  BrowseOptions options;
  options.max_references_per_request = 100;
  EXPECT_EQ(client_.browse(demo("Many"), options).size(), 1000u);
}

template <class T>
void write_and_read_back(Client& client, const NodeId& node, T value) {
  ASSERT_EQ(client.write(node, Variant(value)), status::Good) << node.to_string();
  const DataValue read = client.read(node);
  ASSERT_EQ(read.status, status::Good);
  ASSERT_TRUE(read.value.scalar<T>())
      << node.to_string() << " holds " << builtin_type_name(read.value.type());
  EXPECT_EQ(*read.value.scalar<T>(), value) << node.to_string();
}

TEST_F(NodeServerTest, WritesAndReadsBackEachCommonType) {
  write_and_read_back(client_, demo("Boolean"), false);
  write_and_read_back(client_, demo("SByte"), std::int8_t{-100});
  write_and_read_back(client_, demo("Byte"), std::uint8_t{200});
  write_and_read_back(client_, demo("Int16"), std::int16_t{-30000});
  write_and_read_back(client_, demo("UInt16"), std::uint16_t{60000});
  write_and_read_back(client_, demo("Int32"), std::int32_t{-2000000000});
  write_and_read_back(client_, demo("UInt32"), std::uint32_t{4000000000u});
  write_and_read_back(client_, demo("Int64"), std::int64_t{-1234567890123});
  write_and_read_back(client_, demo("UInt64"), std::uint64_t{1234567890123});
  write_and_read_back(client_, demo("Float"), 2.5f);
  write_and_read_back(client_, demo("Double"), -1.125e10);
  write_and_read_back(client_, demo("String"), std::string("written by twinloop"));
  write_and_read_back(client_, demo("DateTime"),
                      DateTime::from_unix_nanoseconds(1'714'979'289'010'000'000));
  write_and_read_back(client_, demo("ByteString"), ByteString({9, 8, 7}));
}

TEST_F(NodeServerTest, WritesAndReadsBackArrays) {
  ASSERT_EQ(client_.write(demo("DoubleArray"), Variant(std::vector<double>{0.5, 1.5, 2.5})),
            status::Good);
  EXPECT_EQ(*client_.read(demo("DoubleArray")).value.array<double>(),
            (std::vector<double>{0.5, 1.5, 2.5}));
  ASSERT_EQ(client_.write(demo("Int32Array"), Variant(std::vector<std::int32_t>{-1, 0, 1})),
            status::Good);
  EXPECT_EQ(*client_.read(demo("Int32Array")).value.array<std::int32_t>(),
            (std::vector<std::int32_t>{-1, 0, 1}));
  ASSERT_EQ(client_.write(demo("StringArray"), Variant(std::vector<std::string>{"x", "y"})),
            status::Good);
  EXPECT_EQ(*client_.read(demo("StringArray")).value.array<std::string>(),
            (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(client_.write(demo("BooleanArray"), Variant(std::vector<bool>{false, true, true})),
            status::Good);
  EXPECT_EQ(*client_.read(demo("BooleanArray")).value.array<bool>(),
            (std::vector<bool>{false, true, true}));
}

TEST_F(NodeServerTest, ReadsAndWritesAThousandValuesPerRequest) {
  std::vector<WriteValue> writes(1000);
  std::vector<ReadValueId> reads(1000);
  for (int i = 0; i < 1000; ++i) {
    writes[i].node_id = reads[i].node_id = demo("Many." + std::to_string(i));
    writes[i].value = DataValue(Variant(i * 0.5));
  }
  for (const StatusCode result : client_.write(writes))
    ASSERT_EQ(result, status::Good);
  const auto values = client_.read(reads);
  ASSERT_EQ(values.size(), 1000u);
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(values[i].value.to_double(), i * 0.5);
}

TEST_F(NodeServerTest, ReportsErrorsPerItem) {
  EXPECT_EQ(client_.read(demo("Nothing")).status, status::BadNodeIdUnknown);
  EXPECT_EQ(client_.write(demo("Double"), Variant("text")), status::BadTypeMismatch);
  const StatusCode read_only = client_.write(demo("ReadOnly"), Variant(1.0));
  EXPECT_TRUE(read_only == status::BadNotWritable || read_only == status::BadUserAccessDenied)
      << read_only.name();
}

TEST_F(NodeServerTest, SubscriptionDeliversTheCounterInOrder) {
  std::mutex mutex;
  std::vector<std::int32_t> seen;
  const IntegerId subscription = client_.create_subscription({.publishing_interval_ms = 50});
  MonitorOptions options;
  options.sampling_interval_ms = 10;
  options.queue_size = 50;
  client_.monitor(subscription, demo("Counter"), options, [&](const DataValue& value) {
    std::lock_guard lock(mutex);
    seen.push_back(*value.value.scalar<std::int32_t>());
  });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return seen.size() >= 25;
  }));
  client_.delete_subscription(subscription);
  std::lock_guard lock(mutex);
  for (std::size_t i = 1; i < seen.size(); ++i)
    EXPECT_LT(seen[i - 1], seen[i]);
}

TEST_F(NodeServerTest, LogsInWithUserNameAndRefusesAWrongPassword) {
  ClientConfig good;
  good.user = UserCredentials{"operator", "secret"};
  Client user(good);
  user.connect(peer_->url());
  EXPECT_EQ(user.read(NodeId(id::Server_ServerStatus_State)).status, status::Good);
  user.disconnect();

  ClientConfig bad;
  bad.user = UserCredentials{"operator", "wrong"};
  bad.reconnect = false;
  Client intruder(bad);
  try {
    intruder.connect(peer_->url());
    FAIL() << "a wrong password was accepted";
  } catch (const Error& error) {
    EXPECT_TRUE(error.status() == status::BadUserAccessDenied ||
                error.status() == status::BadIdentityTokenRejected)
        << error.what();
  }
}

TEST(NodeServerStall, AStalledServerIsTimedOutAndTheClientRecovers) {
  PeerProcess peer("node", {"node_server.mjs", "--many", "10"}, interop::interop_directory());
  ClientConfig config;
  config.request_timeout = 500ms;
  config.reconnect_min_delay = 100ms;
  config.reconnect_max_delay = 500ms;
  Client client(config);
  client.connect(peer.url());
  EXPECT_EQ(client.read(NodeId(id::Server_ServerStatus_State)).status, status::Good);
  peer.pause();
  const auto started = std::chrono::steady_clock::now();
  try {
    client.read(NodeId(id::Server_ServerStatus_State));
    FAIL() << "a stalled server answered";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadTimeout);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  peer.resume();
  EXPECT_TRUE(eventually([&] {
    try {
      return client.read(NodeId(id::Server_ServerStatus_State)).status == status::Good;
    } catch (const Error&) {
      return false;
    }
  }));
}

}  // namespace
}  // namespace twinloop::opcua
