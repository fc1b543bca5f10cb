#include "library.hpp"

namespace twinloop::sim::library {

void register_motion(TypeRegistry&) {}

}  // namespace twinloop::sim::library
