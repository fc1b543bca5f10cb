#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "twinloop/core/component_type.hpp"
#include "twinloop/sim/block.hpp"

namespace twinloop::sim {

// Every type has this parameter (the registry adds it): the block's sample time in seconds,
// 0 for every step.
inline constexpr std::string_view sample_time_parameter = "sample_time";

// The component types this build can simulate, by type name. Filled once at start-up, then
// only read (safe to share between threads).
class TypeRegistry final : public core::TypeCatalogue {
 public:
  // Throws std::invalid_argument for a duplicate or malformed declaration (a programming
  // error in a type library, caught by the registry tests).
  void add(core::ComponentTypeInfo info, BlockBehaviour behaviour);

  const core::ComponentTypeInfo* find(std::string_view type) const override;
  std::vector<const core::ComponentTypeInfo*> list() const override;
  // How a registered type executes; nullptr for an unknown type.
  const BlockBehaviour* behaviour(std::string_view type) const;

 private:
  struct Entry {
    core::ComponentTypeInfo info;
    BlockBehaviour behaviour;
  };
  std::map<std::string, Entry, std::less<>> types_;
};

// Registers the built-in component library.
void register_builtin_types(TypeRegistry& registry);

}  // namespace twinloop::sim
