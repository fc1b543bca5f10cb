#include "library.hpp"

namespace twinloop::sim::library {

void register_plant(TypeRegistry&) {}

}  // namespace twinloop::sim::library
