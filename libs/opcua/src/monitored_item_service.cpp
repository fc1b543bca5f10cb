// MonitoredItem service set (OPC 10000-4, 5.12): CreateMonitoredItems, ModifyMonitoredItems,
// SetMonitoringMode, DeleteMonitoredItems, and sampling with the DataChangeFilter.
#include <algorithm>
#include <cmath>

#include "server_core.hpp"

namespace twinloop::opcua {
namespace {

constexpr std::uint32_t kMaxQueueSize = 1000;
// Longer sampling intervals are revised down to an hour, as publishing intervals are.
constexpr double kMaxSamplingIntervalMs = 3'600'000;
// StatusCode info bits (OPC 10000-4, 7.39): InfoType DataValue with the Overflow flag.
constexpr std::uint32_t kOverflowBits = 0x00000480u;

bool exceeds_deadband(const Variant& now, const Variant& before, double deadband) {
  if (now.is_scalar() && before.is_scalar()) {
    auto a = now.to_double();
    auto b = before.to_double();
    if (a && b) return std::fabs(*a - *b) > deadband;
    return !(now == before);
  }
  const auto* a = now.array<double>();
  const auto* b = before.array<double>();
  if (a && b && a->size() == b->size()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (std::fabs((*a)[i] - (*b)[i]) > deadband) return true;
    }
    return false;
  }
  return !(now == before);
}

bool changed(const MonitoredItem& item, const DataValue& value) {
  const DataValue& last = item.last_value;
  if (value.status != last.status) return true;
  if (item.filter.trigger == DataChangeTrigger::Status) return false;
  const bool value_changed =
      item.filter.deadband_type == DeadbandType::Absolute
          ? exceeds_deadband(value.value, last.value, item.filter.deadband_value)
          : !(value.value == last.value);
  if (value_changed) return true;
  return item.filter.trigger == DataChangeTrigger::StatusValueTimestamp &&
         value.source_timestamp != last.source_timestamp;
}

void enqueue(MonitoredItem& item, DataValue value) {
  if (item.queue.size() < item.queue_size) {
    item.queue.push_back(std::move(value));
    return;
  }
  if (item.discard_oldest) {
    item.queue.pop_front();
    item.queue.push_back(std::move(value));
    if (item.queue_size > 1) item.queue.front().status.value |= kOverflowBits;
  } else {
    item.queue.back() = std::move(value);
    if (item.queue_size > 1) item.queue.back().status.value |= kOverflowBits;
  }
}

}  // namespace

void ServerCore::sample(MonitoredItem& item, Clock::time_point now) {
  item.next_sample += from_milliseconds(item.sampling_interval);
  if (item.next_sample <= now) item.next_sample = now + from_milliseconds(item.sampling_interval);
  const Node& node = space.at(item.node_index);
  const bool value_attribute = item.attribute_id == attribute::Value;
  if (item.sampled) {
    // Only the Value changes; the other attributes are reported once.
    if (!value_attribute) return;
    if (!node.value_source && node.version == item.last_version) return;
  }
  item.last_version = node.version;
  // A node the application removed reports so once, as its last change.
  DataValue value = node.node_class == NodeClass::Unspecified
                        ? DataValue::bad(status::BadNodeIdUnknown)
                        : read_attribute(space, node, item.attribute_id, {}, item.timestamps);
  if (item.sampled && !changed(item, value)) return;
  item.sampled = true;
  item.last_value = value;
  enqueue(item, std::move(value));
}

void ServerCore::reschedule_sampling(Subscription& subscription) {
  subscription.next_sample = Clock::time_point::max();
  for (const auto& [id, item] : subscription.items) {
    if (item.mode != MonitoringMode::Disabled) {
      subscription.next_sample = std::min(subscription.next_sample, item.next_sample);
    }
  }
}

