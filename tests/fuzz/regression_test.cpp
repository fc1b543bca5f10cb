// The fuzz target's inputs as a unit test (also under ASan+UBSan): every seed, and every input
// a fuzzing run found a crash with (tests/fuzz/regressions).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz_harness.hpp"
#include "seed_corpus.hpp"

namespace twinloop::opcua::fuzz {
namespace {

TEST(FuzzSeeds, EverySeedRunsCleanThroughTheHarness) {
  const auto seeds = seed_corpus();
  EXPECT_GT(seeds.size(), decodable_kinds());
  for (const auto& seed : seeds) {
    SCOPED_TRACE(seed.name);
    run_one_input(seed.bytes);
  }
}

TEST(FuzzRegressions, EveryKeptCrashInputRunsClean) {
  int inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(TWINLOOP_FUZZ_REGRESSIONS)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    std::ifstream file(entry.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
    SCOPED_TRACE(entry.path().string());
    run_one_input(bytes);
    ++inputs;
  }
  RecordProperty("inputs", inputs);
}

}  // namespace
}  // namespace twinloop::opcua::fuzz
