#include "library.hpp"

namespace twinloop::sim::library {

void register_logic(TypeRegistry&) {}

}  // namespace twinloop::sim::library