StatusCode ServerCore::apply_parameters(const Subscription& subscription, MonitoredItem& item,
                                        const MonitoringParameters& parameters,
                                        ExtensionObject& filter_result) {
  (void)filter_result;  // DataChangeFilter has no filter result
  DataChangeFilter filter;
  if (!parameters.filter.empty()) {
    auto data_change = from_extension_object<DataChangeFilter>(parameters.filter);
    if (!data_change) return status::BadMonitoredItemFilterUnsupported;
    if (item.attribute_id != attribute::Value) return status::BadFilterNotAllowed;
    if (data_change->deadband_type == DeadbandType::Percent) {
      return status::BadMonitoredItemFilterUnsupported;  // needs an EURange
    }
    if (data_change->deadband_type != DeadbandType::None &&
        data_change->deadband_type != DeadbandType::Absolute) {
      return status::BadDeadbandFilterInvalid;
    }
    if (data_change->deadband_type == DeadbandType::Absolute &&
        !(data_change->deadband_value >= 0)) {
      return status::BadDeadbandFilterInvalid;
    }
    if (static_cast<std::uint32_t>(data_change->trigger) >
        static_cast<std::uint32_t>(DataChangeTrigger::StatusValueTimestamp)) {
      return status::BadMonitoredItemFilterInvalid;
    }
    filter = *data_change;
  }
  double interval = parameters.sampling_interval;
  if (interval < 0 || !std::isfinite(interval)) interval = subscription.publishing_interval;
  item.sampling_interval =
      std::min(std::max(interval, config_.min_sampling_interval_ms), kMaxSamplingIntervalMs);
  item.queue_size = std::clamp<std::uint32_t>(parameters.queue_size, 1, kMaxQueueSize);
  item.discard_oldest = parameters.discard_oldest;
  item.client_handle = parameters.client_handle;
  item.filter = filter;
  while (item.queue.size() > item.queue_size)
    item.queue.pop_front();
  return status::Good;
}

CreateMonitoredItemsResponse ServerCore::create_monitored_items(
    const RequestContext& context, const CreateMonitoredItemsRequest& request) {
  Session& session = require_session(context, request.request_header);
  Subscription* subscription = &require_subscription(session, request.subscription_id);
  if (request.items_to_create.empty()) throw Error(status::BadNothingToDo, "no items");
  if (request.items_to_create.size() > config_.max_nodes_per_request) {
    throw Error(status::BadTooManyOperations, "too many items in one request");
  }
  if (static_cast<std::uint32_t>(request.timestamps_to_return) >
      static_cast<std::uint32_t>(TimestampsToReturn::Neither)) {
    throw Error(status::BadTimestampsToReturnInvalid, "timestampsToReturn out of range");
  }
  CreateMonitoredItemsResponse response;
  std::lock_guard lock(space_mutex);
  for (const auto& create : request.items_to_create) {
    MonitoredItemCreateResult result;
    const ReadValueId& target = create.item_to_monitor;
    const auto index = space.index_of(target.node_id);
    MonitoredItem item;
    item.attribute_id = target.attribute_id;
    item.timestamps = request.timestamps_to_return;
    if (subscription->items.size() >= config_.max_monitored_items_per_subscription) {
      result.status_code = status::BadTooManyMonitoredItems;
    } else if (!index) {
      result.status_code = status::BadNodeIdUnknown;
    } else if (static_cast<std::uint32_t>(create.monitoring_mode) >
               static_cast<std::uint32_t>(MonitoringMode::Reporting)) {
      result.status_code = status::BadMonitoringModeInvalid;
    } else if (!target.index_range.empty()) {
      result.status_code = status::BadIndexRangeInvalid;
    } else if (!target.data_encoding.name.empty() &&
               target.data_encoding.name != "Default Binary") {
      result.status_code = status::BadDataEncodingUnsupported;
    } else {
      const Node& node = space.at(*index);
      const DataValue probe = read_attribute(space, node, target.attribute_id, {}, item.timestamps);
      if (probe.status == status::BadAttributeIdInvalid) {
        result.status_code = probe.status;
      } else if (target.attribute_id == attribute::Value &&
                 (node.access_level & access_level::CurrentRead) == 0) {
        result.status_code = status::BadNotReadable;
      } else {
        item.node_index = *index;
        item.mode = create.monitoring_mode;
        result.status_code = apply_parameters(*subscription, item, create.requested_parameters,
                                              result.filter_result);
      }
    }
    if (result.status_code.is_good()) {
      item.id = subscription->next_item_id++;
      item.next_sample = context.received;
      if (item.mode != MonitoringMode::Disabled) sample(item, context.received);
      result.monitored_item_id = item.id;
      result.revised_sampling_interval = item.sampling_interval;
      result.revised_queue_size = item.queue_size;
      subscription->items.emplace(item.id, std::move(item));
    }
    response.results.push_back(std::move(result));
  }
  reschedule_sampling(*subscription);
  return response;
}

