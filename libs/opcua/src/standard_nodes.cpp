// Namespace 0 as far as generic clients look: folders, the Server object with its status and
// capabilities, and the reference, object, variable and data type hierarchies they browse.
#include "address_space.hpp"
#include "twinloop/opcua/binary.hpp"
#include "twinloop/opcua/node_ids.hpp"

namespace twinloop::opcua {
namespace {

struct TypeEntry {
  std::uint32_t id;
  std::uint32_t parent;  // 0: the root of its hierarchy
  const char* name;
  bool is_abstract = false;
  const char* inverse_name = nullptr;  // reference types
  bool symmetric = false;
};

constexpr TypeEntry kReferenceTypes[] = {
    {id::References, 0, "References", true, nullptr, true},
    {id::HierarchicalReferences, id::References, "HierarchicalReferences", true},
    {id::NonHierarchicalReferences, id::References, "NonHierarchicalReferences", true},
    {id::HasChild, id::HierarchicalReferences, "HasChild", true},
    {id::Organizes, id::HierarchicalReferences, "Organizes", false, "OrganizedBy"},
    {id::HasEventSource, id::HierarchicalReferences, "HasEventSource", false, "EventSourceOf"},
    {id::HasNotifier, id::HasEventSource, "HasNotifier", false, "NotifierOf"},
    {id::Aggregates, id::HasChild, "Aggregates", true, "AggregatedBy"},
    {id::HasSubtype, id::HasChild, "HasSubtype", false, "SubtypeOf"},
    {id::HasComponent, id::Aggregates, "HasComponent", false, "ComponentOf"},
    {id::HasProperty, id::Aggregates, "HasProperty", false, "PropertyOf"},
    {id::HasOrderedComponent, id::HasComponent, "HasOrderedComponent", false, "OrderedComponentOf"},
    {id::HasModellingRule, id::NonHierarchicalReferences, "HasModellingRule", false,
     "ModellingRuleOf"},
    {id::HasEncoding, id::NonHierarchicalReferences, "HasEncoding", false, "EncodingOf"},
    {id::HasDescription, id::NonHierarchicalReferences, "HasDescription", false, "DescriptionOf"},
    {id::HasTypeDefinition, id::NonHierarchicalReferences, "HasTypeDefinition", false,
     "TypeDefinitionOf"},
    {id::GeneratesEvent, id::NonHierarchicalReferences, "GeneratesEvent", false, "GeneratedBy"},
};

constexpr TypeEntry kDataTypes[] = {
    {id::BaseDataType, 0, "BaseDataType", true},
    {1, id::BaseDataType, "Boolean"},
    {id::Number, id::BaseDataType, "Number", true},
    {id::Integer, id::Number, "Integer", true},
    {id::UInteger, id::Number, "UInteger", true},
    {2, id::Integer, "SByte"},
    {3, id::UInteger, "Byte"},
    {4, id::Integer, "Int16"},
    {5, id::UInteger, "UInt16"},
    {6, id::Integer, "Int32"},
    {7, id::UInteger, "UInt32"},
    {8, id::Integer, "Int64"},
    {9, id::UInteger, "UInt64"},
    {10, id::Number, "Float"},
    {11, id::Number, "Double"},
    {12, id::BaseDataType, "String"},
    {13, id::BaseDataType, "DateTime"},
    {14, id::BaseDataType, "Guid"},
    {15, id::BaseDataType, "ByteString"},
    {16, id::BaseDataType, "XmlElement"},
    {17, id::BaseDataType, "NodeId"},
    {18, id::BaseDataType, "ExpandedNodeId"},
    {19, id::BaseDataType, "StatusCode"},
    {20, id::BaseDataType, "QualifiedName"},
    {21, id::BaseDataType, "LocalizedText"},
    {id::Structure, id::BaseDataType, "Structure", true},
    {23, id::BaseDataType, "DataValue"},
    {25, id::BaseDataType, "DiagnosticInfo"},
    {id::Enumeration, id::BaseDataType, "Enumeration", true},
    {id::Duration, 11, "Duration"},
    {id::UtcTime, 13, "UtcTime"},
    {id::LocaleId, 12, "LocaleId"},
    {id::NodeClassType, id::Enumeration, "NodeClass"},
    {id::ServerStateDataType, id::Enumeration, "ServerState"},
    {id::BuildInfoDataType, id::Structure, "BuildInfo"},
    {id::ServerStatusDataType, id::Structure, "ServerStatusDataType"},
};

constexpr TypeEntry kObjectTypes[] = {
    {id::BaseObjectType, 0, "BaseObjectType"},
    {id::FolderType, id::BaseObjectType, "FolderType"},
    {id::ServerType, id::BaseObjectType, "ServerType"},
    {id::ServerCapabilitiesType, id::BaseObjectType, "ServerCapabilitiesType"},
};

constexpr TypeEntry kVariableTypes[] = {
    {id::BaseVariableType, 0, "BaseVariableType", true},
    {id::BaseDataVariableType, id::BaseVariableType, "BaseDataVariableType"},
    {id::PropertyType, id::BaseVariableType, "PropertyType"},
    {id::ServerStatusType, id::BaseDataVariableType, "ServerStatusType"},
    {id::BuildInfoType, id::BaseDataVariableType, "BuildInfoType"},
};

class Builder {
 public:
  explicit Builder(AddressSpace& space) : space_(space) {}

