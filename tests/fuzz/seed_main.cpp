// Writes the seed corpus into a directory for libFuzzer.
//   opcua_fuzz_seeds <directory>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "seed_corpus.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: opcua_fuzz_seeds <directory>\n");
    return 2;
  }
  const std::filesystem::path directory = argv[1];
  std::filesystem::create_directories(directory);
  const auto seeds = twinloop::opcua::fuzz::seed_corpus();
  for (const auto& seed : seeds) {
    std::ofstream file(directory / ("seed-" + seed.name), std::ios::binary);
    file.write(reinterpret_cast<const char*>(seed.bytes.data()),
               static_cast<std::streamsize>(seed.bytes.size()));
  }
  std::printf("%zu seeds in %s\n", seeds.size(), directory.c_str());
  return 0;
}
