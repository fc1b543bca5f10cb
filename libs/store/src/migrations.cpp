#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "migration_runner.hpp"
#include "sqlite_database.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::store {

namespace {

constexpr int kMigratorBusyTimeoutMs = 5000;

[[noreturn]] void throw_internal(std::string detail) {
  throw core::Error(core::ErrorKind::internal, std::move(detail));
}

struct MigrationFileName {
  std::int64_t version = 0;
  std::string_view name;
  bool is_up = false;
};

std::optional<MigrationFileName> parse_file_name(std::string_view file_name) {
  constexpr std::string_view kUpSuffix = ".up.sql";
  constexpr std::string_view kDownSuffix = ".down.sql";
  MigrationFileName parsed;
  std::string_view stem;
  if (file_name.ends_with(kUpSuffix)) {
    parsed.is_up = true;
    stem = file_name.substr(0, file_name.size() - kUpSuffix.size());
  } else if (file_name.ends_with(kDownSuffix)) {
    stem = file_name.substr(0, file_name.size() - kDownSuffix.size());
  } else {
    return std::nullopt;
  }
  const auto underscore = stem.find('_');
  if (underscore == std::string_view::npos || underscore + 1 == stem.size()) return std::nullopt;
  const std::string_view digits = stem.substr(0, underscore);
  const char* digits_end = digits.data() + digits.size();
  const auto [end, error] = std::from_chars(digits.data(), digits_end, parsed.version);
  if (error != std::errc() || end != digits_end || parsed.version <= 0) return std::nullopt;
  parsed.name = stem.substr(underscore + 1);
  return parsed;
}

std::string label(std::int64_t version, std::string_view name) {
  return fmt::format("{:04}_{}", version, name);
}

}  // namespace

std::vector<Migration> parse_migrations(const std::vector<core::EmbeddedFile>& files) {
  struct Halves {
    std::string_view name;
    const core::EmbeddedFile* up = nullptr;
    const core::EmbeddedFile* down = nullptr;
  };
  std::map<std::int64_t, Halves> by_version;
  for (const core::EmbeddedFile& file : files) {
    const auto parsed = parse_file_name(file.name);
    if (!parsed) {
      throw_internal(fmt::format(
          "migration file '{}' is not named NNNN_name.up.sql or NNNN_name.down.sql", file.name));
    }
    auto [entry, inserted] = by_version.try_emplace(parsed->version, Halves{parsed->name});
    Halves& halves = entry->second;
    if (halves.name != parsed->name) {
      throw_internal(fmt::format("migrations '{}' and '{}' have the same version {}", halves.name,
                                 parsed->name, parsed->version));
    }
    const core::EmbeddedFile*& half = parsed->is_up ? halves.up : halves.down;
    if (half != nullptr) {
      throw_internal(fmt::format("migration files '{}' and '{}' are the same migration", half->name,
                                 file.name));
    }
    half = &file;
  }

  std::vector<Migration> migrations;
  migrations.reserve(by_version.size());
  for (const auto& [version, halves] : by_version) {
    if (halves.up == nullptr || halves.down == nullptr) {
      throw_internal(fmt::format("migration {} has no {} file", label(version, halves.name),
                                 halves.up == nullptr ? ".up.sql" : ".down.sql"));
    }
    migrations.push_back(Migration{version, std::string(halves.name),
                                   std::string(halves.up->content),
                                   std::string(halves.down->content)});
  }
  return migrations;
}

const std::vector<Migration>& known_migrations() {
  static const std::vector<Migration> migrations = parse_migrations(detail::migration_files());
  return migrations;
}

std::vector<MigrationRunner::Applied> MigrationRunner::applied() {
  std::vector<Applied> result;
  {
    const auto exists = prepare_statement(
        db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        false);
    StatementRun run(db_, exists.get());
    if (!run.next()) return result;
  }
  const auto select = prepare_statement(
      db_, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version", false);
  StatementRun run(db_, select.get());
  while (run.next()) {
    result.push_back(Applied{run.integer(0), run.text(1), run.text(2)});
  }
  return result;
}

const Migration* MigrationRunner::find_known(std::int64_t version) const {
  const auto found = std::find_if(migrations_.begin(), migrations_.end(),
                                  [version](const Migration& m) { return m.version == version; });
  return found == migrations_.end() ? nullptr : &*found;
}

void MigrationRunner::check_all_known(const std::vector<Applied>& applied_migrations) const {
  for (const Applied& record : applied_migrations) {
    const Migration* known = find_known(record.version);
    if (known == nullptr) {
      throw_internal(fmt::format(
          "the database has migration {} applied, which this twinloop does not know; it was "
          "written by a newer version: upgrade twinloop or use another database",
          label(record.version, record.name)));
    }
    if (known->name != record.name) {
      throw_internal(fmt::format(
          "the database has migration {} applied where this twinloop has {}; refusing to "
          "migrate a database of a different lineage",
          label(record.version, record.name), label(known->version, known->name)));
    }
  }
}

namespace {

// A COMMIT or ROLLBACK in a script would end the transaction that keeps the step and its
// schema_migrations row together, so the script may not control transactions at all.
int refuse_transaction_control(void*, int action, const char*, const char*, const char*,
                               const char*) {
  return action == SQLITE_TRANSACTION ? SQLITE_DENY : SQLITE_OK;
}

}  // namespace

void MigrationRunner::run_script(const std::string& script, const std::string& what) {
  sqlite3_set_authorizer(db_, refuse_transaction_control, nullptr);
  const int result = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, nullptr);
  sqlite3_set_authorizer(db_, nullptr, nullptr);
  if (result == SQLITE_AUTH) {
    throw_internal(fmt::format(
        "{}: migrations must not contain BEGIN, COMMIT or ROLLBACK, since each runs in a "
        "transaction of its own",
        what));
  }
  if (result != SQLITE_OK) throw_sqlite_error(db_, what);
}

