#pragma once

#include <filesystem>

namespace twinloop::itest {

// A fresh directory under the system's temporary directory ("twinloop-it-<random>"),
// removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace twinloop::itest
