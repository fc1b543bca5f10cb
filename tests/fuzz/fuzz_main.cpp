// libFuzzer entry point of the OPC UA decoder target (see fuzz_harness.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  twinloop::opcua::fuzz::run_one_input({data, size});
  return 0;
}