  void types(std::span<const TypeEntry> entries, NodeClass node_class, std::uint32_t folder) {
    for (const auto& entry : entries) {
      Node node = named(entry.id, entry.name, node_class);
      node.is_abstract = entry.is_abstract;
      node.symmetric = entry.symmetric;
      if (entry.inverse_name) node.inverse_name = LocalizedText("", entry.inverse_name);
      if (node_class == NodeClass::VariableType) {
        node.data_type = NodeId(id::BaseDataType);
        node.value_rank = value_rank::Any;
      }
      space_.add(std::move(node));
      if (entry.parent == 0) {
        reference(folder, id::Organizes, entry.id);
      } else {
        reference(entry.parent, id::HasSubtype, entry.id);
      }
    }
  }

  void object(std::uint32_t parent, std::uint32_t reference_type, std::uint32_t number,
              const char* name, std::uint32_t type) {
    space_.add(named(number, name, NodeClass::Object));
    if (parent != 0) reference(parent, reference_type, number);
    if (type != 0) reference(number, id::HasTypeDefinition, type);
  }

  // type 0: PropertyType under HasProperty, else BaseDataVariableType.
  Node& variable(std::uint32_t parent, std::uint32_t reference_type, std::uint32_t number,
                 const char* name, std::uint32_t data_type, Variant value,
                 std::int32_t rank = value_rank::Scalar, std::uint32_t type = 0) {
    Node node = named(number, name, NodeClass::Variable);
    node.data_type = NodeId(data_type);
    node.value_rank = rank;
    if (rank == value_rank::OneDimension) node.array_dimensions = {0};
    node.value = DataValue(std::move(value));
    Node& added = space_.add(std::move(node));
    reference(parent, reference_type, number);
    if (type == 0) {
      type = reference_type == id::HasProperty ? id::PropertyType : id::BaseDataVariableType;
    }
    reference(number, id::HasTypeDefinition, type);
    return added;
  }

  void reference(std::uint32_t source, std::uint32_t type, std::uint32_t target) {
    space_.add_reference(NodeId(source), NodeId(type), NodeId(target));
  }

 private:
  static Node named(std::uint32_t number, const char* name, NodeClass node_class) {
    Node node;
    node.id = NodeId(number);
    node.node_class = node_class;
    node.browse_name = QualifiedName(0, name);
    node.display_name = LocalizedText("", name);
    return node;
  }

