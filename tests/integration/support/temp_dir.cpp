#include "support/temp_dir.hpp"

#include <fmt/format.h>

#include <random>
#include <stdexcept>
#include <system_error>

namespace twinloop::itest {

TempDir::TempDir() {
  std::random_device entropy;
  std::mt19937_64 generator(entropy());
  constexpr int attempts = 16;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto candidate =
        std::filesystem::temp_directory_path() / fmt::format("twinloop-it-{:016x}", generator());
    if (std::filesystem::create_directory(candidate)) {
      path_ = std::move(candidate);
      return;
    }
  }
  throw std::runtime_error("could not create a unique temporary directory");
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace twinloop::itest
