// Attribute service set (OPC 10000-4, 5.10): Read and Write.
#include <charconv>
#include <memory>

#include "server_core.hpp"

namespace twinloop::opcua {
namespace {

struct IndexRange {
  std::size_t first = 0;
  std::size_t last = 0;
};

// "3" or "2:5" for one dimension (OPC 10000-4, 7.27); nullopt when malformed.
std::optional<IndexRange> parse_index_range(std::string_view text) {
  auto number = [](std::string_view digits) -> std::optional<std::size_t> {
    std::size_t value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty()) {
      return std::nullopt;
    }
    return value;
  };
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    auto index = number(text);
    if (!index) return std::nullopt;
    return IndexRange{*index, *index};
  }
  auto first = number(text.substr(0, colon));
  auto last = number(text.substr(colon + 1));
  if (!first || !last || *first >= *last) return std::nullopt;
  return IndexRange{*first, *last};
}

// The elements of a one-dimensional array, or the bytes of a String or ByteString, in range.
StatusCode apply_index_range(Variant& value, const std::string& text) {
  auto range = parse_index_range(text);
  if (!range) return status::BadIndexRangeInvalid;
  StatusCode result = status::Good;
  std::visit(
      [&](auto& stored) {
        using T = std::decay_t<decltype(stored)>;
        auto cut = [&](auto& sequence) -> bool {
          if (range->first >= sequence.size()) return false;
          const std::size_t last = std::min(range->last, sequence.size() - 1);
          sequence.erase(sequence.begin() + static_cast<std::ptrdiff_t>(last + 1), sequence.end());
          sequence.erase(sequence.begin(),
                         sequence.begin() + static_cast<std::ptrdiff_t>(range->first));
          return true;
        };
        if constexpr (std::is_same_v<T, std::string>) {
          if (!cut(stored)) result = status::BadIndexRangeNoData;
        } else if constexpr (std::is_same_v<T, ByteString>) {
          if (!cut(stored.data)) result = status::BadIndexRangeNoData;
        } else if constexpr (requires {
                               stored.begin();
                               stored.size();
                             }) {
          if (!cut(stored)) result = status::BadIndexRangeNoData;
        } else {
          result = status::BadIndexRangeNoData;
        }
      },
      value.storage());
  if (result.is_good()) value.set_dimensions({});
  return result;
}

DataValue attribute_value(Variant value) {
  return DataValue(std::move(value));
}

}  // namespace

DataValue read_attribute(const AddressSpace& space, const Node& node, std::uint32_t attribute_id,
                         const std::string& index_range, TimestampsToReturn timestamps) {
  const bool variable = node.node_class == NodeClass::Variable;
  const bool variable_type = node.node_class == NodeClass::VariableType;
  const bool is_type = node.node_class == NodeClass::ObjectType || variable_type ||
                       node.node_class == NodeClass::ReferenceType ||
                       node.node_class == NodeClass::DataType;
  if (!index_range.empty() && attribute_id != attribute::Value) {
    return DataValue::bad(status::BadIndexRangeNoData);
  }
  switch (attribute_id) {
    case attribute::NodeId:
      return attribute_value(Variant(node.id));
    case attribute::NodeClass:
      return attribute_value(Variant(static_cast<std::int32_t>(node.node_class)));
    case attribute::BrowseName:
      return attribute_value(Variant(node.browse_name));
    case attribute::DisplayName:
      return attribute_value(Variant(node.display_name));
    case attribute::Description:
      return attribute_value(Variant(node.description));
    case attribute::WriteMask:
    case attribute::UserWriteMask:
      return attribute_value(Variant(std::uint32_t{0}));
    case attribute::IsAbstract:
      if (is_type) return attribute_value(Variant(node.is_abstract));
      break;
    case attribute::Symmetric:
      if (node.node_class == NodeClass::ReferenceType)
        return attribute_value(Variant(node.symmetric));
      break;
    case attribute::InverseName:
      if (node.node_class == NodeClass::ReferenceType) {
        return attribute_value(Variant(node.inverse_name));
      }
      break;
    case attribute::EventNotifier:
      if (node.node_class == NodeClass::Object || node.node_class == NodeClass::View) {
        return attribute_value(Variant(node.event_notifier));
      }
      break;
    case attribute::Value:
      if (variable || variable_type) {
        DataValue value = node.current_value();
        if (!index_range.empty()) {
          const StatusCode cut = apply_index_range(value.value, index_range);
          if (cut.is_bad()) return DataValue::bad(cut);
        }
        if (value.server_timestamp.ticks == 0) value.server_timestamp = DateTime::now();
        if (value.source_timestamp.ticks == 0) value.source_timestamp = value.server_timestamp;
        if (timestamps == TimestampsToReturn::Server || timestamps == TimestampsToReturn::Neither) {
          value.source_timestamp = {};
          value.source_picoseconds = 0;
        }
        if (timestamps == TimestampsToReturn::Source || timestamps == TimestampsToReturn::Neither) {
          value.server_timestamp = {};
          value.server_picoseconds = 0;
        }
        return value;
      }
      break;
    case attribute::DataType:
      if (variable || variable_type) return attribute_value(Variant(node.data_type));
      break;
    case attribute::ValueRank:
      if (variable || variable_type) return attribute_value(Variant(node.value_rank));
      break;
    case attribute::ArrayDimensions:
      if (variable || variable_type) {
        if (node.array_dimensions.empty()) return attribute_value(Variant());
        return attribute_value(Variant(node.array_dimensions));
      }
      break;
    case attribute::AccessLevel:
    case attribute::UserAccessLevel:
      if (variable) return attribute_value(Variant(node.access_level));
      break;
    case attribute::AccessLevelEx:
      if (variable) return attribute_value(Variant(std::uint32_t{node.access_level}));
      break;
    case attribute::MinimumSamplingInterval:
      if (variable) return attribute_value(Variant(node.minimum_sampling_interval));
      break;
    case attribute::Historizing:
      if (variable) return attribute_value(Variant(false));
      break;
    case attribute::ContainsNoLoops:
      if (node.node_class == NodeClass::View) return attribute_value(Variant(true));
      break;
    default:
      break;
  }
  (void)space;
  return DataValue::bad(status::BadAttributeIdInvalid);
}

