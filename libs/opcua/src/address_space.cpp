#include "address_space.hpp"

#include <algorithm>

#include "twinloop/opcua/node_ids.hpp"

namespace twinloop::opcua {

Node& AddressSpace::add(Node node) {
  if (index_.contains(node.id)) {
    throw Error(status::BadNodeIdExists, "node " + node.id.to_string() + " exists already");
  }
  const auto index = static_cast<std::uint32_t>(nodes_.size());
  index_.emplace(node.id, index);
  nodes_.push_back(std::move(node));
  return nodes_.back();
}

void AddressSpace::add_reference(const NodeId& source, const NodeId& type, const NodeId& target) {
  Node* from = find(source);
  Node* to = find(target);
  if (!from || !to) {
    throw Error(status::BadNodeIdUnknown, "a reference between " + source.to_string() + " and " +
                                              target.to_string() + " needs both nodes");
  }
  from->references.push_back({type, target, true});
  to->references.push_back({type, source, false});
}

std::size_t AddressSpace::remove(const NodeId& id) {
  const NodeId organizes(id::Organizes);
  const NodeId has_component(id::HasComponent);
  const NodeId has_property(id::HasProperty);
  std::vector<std::uint32_t> doomed;
  std::vector<NodeId> pending{id};
  while (!pending.empty()) {
    const NodeId current = std::move(pending.back());
    pending.pop_back();
    const auto index = index_of(current);
    if (!index || std::find(doomed.begin(), doomed.end(), *index) != doomed.end()) continue;
    doomed.push_back(*index);
    for (const auto& reference : nodes_[*index].references) {
      if (reference.forward && (reference.type == organizes || reference.type == has_component ||
                                reference.type == has_property)) {
        pending.push_back(reference.target);
      }
    }
  }
  for (const auto index : doomed) {
    index_.erase(nodes_[index].id);
  }
  for (const auto index : doomed) {
    // The other ends of the references that leave the removed nodes lose theirs back.
    for (const auto& reference : nodes_[index].references) {
      Node* other = find(reference.target);
      if (!other) continue;
      std::erase_if(other->references, [&](const Reference& back) {
        return back.target == nodes_[index].id && back.type == reference.type &&
               back.forward != reference.forward;
      });
    }
    Node tombstone;
    tombstone.node_class = NodeClass::Unspecified;
    tombstone.version = nodes_[index].version + 1;
    nodes_[index] = std::move(tombstone);
  }
  return doomed.size();
}

Node* AddressSpace::find(const NodeId& id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

const Node* AddressSpace::find(const NodeId& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

std::optional<std::uint32_t> AddressSpace::index_of(const NodeId& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

bool AddressSpace::is_subtype(const NodeId& type, const NodeId& base) const {
  const NodeId has_subtype(id::HasSubtype);
  NodeId current = type;
  // Type hierarchies are shallow; the bound guards against a cycle added by mistake.
  for (int depth = 0; depth < 32; ++depth) {
    if (current == base) return true;
    const Node* node = find(current);
    if (!node) return false;
    const Reference* parent = nullptr;
    for (const auto& reference : node->references) {
      if (!reference.forward && reference.type == has_subtype) {
        parent = &reference;
        break;
      }
    }
    if (!parent) return false;
    current = parent->target;
  }
  return false;
}

NodeId AddressSpace::type_definition(const Node& node) const {
  const NodeId has_type_definition(id::HasTypeDefinition);
  for (const auto& reference : node.references) {
    if (reference.forward && reference.type == has_type_definition) return reference.target;
  }
  return {};
}

namespace {

// The built-in type a value of `data_type` is encoded as, when the type is one of the common
// abstract or derived types of namespace 0 or a built-in type itself.
bool fits_data_type(const AddressSpace& space, const NodeId& data_type, BuiltinType value_type) {
  const auto number = static_cast<std::uint32_t>(value_type);
  if (data_type == NodeId(number)) return true;
  if (data_type == NodeId(id::BaseDataType)) return true;
  const bool signed_integer = value_type == BuiltinType::SByte ||
                              value_type == BuiltinType::Int16 ||
                              value_type == BuiltinType::Int32 || value_type == BuiltinType::Int64;
  const bool unsigned_integer =
      value_type == BuiltinType::Byte || value_type == BuiltinType::UInt16 ||
      value_type == BuiltinType::UInt32 || value_type == BuiltinType::UInt64;
  const bool floating = value_type == BuiltinType::Float || value_type == BuiltinType::Double;
  if (data_type == NodeId(id::Number)) return signed_integer || unsigned_integer || floating;
  if (data_type == NodeId(id::Integer)) return signed_integer;
  if (data_type == NodeId(id::UInteger)) return unsigned_integer;
  if (space.is_subtype(data_type, NodeId(id::Enumeration))) return value_type == BuiltinType::Int32;
  if (space.is_subtype(data_type, NodeId(id::Structure))) {
    return value_type == BuiltinType::ExtensionObject;
  }
  // A subtype of a built-in type (Duration of Double, UtcTime of DateTime, ...).
  if (number >= 1 && number <= 25 && data_type != NodeId(number)) {
    return space.is_subtype(data_type, NodeId(number));
  }
  return false;
}

bool fits_value_rank(std::int32_t rank, const Variant& value) {
  const std::size_t dimensions =
      value.is_array() ? std::max<std::size_t>(1, value.dimensions().size()) : 0;
  switch (rank) {
    case value_rank::ScalarOrOneDimension:
      return dimensions <= 1;
    case value_rank::Any:
      return true;
    case value_rank::Scalar:
      return dimensions == 0;
    case value_rank::OneOrMoreDimensions:
      return dimensions >= 1;
    default:
      return rank > 0 && dimensions == static_cast<std::size_t>(rank);
  }
}

}  // namespace

StatusCode AddressSpace::check_value(const Node& variable, const Variant& value) const {
  if (value.is_null()) {
    return variable.data_type == NodeId(id::BaseDataType) ? status::Good : status::BadTypeMismatch;
  }
  if (!fits_data_type(*this, variable.data_type, value.type())) return status::BadTypeMismatch;
  if (!fits_value_rank(variable.value_rank, value)) return status::BadTypeMismatch;
  return status::Good;
}

}  // namespace twinloop::opcua
