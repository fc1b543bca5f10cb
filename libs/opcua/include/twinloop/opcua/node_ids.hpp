#pragma once
// NodeIds of namespace 0 that this library uses (from the specification's NodeIds list).

#include <cstdint>

namespace twinloop::opcua::id {

// Folders and objects.
inline constexpr std::uint32_t RootFolder = 84;
inline constexpr std::uint32_t ObjectsFolder = 85;
inline constexpr std::uint32_t TypesFolder = 86;
inline constexpr std::uint32_t ViewsFolder = 87;
inline constexpr std::uint32_t ObjectTypesFolder = 88;
inline constexpr std::uint32_t VariableTypesFolder = 89;
inline constexpr std::uint32_t DataTypesFolder = 90;
inline constexpr std::uint32_t ReferenceTypesFolder = 91;
inline constexpr std::uint32_t Server = 2253;
inline constexpr std::uint32_t Server_ServerArray = 2254;
inline constexpr std::uint32_t Server_NamespaceArray = 2255;
inline constexpr std::uint32_t Server_ServerStatus = 2256;
inline constexpr std::uint32_t Server_ServerStatus_StartTime = 2257;
inline constexpr std::uint32_t Server_ServerStatus_CurrentTime = 2258;
inline constexpr std::uint32_t Server_ServerStatus_State = 2259;
inline constexpr std::uint32_t Server_ServerStatus_BuildInfo = 2260;
inline constexpr std::uint32_t Server_ServerStatus_BuildInfo_ProductName = 2261;
inline constexpr std::uint32_t Server_ServerStatus_BuildInfo_ProductUri = 2262;
inline constexpr std::uint32_t Server_ServerStatus_BuildInfo_ManufacturerName = 2263;
inline constexpr std::uint32_t Server_ServerStatus_BuildInfo_SoftwareVersion = 2264;
inline constexpr std::uint32_t Server_ServerStatus_BuildInfo_BuildNumber = 2265;
inline constexpr std::uint32_t Server_ServerStatus_BuildInfo_BuildDate = 2266;
inline constexpr std::uint32_t Server_ServiceLevel = 2267;
inline constexpr std::uint32_t Server_ServerCapabilities = 2268;
inline constexpr std::uint32_t Server_ServerCapabilities_ServerProfileArray = 2269;
inline constexpr std::uint32_t Server_ServerCapabilities_LocaleIdArray = 2271;
inline constexpr std::uint32_t Server_ServerCapabilities_MinSupportedSampleRate = 2272;
inline constexpr std::uint32_t Server_ServerCapabilities_MaxBrowseContinuationPoints = 2735;
inline constexpr std::uint32_t Server_ServerStatus_SecondsTillShutdown = 2992;
inline constexpr std::uint32_t Server_ServerStatus_ShutdownReason = 2993;
inline constexpr std::uint32_t Server_Auditing = 2994;

// Reference types.
inline constexpr std::uint32_t References = 31;
inline constexpr std::uint32_t NonHierarchicalReferences = 32;
inline constexpr std::uint32_t HierarchicalReferences = 33;
inline constexpr std::uint32_t HasChild = 34;
inline constexpr std::uint32_t Organizes = 35;
inline constexpr std::uint32_t HasEventSource = 36;
inline constexpr std::uint32_t HasModellingRule = 37;
inline constexpr std::uint32_t HasEncoding = 38;
inline constexpr std::uint32_t HasDescription = 39;
inline constexpr std::uint32_t HasTypeDefinition = 40;
inline constexpr std::uint32_t GeneratesEvent = 41;
inline constexpr std::uint32_t Aggregates = 44;
inline constexpr std::uint32_t HasSubtype = 45;
inline constexpr std::uint32_t HasProperty = 46;
inline constexpr std::uint32_t HasComponent = 47;
inline constexpr std::uint32_t HasNotifier = 48;
inline constexpr std::uint32_t HasOrderedComponent = 49;

// Object and variable types.
inline constexpr std::uint32_t BaseObjectType = 58;
inline constexpr std::uint32_t FolderType = 61;
inline constexpr std::uint32_t BaseVariableType = 62;
inline constexpr std::uint32_t BaseDataVariableType = 63;
inline constexpr std::uint32_t PropertyType = 68;
inline constexpr std::uint32_t ServerType = 2004;
inline constexpr std::uint32_t ServerCapabilitiesType = 2013;
inline constexpr std::uint32_t ServerStatusType = 2138;
inline constexpr std::uint32_t BuildInfoType = 3051;

// Data types (1..25 are the built-in types with the same numbers).
inline constexpr std::uint32_t BaseDataType = 24;
inline constexpr std::uint32_t Structure = 22;
inline constexpr std::uint32_t Number = 26;
inline constexpr std::uint32_t Integer = 27;
inline constexpr std::uint32_t UInteger = 28;
inline constexpr std::uint32_t Enumeration = 29;
inline constexpr std::uint32_t NodeClassType = 257;
inline constexpr std::uint32_t Duration = 290;
inline constexpr std::uint32_t UtcTime = 294;
inline constexpr std::uint32_t LocaleId = 295;
inline constexpr std::uint32_t BuildInfoDataType = 338;
inline constexpr std::uint32_t ServerStateDataType = 852;
inline constexpr std::uint32_t ServerStatusDataType = 862;

}  // namespace twinloop::opcua::id
