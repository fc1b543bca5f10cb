#pragma once

#include "twinloop/sim/type_registry.hpp"

// The families of the built-in component library, one file each.
namespace twinloop::sim::library {

void register_sources(TypeRegistry& registry);     // sources.cpp
void register_math(TypeRegistry& registry);        // math.cpp
void register_expression(TypeRegistry& registry);  // expression.cpp: muparser formulas
void register_logic(TypeRegistry& registry);       // logic.cpp
void register_dynamics(TypeRegistry& registry);    // dynamics.cpp
void register_motion(TypeRegistry& registry);      // motion.cpp: drives, axes, cylinders, encoder
void register_plant(TypeRegistry& registry);       // plant.cpp: sensors, operator devices, process
void register_conveyor(TypeRegistry& registry);    // conveyor.cpp: material flow

}  // namespace twinloop::sim::library
