// The subscription and monitored-item services at the level of single requests: keep-alives,
// sequence numbers, acknowledgements, the Publish queue and its limits, Republish, modes.
#include <gtest/gtest.h>

#include <future>
#include <limits>
#include <thread>

#include "twinloop/opcua/client.hpp"
#include "twinloop/opcua/server.hpp"

namespace twinloop::opcua {
namespace {

using namespace std::chrono_literals;

class SubscriptionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.port = 0;
    config.max_publish_requests_per_session = 3;
    server_ = std::make_unique<Server>(config);
    server_->add_namespace("urn:test");
    VariableOptions options;
    options.id = NodeId(2, "level");
    options.browse_name = "level";
    options.value = Variant(1.0);
    level_ = server_->add_variable(NodeId(id::ObjectsFolder), options);
    server_->start();
    client_.connect(server_->endpoint_url());
  }

  IntegerId create_subscription(double interval, std::uint32_t keep_alive) {
    CreateSubscriptionRequest request;
    request.requested_publishing_interval = interval;
    request.requested_max_keep_alive_count = keep_alive;
    request.requested_lifetime_count = 10000;
    const auto response = client_.call<CreateSubscriptionResponse>(request);
    EXPECT_EQ(response.revised_publishing_interval, interval);
    return response.subscription_id;
  }

  MonitoredItemCreateResult monitor(IntegerId subscription, const NodeId& node,
                                    ExtensionObject filter = {}) {
    CreateMonitoredItemsRequest request;
    request.subscription_id = subscription;
    MonitoredItemCreateRequest item;
    item.item_to_monitor.node_id = node;
    item.requested_parameters.client_handle = 42;
    item.requested_parameters.sampling_interval = 1;
    item.requested_parameters.queue_size = 10;
    item.requested_parameters.filter = std::move(filter);
    request.items_to_create.push_back(item);
    auto response = client_.call<CreateMonitoredItemsResponse>(request);
    EXPECT_EQ(response.results.size(), 1u);
    return response.results.at(0);
  }

  PublishResponse publish(std::vector<SubscriptionAcknowledgement> acknowledgements = {},
                          std::uint32_t timeout_hint = 0) {
    PublishRequest request;
    request.subscription_acknowledgements = std::move(acknowledgements);
    request.request_header.timeout_hint = timeout_hint;
    return client_.call<PublishResponse>(request);
  }

  static std::vector<MonitoredItemNotification> changes(const PublishResponse& response) {
    std::vector<MonitoredItemNotification> all;
    for (const auto& data : response.notification_message.notification_data) {
      if (auto notification = from_extension_object<DataChangeNotification>(data)) {
        all.insert(all.end(), notification->monitored_items.begin(),
                   notification->monitored_items.end());
      }
    }
    return all;
  }

  std::unique_ptr<Server> server_;
  VariableHandle level_;
  Client client_;
};

TEST_F(SubscriptionServiceTest, PublishWithoutSubscriptionsIsRefused) {
  try {
    publish();
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadNoSubscription);
  }
}

TEST_F(SubscriptionServiceTest, KeepAlivesShowTheNextSequenceNumberWithoutUsingItUp) {
  const IntegerId subscription = create_subscription(10, 2);
  const auto first = publish();
  EXPECT_EQ(first.subscription_id, subscription);
  EXPECT_TRUE(first.notification_message.notification_data.empty());
  EXPECT_EQ(first.notification_message.sequence_number, 1u);
  const auto second = publish();
  EXPECT_TRUE(second.notification_message.notification_data.empty());
  EXPECT_EQ(second.notification_message.sequence_number, 1u);

  const auto item = monitor(subscription, NodeId(2, "level"));
  ASSERT_EQ(item.status_code, status::Good);
  const auto data = publish();
  ASSERT_EQ(changes(data).size(), 1u);
  EXPECT_EQ(changes(data)[0].client_handle, 42u);
  EXPECT_EQ(changes(data)[0].value.value.to_double(), 1.0);
  EXPECT_EQ(data.notification_message.sequence_number, 1u);
  EXPECT_EQ(data.available_sequence_numbers, std::vector<std::uint32_t>{1});
  const auto after = publish({{subscription, 1}});
  EXPECT_EQ(after.notification_message.sequence_number, 2u);
  EXPECT_EQ(after.results, std::vector<StatusCode>{status::Good});
}

TEST_F(SubscriptionServiceTest, AcknowledgementsAreAnsweredPerItem) {
  const IntegerId subscription = create_subscription(10, 2);
  monitor(subscription, NodeId(2, "level"));
  const auto data = publish();
  ASSERT_EQ(data.notification_message.sequence_number, 1u);
  const auto answer = publish({{subscription, 1}, {subscription, 99}, {subscription + 100, 1}});
  EXPECT_EQ(answer.results, (std::vector<StatusCode>{status::Good, status::BadSequenceNumberUnknown,
                                                     status::BadSubscriptionIdInvalid}));
}

