#include "seed_corpus.hpp"

#include "sample_values.hpp"
#include "secure_channel.hpp"
#include "twinloop/opcua/binary.hpp"
#include "uatcp.hpp"

namespace twinloop::opcua::fuzz {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<Seed>* corpus = nullptr;

void write_seed(const std::string& name, const Bytes& bytes) {
  corpus->push_back({name, bytes});
}

// Mode 0 (see fuzz_harness.hpp): the kind index, then the encoded value.
template <class T>
void value_seed(std::size_t kind, const T& value) {
  Bytes bytes{0, static_cast<std::uint8_t>(kind)};
  const Bytes encoded = encode_to_bytes(value);
  bytes.insert(bytes.end(), encoded.begin(), encoded.end());
  write_seed("value-" + std::to_string(kind), bytes);
}

template <class T>
void structure_seed(std::size_t& kind) {
  T value{};
  samples::fill(value);
  value_seed(kind++, value);
}

template <class... Structures>
struct StructureSeeds {
  static void write(std::size_t kind) { (structure_seed<Structures>(kind), ...); }
};

// Mode 2: requests, each with a 2-byte length.
void requests_seed(const std::string& name, const std::vector<Bytes>& requests) {
  Bytes bytes{2};
  for (const auto& request : requests) {
    bytes.push_back(static_cast<std::uint8_t>(request.size() & 0xFF));
    bytes.push_back(static_cast<std::uint8_t>(request.size() >> 8));
    bytes.insert(bytes.end(), request.begin(), request.end());
  }
  write_seed(name, bytes);
}

}  // namespace

std::vector<Seed> seed_corpus() {
  std::vector<Seed> seeds;
  corpus = &seeds;

  value_seed(0, NodeId(1, "Line.Motor.speed"));
  ExpandedNodeId expanded(NodeId(2, 7u));
  expanded.namespace_uri = "urn:x";
  value_seed(1, expanded);
  value_seed(2, QualifiedName(1, "speed"));
  value_seed(3, LocalizedText("en", "speed"));
  value_seed(4, to_extension_object(AnonymousIdentityToken{"anonymous"}));
  value_seed(5, Variant(std::vector<double>{1, 2, 3, 4}, {2, 2}));
  DataValue data(Variant(std::vector<std::string>{"a", "b"}));
  data.source_timestamp = DateTime::now();
  value_seed(6, data);
  DiagnosticInfo diagnostic;
  diagnostic.additional_info = "x";
  diagnostic.inner_diagnostic_info = Box<DiagnosticInfo>(diagnostic);
  value_seed(7, diagnostic);
  value_seed(8, Guid{});
  value_seed(9, std::string("text"));
  value_seed(10, std::vector<Variant>{Variant(true), Variant::nest(Variant(1.0))});
  samples::AllServiceStructures<StructureSeeds>::write(11);

  // Mode 1: a client's first bytes: HEL, OPN, a Read in two chunks, CLO.
  Bytes stream{1};
  uatcp::HelloMessage hello;
  hello.receive_buffer_size = hello.send_buffer_size = 8192;
  hello.endpoint_url = "opc.tcp://127.0.0.1:4840";
  uatcp::append_message(stream, uatcp::MessageType::Hello, hello);
  uatcp::ConnectionLimits limits;
  limits.send_buffer_size = 8192;
  SecureChannel channel(limits);
  channel.set_send_token(1);
  channel.send(uatcp::MessageType::Open, 1, encode_message(OpenSecureChannelRequest{}), stream,
               status::BadRequestTooLarge);
  ReadRequest read;
  read.nodes_to_read.resize(800);
  for (auto& item : read.nodes_to_read)
    item.node_id = NodeId(1, "Line.v");
  channel.send(uatcp::MessageType::Message, 2, encode_message(read), stream,
               status::BadRequestTooLarge);
  channel.send(uatcp::MessageType::Close, 3, encode_message(CloseSecureChannelRequest{}), stream,
               status::BadRequestTooLarge);
  write_seed("stream-handshake", stream);

  // Mode 2: what clients ask a server.
  ReadRequest small_read;
  for (std::uint32_t id : {2255u, 2256u, 2259u, 85u}) {
    ReadValueId item;
    item.node_id = NodeId(id);
    small_read.nodes_to_read.push_back(item);
  }
  ReadValueId value_of_v;
  value_of_v.node_id = NodeId(1, "v");
  small_read.nodes_to_read.push_back(value_of_v);
  WriteRequest write;
  WriteValue write_value;
  write_value.node_id = NodeId(1, "v");
  write_value.value = DataValue(Variant(2.0));
  write.nodes_to_write = {write_value};
  BrowseRequest browse;
  browse.requested_max_references_per_node = 2;
  BrowseDescription root;
  root.node_id = NodeId(84);
  browse.nodes_to_browse = {root};
  BrowseNextRequest next;
  next.continuation_points = {ByteString({1, 0, 0, 0, 0, 0, 0, 0})};
  requests_seed("requests-attribute-view", {encode_message(small_read), encode_message(write),
                                            encode_message(browse), encode_message(next)});

  CreateSubscriptionRequest subscription;
  subscription.requested_publishing_interval = 10;
  CreateMonitoredItemsRequest items;
  items.subscription_id = 1;
  MonitoredItemCreateRequest item;
  item.item_to_monitor.node_id = NodeId(1, "v");
  item.requested_parameters.sampling_interval = 5;
  item.requested_parameters.queue_size = 4;
  item.requested_parameters.filter = to_extension_object(
      DataChangeFilter{DataChangeTrigger::StatusValue, DeadbandType::Absolute, 0.5});
  items.items_to_create = {item};
  PublishRequest publish;
  PublishRequest acknowledge;
  acknowledge.subscription_acknowledgements = {{1, 1}, {1, 9}};
  RepublishRequest republish;
  republish.subscription_id = 1;
  republish.retransmit_sequence_number = 1;
  requests_seed("requests-subscription",
                {encode_message(subscription), encode_message(items), encode_message(publish),
                 encode_message(write), encode_message(publish), encode_message(acknowledge),
                 encode_message(republish), encode_message(DeleteSubscriptionsRequest{{}, {1}})});
  // A CI fuzzing run found that a sampling interval of 6e24 ms overflowed the clock when the
  // next sample was scheduled; the crash input was not kept, so this seed stands in for it.
  CreateSubscriptionRequest endless_subscription;
  endless_subscription.requested_publishing_interval = 1e300;
  endless_subscription.requested_max_keep_alive_count = 0xFFFFFFFFu;
  CreateMonitoredItemsRequest endless_items;
  endless_items.subscription_id = 2;
  for (const double interval : {6e24, 1e300, -1.0}) {
    MonitoredItemCreateRequest endless = item;
    endless.requested_parameters.sampling_interval = interval;
    endless_items.items_to_create.push_back(endless);
  }
  requests_seed("requests-extreme-intervals",
                {encode_message(subscription), encode_message(endless_subscription),
                 encode_message(endless_items), encode_message(publish), encode_message(publish)});
  corpus = nullptr;
  return seeds;
}

}  // namespace twinloop::opcua::fuzz
