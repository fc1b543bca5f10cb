#include "library.hpp"

namespace twinloop::sim::library {

void register_sources(TypeRegistry&) {}

}  // namespace twinloop::sim::library