TEST_F(SubscriptionServiceTest, RepublishReturnsWhatIsNotYetAcknowledged) {
  const IntegerId subscription = create_subscription(10, 2);
  monitor(subscription, NodeId(2, "level"));
  const auto data = publish();
  RepublishRequest again;
  again.subscription_id = subscription;
  again.retransmit_sequence_number = data.notification_message.sequence_number;
  const auto copy = client_.call<RepublishResponse>(again);
  EXPECT_EQ(copy.notification_message.sequence_number, 1u);
  EXPECT_EQ(copy.notification_message.notification_data.size(), 1u);
  publish({{subscription, 1}});
  try {
    client_.call<RepublishResponse>(again);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadMessageNotAvailable);
  }
}

TEST_F(SubscriptionServiceTest, APublishPastItsTimeoutHintIsAnswered) {
  create_subscription(1000, 100);  // nothing to say for 100 s
  const auto started = std::chrono::steady_clock::now();
  try {
    publish({}, 200);
    FAIL() << "the Publish was answered with data";
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), status::BadTimeout);
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 3s);
}

TEST_F(SubscriptionServiceTest, TheOldestPublishIsRefusedBeyondTheQueueLimit) {
  create_subscription(300, 100);
  // The first cycle tells the client the subscription works; the next keep-alive is 30 s away.
  EXPECT_TRUE(publish().notification_message.notification_data.empty());
  std::vector<std::future<StatusCode>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(std::async(std::launch::async, [this, i] {
      try {
        publish({}, 1500 + 200 * static_cast<std::uint32_t>(i));
        return status::Good;
      } catch (const Error& error) {
        return error.status();
      }
    }));
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(waiting[0].get(), status::BadTooManyPublishRequests);
  for (int i = 1; i < 4; ++i)
    EXPECT_EQ(waiting[i].get(), status::BadTimeout);
}

TEST_F(SubscriptionServiceTest, DisabledPublishingSendsOnlyKeepAlives) {
  const IntegerId subscription = create_subscription(10, 1);
  monitor(subscription, NodeId(2, "level"));
  SetPublishingModeRequest disable;
  disable.publishing_enabled = false;
  disable.subscription_ids = {subscription, subscription + 7};
  const auto results = client_.call<SetPublishingModeResponse>(disable).results;
  EXPECT_EQ(results, (std::vector<StatusCode>{status::Good, status::BadSubscriptionIdInvalid}));
  EXPECT_TRUE(changes(publish()).empty());
  disable.publishing_enabled = true;
  disable.subscription_ids = {subscription};
  client_.call<SetPublishingModeResponse>(disable);
  EXPECT_EQ(changes(publish()).size(), 1u);
}

TEST_F(SubscriptionServiceTest, AbsoluteDeadbandDropsSmallChanges) {
  const IntegerId subscription = create_subscription(10, 5);
  DataChangeFilter filter{DataChangeTrigger::StatusValue, DeadbandType::Absolute, 1.0};
  ASSERT_EQ(monitor(subscription, NodeId(2, "level"), to_extension_object(filter)).status_code,
            status::Good);
  auto first = publish();
  ASSERT_EQ(changes(first).size(), 1u);
  for (double value : {1.5, 1.9, 2.5, 2.6, 4.0}) {
    server_->set_value(level_, Variant(value));
    std::this_thread::sleep_for(15ms);
  }
  std::vector<double> seen;
  std::vector<SubscriptionAcknowledgement> acknowledgements{
      {first.subscription_id, first.notification_message.sequence_number}};
  for (int i = 0; i < 5 && seen.size() < 2; ++i) {
    const auto response = publish(acknowledgements);
    acknowledgements.clear();
    if (!response.notification_message.notification_data.empty()) {
      acknowledgements.push_back(
          {response.subscription_id, response.notification_message.sequence_number});
    }
    for (const auto& change : changes(response))
      seen.push_back(*change.value.value.to_double());
  }
  EXPECT_EQ(seen, (std::vector<double>{2.5, 4.0}));
  // A percent deadband needs an EURange this server does not keep.
  DataChangeFilter percent{DataChangeTrigger::StatusValue, DeadbandType::Percent, 5};
  EXPECT_EQ(monitor(subscription, NodeId(2, "level"), to_extension_object(percent)).status_code,
            status::BadMonitoredItemFilterUnsupported);
}