  AddressSpace& space_;
};

}  // namespace

void add_standard_nodes(AddressSpace& space, const ServerConfig& config, DateTime start_time,
                        std::function<std::vector<std::string>()> namespaces) {
  Builder build(space);
  // The folders come first for the types to be organised in, so they get their type
  // definition once FolderType exists.
  build.object(0, 0, id::RootFolder, "Root", 0);
  build.object(id::RootFolder, id::Organizes, id::ObjectsFolder, "Objects", 0);
  build.object(id::RootFolder, id::Organizes, id::TypesFolder, "Types", 0);
  build.object(id::RootFolder, id::Organizes, id::ViewsFolder, "Views", 0);
  build.object(id::TypesFolder, id::Organizes, id::ObjectTypesFolder, "ObjectTypes", 0);
  build.object(id::TypesFolder, id::Organizes, id::VariableTypesFolder, "VariableTypes", 0);
  build.object(id::TypesFolder, id::Organizes, id::DataTypesFolder, "DataTypes", 0);
  build.object(id::TypesFolder, id::Organizes, id::ReferenceTypesFolder, "ReferenceTypes", 0);
  build.types(kReferenceTypes, NodeClass::ReferenceType, id::ReferenceTypesFolder);
  build.types(kDataTypes, NodeClass::DataType, id::DataTypesFolder);
  build.types(kObjectTypes, NodeClass::ObjectType, id::ObjectTypesFolder);
  build.types(kVariableTypes, NodeClass::VariableType, id::VariableTypesFolder);
  for (std::uint32_t folder :
       {id::RootFolder, id::ObjectsFolder, id::TypesFolder, id::ViewsFolder, id::ObjectTypesFolder,
        id::VariableTypesFolder, id::DataTypesFolder, id::ReferenceTypesFolder}) {
    build.reference(folder, id::HasTypeDefinition, id::FolderType);
  }

  build.object(id::ObjectsFolder, id::Organizes, id::Server, "Server", id::ServerType);
  space.find(NodeId(id::Server))->event_notifier = 1;
  build.variable(id::Server, id::HasProperty, id::Server_ServerArray, "ServerArray", 12,
                 Variant(std::vector<std::string>{config.application_uri}),
                 value_rank::OneDimension);
  build
      .variable(id::Server, id::HasProperty, id::Server_NamespaceArray, "NamespaceArray", 12,
                Variant(), value_rank::OneDimension)
      .value_source = [namespaces] { return DataValue(Variant(namespaces())); };
  build.variable(id::Server, id::HasProperty, id::Server_ServiceLevel, "ServiceLevel", 3,
                 Variant(std::uint8_t{255}));
  build.variable(id::Server, id::HasProperty, id::Server_Auditing, "Auditing", 1, Variant(false));

  BuildInfo build_info;
  build_info.product_uri = config.product_uri;
  build_info.manufacturer_name = "twinloop";
  build_info.product_name = config.application_name;
  build_info.software_version = config.software_version;
  build_info.build_number = config.software_version;
  build_info.build_date = start_time;
  build
      .variable(id::Server, id::HasComponent, id::Server_ServerStatus, "ServerStatus",
                id::ServerStatusDataType, Variant(), value_rank::Scalar, id::ServerStatusType)
      .value_source = [start_time, build_info] {
    ServerStatusDataType status;
    status.start_time = start_time;
    status.current_time = DateTime::now();
    status.state = ServerState::Running;
    status.build_info = build_info;
    return DataValue(Variant(to_extension_object(status)));
  };
  const auto status_child = [&](std::uint32_t number, const char* name, std::uint32_t data_type,
                                Variant value) -> Node& {
    return build.variable(id::Server_ServerStatus, id::HasComponent, number, name, data_type,
                          std::move(value));
  };
  status_child(id::Server_ServerStatus_StartTime, "StartTime", id::UtcTime, Variant(start_time));
  status_child(id::Server_ServerStatus_CurrentTime, "CurrentTime", id::UtcTime, Variant())
      .value_source = [] { return DataValue(Variant(DateTime::now())); };
  status_child(id::Server_ServerStatus_State, "State", id::ServerStateDataType,
               Variant(static_cast<std::int32_t>(ServerState::Running)));
  build.variable(id::Server_ServerStatus, id::HasComponent, id::Server_ServerStatus_BuildInfo,
                 "BuildInfo", id::BuildInfoDataType, Variant(to_extension_object(build_info)),
                 value_rank::Scalar, id::BuildInfoType);
  status_child(id::Server_ServerStatus_SecondsTillShutdown, "SecondsTillShutdown", 7,
               Variant(std::uint32_t{0}));
  status_child(id::Server_ServerStatus_ShutdownReason, "ShutdownReason", 21,
               Variant(LocalizedText()));
  const auto build_child = [&](std::uint32_t number, const char* name, std::uint32_t data_type,
                               Variant value) {
    build.variable(id::Server_ServerStatus_BuildInfo, id::HasComponent, number, name, data_type,
                   std::move(value));
  };
  build_child(id::Server_ServerStatus_BuildInfo_ProductUri, "ProductUri", 12,
              Variant(build_info.product_uri));
  build_child(id::Server_ServerStatus_BuildInfo_ManufacturerName, "ManufacturerName", 12,
              Variant(build_info.manufacturer_name));
  build_child(id::Server_ServerStatus_BuildInfo_ProductName, "ProductName", 12,
              Variant(build_info.product_name));
  build_child(id::Server_ServerStatus_BuildInfo_SoftwareVersion, "SoftwareVersion", 12,
              Variant(build_info.software_version));
  build_child(id::Server_ServerStatus_BuildInfo_BuildNumber, "BuildNumber", 12,
              Variant(build_info.build_number));
  build_child(id::Server_ServerStatus_BuildInfo_BuildDate, "BuildDate", id::UtcTime,
              Variant(build_info.build_date));

  build.object(id::Server, id::HasComponent, id::Server_ServerCapabilities, "ServerCapabilities",
               id::ServerCapabilitiesType);
  const auto capability = [&](std::uint32_t number, const char* name, std::uint32_t data_type,
                              Variant value, std::int32_t rank = value_rank::Scalar) {
    build.variable(id::Server_ServerCapabilities, id::HasProperty, number, name, data_type,
                   std::move(value), rank);
  };
  capability(
      id::Server_ServerCapabilities_ServerProfileArray, "ServerProfileArray", 12,
      Variant(std::vector<std::string>{"http://opcfoundation.org/UA-Profile/Server/EmbeddedUA"}),
      value_rank::OneDimension);
  capability(id::Server_ServerCapabilities_LocaleIdArray, "LocaleIdArray", id::LocaleId,
             Variant(std::vector<std::string>{"en"}), value_rank::OneDimension);
  capability(id::Server_ServerCapabilities_MinSupportedSampleRate, "MinSupportedSampleRate",
             id::Duration, Variant(config.min_sampling_interval_ms));
  capability(id::Server_ServerCapabilities_MaxBrowseContinuationPoints,
             "MaxBrowseContinuationPoints", 5,
             Variant(static_cast<std::uint16_t>(config.max_browse_continuation_points)));
}

}  // namespace twinloop::opcua
