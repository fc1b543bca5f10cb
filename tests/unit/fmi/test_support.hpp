#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "twinloop/fmi/archive.hpp"
#include "twinloop/fmi/fmu.hpp"

namespace twinloop::fmi::testing {

// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "twinloop-fmi-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The .fmu that tests/fmus built under `name`.
inline std::filesystem::path test_fmu_file(const std::string& name) {
  return std::filesystem::path(TWINLOOP_TEST_FMU_DIR) / (name + ".fmu");
}

// Unpacks one of the project's test FMUs into a temporary cache and opens it.
class TestFmu {
 public:
  explicit TestFmu(const std::string& name)
      : directory_(unpack_to_cache(test_fmu_file(name), cache_.path())) {}

  const std::filesystem::path& directory() const { return directory_; }
  std::shared_ptr<const Fmu> open() const { return Fmu::open(directory_); }

 private:
  TempDir cache_;
  std::filesystem::path directory_;
};

// Runs `statement` and expects a core::Error whose message contains `fragment`.
#define EXPECT_ERROR_CONTAINING(statement, fragment)                            \
  do {                                                                          \
    try {                                                                       \
      statement;                                                                \
      ADD_FAILURE() << "expected an error containing \"" << (fragment) << "\""; \
    } catch (const ::twinloop::core::Error& error) {                            \
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)    \
          << "message: " << error.what();                                       \
    }                                                                           \
  } while (false)

}  // namespace twinloop::fmi::testing

namespace twinloop::fmi::testing {

// The index of the port called `name`; fails the test when there is none.
inline std::size_t port_index(const std::vector<Port>& ports, const std::string& name) {
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (ports[i].name == name) return i;
  }
  ADD_FAILURE() << "no port " << name;
  return 0;
}

}  // namespace twinloop::fmi::testing