TEST_F(SubscriptionServiceTest, AbsurdSamplingIntervalsAreRevisedIntoRange) {
  const IntegerId subscription = create_subscription(10, 1);
  // Found by the fuzzer: an interval this long overflowed the clock when the next sample was
  // scheduled.
  for (const double requested : {6e24, std::numeric_limits<double>::infinity(),
                                 std::numeric_limits<double>::quiet_NaN(), -1.0}) {
    CreateMonitoredItemsRequest request;
    request.subscription_id = subscription;
    MonitoredItemCreateRequest item;
    item.item_to_monitor.node_id = NodeId(2, "level");
    item.requested_parameters.sampling_interval = requested;
    item.requested_parameters.queue_size = 1;
    request.items_to_create.push_back(item);
    const auto response = client_.call<CreateMonitoredItemsResponse>(request);
    ASSERT_EQ(response.results.size(), 1u);
    EXPECT_EQ(response.results[0].status_code, status::Good) << requested;
    EXPECT_GE(response.results[0].revised_sampling_interval, 1.0) << requested;
    EXPECT_LE(response.results[0].revised_sampling_interval, 3'600'000.0) << requested;
  }
  // The first sample of each item is reported, and the server still answers.
  EXPECT_FALSE(changes(publish()).empty());
}

TEST_F(SubscriptionServiceTest, ModesModificationAndDeletionOfItems) {
  const IntegerId subscription = create_subscription(10, 1);
  const auto item = monitor(subscription, NodeId(2, "level"));
  ASSERT_EQ(item.status_code, status::Good);
  EXPECT_EQ(item.revised_queue_size, 10u);
  EXPECT_EQ(item.revised_sampling_interval, 1.0);
  const auto data = publish();
  ASSERT_EQ(changes(data).size(), 1u);

  ModifyMonitoredItemsRequest modify;
  modify.subscription_id = subscription;
  MonitoredItemModifyRequest change;
  change.monitored_item_id = item.monitored_item_id;
  change.requested_parameters.client_handle = 7;
  change.requested_parameters.sampling_interval = 5;
  change.requested_parameters.queue_size = 0;
  modify.items_to_modify = {change};
  change.monitored_item_id = 999;
  modify.items_to_modify.push_back(change);
  const auto modified = client_.call<ModifyMonitoredItemsResponse>(modify);
  ASSERT_EQ(modified.results.size(), 2u);
  EXPECT_EQ(modified.results[0].status_code, status::Good);
  EXPECT_EQ(modified.results[0].revised_queue_size, 1u);
  EXPECT_EQ(modified.results[1].status_code, status::BadMonitoredItemIdInvalid);

  SetMonitoringModeRequest mode;
  mode.subscription_id = subscription;
  mode.monitoring_mode = MonitoringMode::Disabled;
  mode.monitored_item_ids = {item.monitored_item_id};
  EXPECT_EQ(client_.call<SetMonitoringModeResponse>(mode).results[0], status::Good);
  server_->set_value(level_, Variant(5.0));
  std::this_thread::sleep_for(30ms);
  EXPECT_TRUE(changes(publish({{subscription, 1}})).empty());
  mode.monitoring_mode = MonitoringMode::Reporting;
  client_.call<SetMonitoringModeResponse>(mode);
  const auto enabled = publish();
  ASSERT_EQ(changes(enabled).size(), 1u);
  EXPECT_EQ(changes(enabled)[0].client_handle, 7u);
  EXPECT_EQ(changes(enabled)[0].value.value.to_double(), 5.0);

  DeleteMonitoredItemsRequest remove;
  remove.subscription_id = subscription;
  remove.monitored_item_ids = {item.monitored_item_id, item.monitored_item_id};
  EXPECT_EQ(client_.call<DeleteMonitoredItemsResponse>(remove).results,
            (std::vector<StatusCode>{status::Good, status::BadMonitoredItemIdInvalid}));

  DeleteSubscriptionsRequest end;
  end.subscription_ids = {subscription, subscription};
  EXPECT_EQ(client_.call<DeleteSubscriptionsResponse>(end).results,
            (std::vector<StatusCode>{status::Good, status::BadSubscriptionIdInvalid}));
}

TEST_F(SubscriptionServiceTest, ModifySubscriptionRevisesItsParameters) {
  const IntegerId subscription = create_subscription(100, 10);
  ModifySubscriptionRequest modify;
  modify.subscription_id = subscription;
  modify.requested_publishing_interval = 0.01;  // below the server's minimum
  modify.requested_max_keep_alive_count = 0;
  modify.requested_lifetime_count = 1;
  const auto revised = client_.call<ModifySubscriptionResponse>(modify);
  EXPECT_EQ(revised.revised_publishing_interval, 5.0);
  EXPECT_EQ(revised.revised_max_keep_alive_count, 1u);
  EXPECT_EQ(revised.revised_lifetime_count, 3u);
  modify.subscription_id = 12345;
  EXPECT_THROW(client_.call<ModifySubscriptionResponse>(modify), Error);
}

}  // namespace
}  // namespace twinloop::opcua
