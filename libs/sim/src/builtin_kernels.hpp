#pragma once

#include "twinloop/sim/block.hpp"

// How the built-in component types execute; their declarations are in builtin_types.cpp.
namespace twinloop::sim::kernels {

BlockBehaviour constant();
BlockBehaviour step();
BlockBehaviour gain();
BlockBehaviour sum();
BlockBehaviour integrator();
BlockBehaviour pt1();
BlockBehaviour unit_delay();

}  // namespace twinloop::sim::kernels