bool MigrationRunner::run_step(const Migration& migration, bool forward) {
  const std::string what = fmt::format("{} migration {}", forward ? "applying" : "rolling back",
                                       label(migration.version, migration.name));
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw_sqlite_error(db_, what);
  }
  try {
    // Another process may have migrated since we looked.
    const auto is_applied =
        prepare_statement(db_, "SELECT 1 FROM schema_migrations WHERE version = ?1", false);
    bool already_done = false;
    {
      StatementRun run(db_, is_applied.get());
      already_done = run.bind_integer(1, migration.version).next() == forward;
    }
    if (!already_done) {
      run_script(forward ? migration.up_sql : migration.down_sql, what);
      const auto record = prepare_statement(
          db_,
          forward ? "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)"
                  : "DELETE FROM schema_migrations WHERE version = ?1",
          false);
      StatementRun run(db_, record.get());
      run.bind_integer(1, migration.version);
      if (forward) run.bind_text(2, migration.name);
      run.finish();
    }
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw_sqlite_error(db_, what);
    }
    return !already_done;
  } catch (...) {
    if (sqlite3_get_autocommit(db_) == 0) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    throw;
  }
}

int MigrationRunner::up() {
  if (sqlite3_exec(db_,
                   "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL "
                   "DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw_sqlite_error(db_, "creating schema_migrations");
  }
  const auto done = applied();
  check_all_known(done);
  int count = 0;
  for (const Migration& migration : migrations_) {
    const bool is_applied = std::any_of(done.begin(), done.end(), [&](const Applied& record) {
      return record.version == migration.version;
    });
    if (!is_applied && run_step(migration, true)) ++count;
  }
  return count;
}

int MigrationRunner::down(int steps) {
  if (steps < 0) {
    throw core::Error(
        core::ErrorKind::bad_request,
        fmt::format("cannot roll back {} migrations: steps must not be negative", steps));
  }
  const auto done = applied();
  check_all_known(done);
  int count = 0;
  for (auto record = done.rbegin(); record != done.rend() && count < steps; ++record) {
    if (run_step(*find_known(record->version), false)) ++count;
  }
  return count;
}

std::vector<MigrationStatus> MigrationRunner::status() {
  const auto done = applied();
  std::vector<MigrationStatus> result;
  for (const Migration& migration : migrations_) {
    MigrationStatus entry;
    entry.version = migration.version;
    entry.name = migration.name;
    const auto record = std::find_if(done.begin(), done.end(), [&](const Applied& applied) {
      return applied.version == migration.version;
    });
    if (record != done.end()) {
      entry.applied = true;
      entry.applied_at = record->applied_at;
      if (record->name != migration.name) {
        entry.name = record->name;
        entry.known = false;
      }
    }
    result.push_back(std::move(entry));
  }
  for (const Applied& record : done) {
    if (find_known(record.version) == nullptr) {
      result.push_back(
          MigrationStatus{record.version, record.name, true, record.applied_at, false});
    }
  }
  std::sort(result.begin(), result.end(), [](const MigrationStatus& a, const MigrationStatus& b) {
    return a.version < b.version;
  });
  return result;
}

std::int64_t MigrationRunner::current_version() {
  const auto done = applied();
  return done.empty() ? 0 : done.back().version;
}

namespace {

class SqliteMigrator final : public Migrator {
 public:
  SqliteMigrator(const std::string& path, std::vector<Migration> migrations)
      : database_(path, kMigratorBusyTimeoutMs),
        migrations_(std::move(migrations)),
        runner_(database_.handle(), migrations_) {}

  int up() override { return runner_.up(); }
  int down(int steps) override { return runner_.down(steps); }
  std::vector<MigrationStatus> status() override { return runner_.status(); }
  std::int64_t current_version() override { return runner_.current_version(); }

 private:
  Database database_;
  std::vector<Migration> migrations_;
  MigrationRunner runner_;
};

}  // namespace

std::unique_ptr<Migrator> sqlite_migrator(const std::string& path,
                                          std::vector<Migration> migrations) {
  return std::make_unique<SqliteMigrator>(path, std::move(migrations));
}

std::unique_ptr<Migrator> sqlite_migrator(const std::string& path) {
  return sqlite_migrator(path, known_migrations());
}

}  // namespace twinloop::store
