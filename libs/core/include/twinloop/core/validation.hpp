#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "twinloop/core/component_type.hpp"
#include "twinloop/core/model.hpp"

namespace twinloop::core {

// The model rules. Each throws Error(ErrorKind::unprocessable) naming the field at fault by
// a JSON pointer; `prefix` is put before that pointer (e.g. "/components/3" in an import).

// A project or model name: 1..200 characters, no control characters.
void check_display_name(std::string_view name, const std::string& pointer);

// A component name is part of signal names ("component.port"), so it is an identifier:
// a letter or '_', then letters, digits, '_' or '-'; at most 64 characters.
void check_component_name(std::string_view name, const std::string& pointer);

// Applies `patch` (parameter name -> value; null returns it to its default) over `current`
// (complete parameters of the type) and checks every value's type, range and rule.
nlohmann::json merge_parameters(const ComponentTypeInfo& type, const nlohmann::json& current,
                                const nlohmann::json& patch, const std::string& prefix = {});

// The port of that name among `ports`, or nullptr.
const PortSpec* find_port(const std::vector<PortSpec>& ports, std::string_view name);

// A connection's ports: the source is an output and the target an input of the given
// components, with the same data type.
void check_connection_ports(const Component& source, const ComponentTypeInfo& source_type,
                            const Component& target, const ComponentTypeInfo& target_type,
                            const Connection& connection, const std::string& prefix = {});

}  // namespace twinloop::core
