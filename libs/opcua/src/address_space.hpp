#pragma once
// The server's nodes and references (OPC 10000-3). Not thread-safe: the server guards it.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "twinloop/opcua/server.hpp"
#include "twinloop/opcua/services.hpp"

namespace twinloop::opcua {

struct Reference {
  NodeId type;
  NodeId target;
  bool forward = true;
};

struct Node {
  NodeId id;
  NodeClass node_class = NodeClass::Object;
  QualifiedName browse_name;
  LocalizedText display_name;
  LocalizedText description;
  std::vector<Reference> references;

  // Variables and variable types.
  DataValue value;
  NodeId data_type;
  std::int32_t value_rank = value_rank::Scalar;
  std::vector<std::uint32_t> array_dimensions;
  std::uint8_t access_level = access_level::CurrentRead;
  double minimum_sampling_interval = 0;
  std::function<DataValue()> value_source;        // computed on each read, e.g. CurrentTime
  std::shared_ptr<const WriteCallback> on_write;  // shared so a Write can call it unlocked
  std::uint64_t version = 0;  // counts value changes, so samplers can skip unchanged nodes

  // Objects.
  std::uint8_t event_notifier = 0;
  // Types.
  bool is_abstract = false;
  // Reference types.
  bool symmetric = false;
  LocalizedText inverse_name;

  DataValue current_value() const { return value_source ? value_source() : value; }
};

class AddressSpace {
 public:
  // Throws BadNodeIdExists.
  Node& add(Node node);
  // Adds the forward reference to source and the inverse one to target; throws BadNodeIdUnknown.
  void add_reference(const NodeId& source, const NodeId& type, const NodeId& target);

  // Takes the node and everything below it (over forward Organizes, HasComponent and
  // HasProperty references) out of the address space, with every reference to them; returns
  // how many nodes went. Their slots stay as empty nodes of class Unspecified, so indices held
  // by handles and monitored items stay valid and find nothing; their NodeIds may be added anew.
  std::size_t remove(const NodeId& id);

  Node* find(const NodeId& id);
  const Node* find(const NodeId& id) const;
  std::optional<std::uint32_t> index_of(const NodeId& id) const;
  Node& at(std::uint32_t index) { return nodes_[index]; }
  const Node& at(std::uint32_t index) const { return nodes_[index]; }
  std::size_t size() const { return nodes_.size(); }

  // True when `type` is `base` or derives from it over HasSubtype.
  bool is_subtype(const NodeId& type, const NodeId& base) const;
  // The target of the node's HasTypeDefinition reference, or a null NodeId.
  NodeId type_definition(const Node& node) const;
  // Good when `value` fits the variable's DataType and ValueRank, else BadTypeMismatch.
  StatusCode check_value(const Node& variable, const Variant& value) const;

 private:
  std::deque<Node> nodes_;
  std::unordered_map<NodeId, std::uint32_t, NodeIdHash> index_;
};

// Namespace 0: the folders, the Server object and the types a generic client browses.
// `namespaces` supplies the NamespaceArray's value on each read.
void add_standard_nodes(AddressSpace& space, const ServerConfig& config, DateTime start_time,
                        std::function<std::vector<std::string>()> namespaces);

}  // namespace twinloop::opcua
