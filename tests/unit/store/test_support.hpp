#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "twinloop/core/error.hpp"
#include "twinloop/core/model.hpp"

namespace twinloop::store::testing {

// A fresh directory under the system's temporary directory, removed with its contents.
class TempDirectory {
 public:
  TempDirectory() {
    static std::atomic<int> counter{0};
    std::random_device random;
    const auto base = std::filesystem::temp_directory_path();
    for (;;) {
      path_ = base / fmt::format("twinloop-store-test-{}-{}-{}", ::getpid(), counter++, random());
      if (std::filesystem::create_directory(path_)) break;
    }
  }
  ~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Direct access to a database file, to look at or tamper with what the store wrote.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // The SQLite result code of running `sql`, for statements that are meant to fail.
  int result_of(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }

  void execute(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (message != nullptr ? message : "?");
    }
    sqlite3_free(message);
  }

  // The first column of every row of `sql`, as text.
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> values;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return values;
    }
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      values.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(statement);
    return values;
  }

  std::vector<std::string> table_names() {
    return column(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name");
  }

 private:
  sqlite3* db_ = nullptr;
};

// Drafts of the entities to create. (The core types leave designated initializers out: GCC 12
// warns about every member without a default that one leaves unnamed.)
inline core::Project project_draft(std::string name, std::string description = {}) {
  core::Project draft;
  draft.name = std::move(name);
  draft.description = std::move(description);
  return draft;
}

inline core::Model model_draft(core::Id project_id, std::string name,
                               std::optional<double> step_size = std::nullopt) {
  core::Model draft;
  draft.project_id = project_id;
  draft.name = std::move(name);
  draft.step_size = step_size;
  return draft;
}

inline core::Component component_draft(core::Id model_id, std::string name,
                                       nlohmann::json parameters = nlohmann::json::object(),
                                       std::optional<core::Position> position = std::nullopt) {
  core::Component draft;
  draft.model_id = model_id;
  draft.name = std::move(name);
  draft.type = "gain";
  draft.parameters = std::move(parameters);
  draft.position = position;
  return draft;
}

inline core::Connection connection_draft(core::Id model_id, core::PortRef source,
                                         core::PortRef target) {
  core::Connection draft;
  draft.model_id = model_id;
  draft.source = std::move(source);
  draft.target = std::move(target);
  return draft;
}

inline bool is_timestamp(const std::string& text) {
  static const std::regex format(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  return std::regex_match(text, format);
}

// The core::Error that `action` throws; a test failure if it throws none.
template <typename Action>
core::Error error_of(Action action) {
  try {
    action();
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a core::Error";
  return core::Error(core::ErrorKind::internal, "nothing was thrown");
}

inline std::string first_pointer(const core::Error& error) {
  return error.fields().empty() ? std::string() : error.fields().front().pointer;
}

}  // namespace twinloop::store::testing