namespace {

void check_operation_count(std::size_t count, std::size_t limit) {
  if (count == 0) throw Error(status::BadNothingToDo, "no nodes in the request");
  if (count > limit) {
    throw Error(status::BadTooManyOperations,
                std::to_string(count) + " nodes, the limit is " + std::to_string(limit));
  }
}

bool default_encoding(const QualifiedName& encoding) {
  return encoding.name.empty() ||
         (encoding.namespace_index == 0 && encoding.name == "Default Binary");
}

}  // namespace

ReadResponse ServerCore::read(const RequestContext& context, const ReadRequest& request) {
  require_session(context, request.request_header);
  check_operation_count(request.nodes_to_read.size(), config_.max_nodes_per_request);
  if (request.max_age < 0) throw Error(status::BadMaxAgeInvalid, "negative maxAge");
  if (static_cast<std::uint32_t>(request.timestamps_to_return) >
      static_cast<std::uint32_t>(TimestampsToReturn::Neither)) {
    throw Error(status::BadTimestampsToReturnInvalid, "timestampsToReturn out of range");
  }
  ReadResponse response;
  response.results.resize(request.nodes_to_read.size());
  std::lock_guard lock(space_mutex);
  for (std::size_t i = 0; i < request.nodes_to_read.size(); ++i) {
    const ReadValueId& item = request.nodes_to_read[i];
    const Node* node = space.find(item.node_id);
    if (!node) {
      response.results[i] = DataValue::bad(status::BadNodeIdUnknown);
    } else if (!default_encoding(item.data_encoding)) {
      response.results[i] = DataValue::bad(status::BadDataEncodingUnsupported);
    } else if (item.attribute_id == attribute::Value && node->node_class == NodeClass::Variable &&
               (node->access_level & access_level::CurrentRead) == 0) {
      response.results[i] = DataValue::bad(status::BadNotReadable);
    } else {
      response.results[i] = read_attribute(space, *node, item.attribute_id, item.index_range,
                                           request.timestamps_to_return);
    }
  }
  return response;
}

WriteResponse ServerCore::write(const RequestContext& context, const WriteRequest& request) {
  require_session(context, request.request_header);
  check_operation_count(request.nodes_to_write.size(), config_.max_nodes_per_request);
  WriteResponse response;
  response.results.resize(request.nodes_to_write.size());

  // Checked under the lock, then the application's callbacks run without it (they may set
  // values themselves), then the accepted values are stored under the lock again.
  struct Accepted {
    std::size_t item;
    std::uint32_t node_index;
    std::shared_ptr<const WriteCallback> callback;
  };
  std::vector<Accepted> accepted;
  accepted.reserve(request.nodes_to_write.size());
  {
    std::lock_guard lock(space_mutex);
    for (std::size_t i = 0; i < request.nodes_to_write.size(); ++i) {
      const WriteValue& item = request.nodes_to_write[i];
      const auto index = space.index_of(item.node_id);
      StatusCode result = status::Good;
      if (!index) {
        result = status::BadNodeIdUnknown;
      } else {
        const Node& node = space.at(*index);
        if (item.attribute_id != attribute::Value) {
          result = item.attribute_id >= attribute::NodeId &&
                           item.attribute_id <= attribute::AccessLevelEx
                       ? status::BadNotWritable
                       : status::BadAttributeIdInvalid;
        } else if (node.node_class != NodeClass::Variable ||
                   (node.access_level & access_level::CurrentWrite) == 0 || node.value_source) {
          result = status::BadNotWritable;
        } else if (!item.index_range.empty()) {
          result = parse_index_range(item.index_range) ? status::BadWriteNotSupported
                                                       : status::BadIndexRangeInvalid;
        } else {
          result = space.check_value(node, item.value.value);
        }
        if (result.is_good()) {
          accepted.push_back({i, *index, node.on_write});
        }
      }
      response.results[i] = result;
    }
  }
  for (auto& entry : accepted) {
    if (!entry.callback) continue;
    const WriteValue& item = request.nodes_to_write[entry.item];
    try {
      response.results[entry.item] = (*entry.callback)(item.node_id, item.value);
    } catch (const std::exception&) {
      response.results[entry.item] = status::BadInternalError;
    }
  }
  const DateTime now = DateTime::now();
  std::lock_guard lock(space_mutex);
  for (const auto& entry : accepted) {
    if (response.results[entry.item].is_bad()) continue;
    Node& node = space.at(entry.node_index);
    node.value = request.nodes_to_write[entry.item].value;
    if (node.value.source_timestamp.ticks == 0) node.value.source_timestamp = now;
    node.value.server_timestamp = now;
    ++node.version;
  }
  return response;
}

}  // namespace twinloop::opcua