ModifyMonitoredItemsResponse ServerCore::modify_monitored_items(
    const RequestContext& context, const ModifyMonitoredItemsRequest& request) {
  Session& session = require_session(context, request.request_header);
  Subscription* subscription = &require_subscription(session, request.subscription_id);
  if (request.items_to_modify.empty()) throw Error(status::BadNothingToDo, "no items");
  ModifyMonitoredItemsResponse response;
  std::lock_guard lock(space_mutex);
  for (const auto& modify : request.items_to_modify) {
    MonitoredItemModifyResult result;
    auto it = subscription->items.find(modify.monitored_item_id);
    if (it == subscription->items.end()) {
      result.status_code = status::BadMonitoredItemIdInvalid;
    } else {
      MonitoredItem changed_item = it->second;
      result.status_code = apply_parameters(*subscription, changed_item,
                                            modify.requested_parameters, result.filter_result);
      if (result.status_code.is_good()) {
        changed_item.timestamps = request.timestamps_to_return;
        changed_item.next_sample =
            context.received + from_milliseconds(changed_item.sampling_interval);
        it->second = std::move(changed_item);
        result.revised_sampling_interval = it->second.sampling_interval;
        result.revised_queue_size = it->second.queue_size;
      }
    }
    response.results.push_back(std::move(result));
  }
  reschedule_sampling(*subscription);
  return response;
}

SetMonitoringModeResponse ServerCore::set_monitoring_mode(const RequestContext& context,
                                                          const SetMonitoringModeRequest& request) {
  Session& session = require_session(context, request.request_header);
  Subscription* subscription = &require_subscription(session, request.subscription_id);
  if (request.monitored_item_ids.empty()) throw Error(status::BadNothingToDo, "no items");
  if (static_cast<std::uint32_t>(request.monitoring_mode) >
      static_cast<std::uint32_t>(MonitoringMode::Reporting)) {
    throw Error(status::BadMonitoringModeInvalid, "monitoring mode out of range");
  }
  SetMonitoringModeResponse response;
  for (IntegerId id : request.monitored_item_ids) {
    auto it = subscription->items.find(id);
    if (it == subscription->items.end()) {
      response.results.push_back(status::BadMonitoredItemIdInvalid);
      continue;
    }
    MonitoredItem& item = it->second;
    if (request.monitoring_mode == MonitoringMode::Disabled) {
      item.queue.clear();
    } else if (item.mode == MonitoringMode::Disabled) {
      // Enabled again: the next sample reports the current value.
      item.sampled = false;
      item.next_sample = context.received;
    }
    item.mode = request.monitoring_mode;
    response.results.push_back(status::Good);
  }
  reschedule_sampling(*subscription);
  return response;
}

DeleteMonitoredItemsResponse ServerCore::delete_monitored_items(
    const RequestContext& context, const DeleteMonitoredItemsRequest& request) {
  Session& session = require_session(context, request.request_header);
  Subscription* subscription = &require_subscription(session, request.subscription_id);
  if (request.monitored_item_ids.empty()) throw Error(status::BadNothingToDo, "no items");
  DeleteMonitoredItemsResponse response;
  for (IntegerId id : request.monitored_item_ids) {
    response.results.push_back(
        subscription->items.erase(id) != 0 ? status::Good : status::BadMonitoredItemIdInvalid);
  }
  reschedule_sampling(*subscription);
  return response;
}

}  // namespace twinloop::opcua
