#include "library.hpp"

namespace twinloop::sim::library {

void register_dynamics(TypeRegistry&) {}

}  // namespace twinloop::sim::library
