#include "library.hpp"

namespace twinloop::sim::library {

void register_math(TypeRegistry&) {}

}  // namespace twinloop::sim::library
