#include "support/process.hpp"

namespace twinloop::itest {

// TWINLOOP_BINARY is the path of the twinloop target in this build tree (CMakeLists.txt).
std::filesystem::path twinloop_binary() {
  return TWINLOOP_BINARY;
}

}  // namespace twinloop::itest
