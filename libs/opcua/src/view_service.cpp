// View service set (OPC 10000-4, 5.8): Browse, BrowseNext, TranslateBrowsePathsToNodeIds,
// RegisterNodes, UnregisterNodes.
#include <cstring>

#include "server_core.hpp"
#include "twinloop/opcua/node_ids.hpp"

namespace twinloop::opcua {
namespace {

void check_count(std::size_t count, std::size_t limit) {
  if (count == 0) throw Error(status::BadNothingToDo, "nothing in the request");
  if (count > limit) throw Error(status::BadTooManyOperations, "too many operations");
}

bool matches_reference_type(const AddressSpace& space, const NodeId& type, const NodeId& filter,
                            bool include_subtypes) {
  if (filter.is_null()) return true;
  if (type == filter) return true;
  return include_subtypes && space.is_subtype(type, filter);
}

}  // namespace

BrowseResult ServerCore::page(Session& session, std::vector<ReferenceDescription> references,
                              std::uint32_t max_references) {
  BrowseResult result;
  if (max_references == 0 || references.size() <= max_references) {
    result.references = std::move(references);
    return result;
  }
  if (session.continuation_points.size() >= config_.max_browse_continuation_points) {
    result.status_code = status::BadNoContinuationPoints;
    return result;
  }
  ContinuationPoint point;
  const std::uint64_t number = next_continuation_point_++;
  point.id.data.resize(sizeof number);
  std::memcpy(point.id.data.data(), &number, sizeof number);
  point.max_references = max_references;
  point.remaining.assign(std::make_move_iterator(references.begin() + max_references),
                         std::make_move_iterator(references.end()));
  references.resize(max_references);
  result.references = std::move(references);
  result.continuation_point = point.id;
  session.continuation_points.push_back(std::move(point));
  return result;
}

BrowseResult ServerCore::browse_one(Session& session, const BrowseDescription& description,
                                    std::uint32_t max_references) {
  BrowseResult result;
  std::vector<ReferenceDescription> references;
  {
    std::lock_guard lock(space_mutex);
    const Node* node = space.find(description.node_id);
    if (!node) {
      result.status_code = status::BadNodeIdUnknown;
      return result;
    }
    if (description.browse_direction != BrowseDirection::Forward &&
        description.browse_direction != BrowseDirection::Inverse &&
        description.browse_direction != BrowseDirection::Both) {
      result.status_code = status::BadBrowseDirectionInvalid;
      return result;
    }
    if (!description.reference_type_id.is_null()) {
      const Node* type = space.find(description.reference_type_id);
      if (!type || type->node_class != NodeClass::ReferenceType) {
        result.status_code = status::BadReferenceTypeIdInvalid;
        return result;
      }
    }
    const std::uint32_t mask = description.result_mask;
    for (const Reference& reference : node->references) {
      if (description.browse_direction == BrowseDirection::Forward && !reference.forward) continue;
      if (description.browse_direction == BrowseDirection::Inverse && reference.forward) continue;
      if (!matches_reference_type(space, reference.type, description.reference_type_id,
                                  description.include_subtypes)) {
        continue;
      }
      const Node* target = space.find(reference.target);
      const NodeClass target_class = target ? target->node_class : NodeClass::Unspecified;
      if (description.node_class_mask != 0 &&
          (description.node_class_mask & static_cast<std::uint32_t>(target_class)) == 0) {
        continue;
      }
      ReferenceDescription entry;
      if (mask & browse_result::ReferenceTypeId) entry.reference_type_id = reference.type;
      entry.is_forward = reference.forward;
      entry.node_id = ExpandedNodeId(reference.target);
      if (target) {
        if (mask & browse_result::NodeClass) entry.node_class = target_class;
        if (mask & browse_result::BrowseName) entry.browse_name = target->browse_name;
        if (mask & browse_result::DisplayName) entry.display_name = target->display_name;
        if ((mask & browse_result::TypeDefinition) &&
            (target_class == NodeClass::Object || target_class == NodeClass::Variable)) {
          entry.type_definition = ExpandedNodeId(space.type_definition(*target));
        }
      }
      references.push_back(std::move(entry));
    }
  }
  return page(session, std::move(references), max_references);
}

BrowseResponse ServerCore::browse(const RequestContext& context, const BrowseRequest& request) {
  Session& session = require_session(context, request.request_header);
  check_count(request.nodes_to_browse.size(), config_.max_nodes_per_request);
  if (!request.view.view_id.is_null()) throw Error(status::BadViewIdUnknown, "no views here");
  BrowseResponse response;
  response.results.reserve(request.nodes_to_browse.size());
  for (const auto& description : request.nodes_to_browse) {
    response.results.push_back(
        browse_one(session, description, request.requested_max_references_per_node));
  }
  return response;
}

BrowseNextResponse ServerCore::browse_next(const RequestContext& context,
                                           const BrowseNextRequest& request) {
  Session& session = require_session(context, request.request_header);
  check_count(request.continuation_points.size(), config_.max_nodes_per_request);
  BrowseNextResponse response;
  for (const ByteString& id : request.continuation_points) {
    auto it = std::find_if(session.continuation_points.begin(), session.continuation_points.end(),
                           [&](const ContinuationPoint& point) { return point.id == id; });
    BrowseResult result;
    if (it == session.continuation_points.end()) {
      result.status_code = status::BadContinuationPointInvalid;
    } else {
      ContinuationPoint point = std::move(*it);
      session.continuation_points.erase(it);
      if (!request.release_continuation_points) {
        result = page(session, std::move(point.remaining), point.max_references);
      }
    }
    response.results.push_back(std::move(result));
  }
  return response;
}

TranslateBrowsePathsToNodeIdsResponse ServerCore::translate(
    const RequestContext& context, const TranslateBrowsePathsToNodeIdsRequest& request) {
  require_session(context, request.request_header);
  check_count(request.browse_paths.size(), config_.max_nodes_per_request);
  TranslateBrowsePathsToNodeIdsResponse response;
  std::lock_guard lock(space_mutex);
  for (const BrowsePath& path : request.browse_paths) {
    BrowsePathResult result;
    if (!space.find(path.starting_node)) {
      result.status_code = status::BadNodeIdUnknown;
    } else if (path.relative_path.elements.empty()) {
      result.status_code = status::BadNothingToDo;
    } else {
      std::vector<NodeId> current{path.starting_node};
      for (const RelativePathElement& element : path.relative_path.elements) {
        if (element.target_name.name.empty()) {
          result.status_code = status::BadBrowseNameInvalid;
          break;
        }
        std::vector<NodeId> next;
        for (const NodeId& id : current) {
          const Node* node = space.find(id);
          if (!node) continue;
          for (const Reference& reference : node->references) {
            if (reference.forward == element.is_inverse) continue;
            if (!matches_reference_type(space, reference.type, element.reference_type_id,
                                        element.include_subtypes)) {
              continue;
            }
            const Node* target = space.find(reference.target);
            if (target && target->browse_name == element.target_name) next.push_back(target->id);
          }
        }
        current = std::move(next);
        if (current.empty()) break;
      }
      if (result.status_code.is_good()) {
        if (current.empty()) {
          result.status_code = status::BadNoMatch;
        } else {
          for (const NodeId& id : current)
            result.targets.push_back({ExpandedNodeId(id), 0xFFFFFFFFu});
        }
      }
    }
    response.results.push_back(std::move(result));
  }
  return response;
}

RegisterNodesResponse ServerCore::register_nodes(const RequestContext& context,
                                                 const RegisterNodesRequest& request) {
  require_session(context, request.request_header);
  check_count(request.nodes_to_register.size(), config_.max_nodes_per_request);
  // Node ids here are already as cheap to look up as registered aliases would be.
  RegisterNodesResponse response;
  response.registered_node_ids = request.nodes_to_register;
  return response;
}

UnregisterNodesResponse ServerCore::unregister_nodes(const RequestContext& context,
                                                     const UnregisterNodesRequest& request) {
  require_session(context, request.request_header);
  check_count(request.nodes_to_unregister.size(), config_.max_nodes_per_request);
  return {};
}

}  // namespace twinloop::opcua
