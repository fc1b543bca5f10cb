#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace twinloop::store {

// One numbered schema step with its forward and backward SQL, embedded in the binary from
// libs/store/migrations/NNNN_name.up.sql and NNNN_name.down.sql.
struct Migration {
  std::int64_t version = 0;
  std::string name{};
  std::string up_sql{};
  std::string down_sql{};
};

struct MigrationStatus {
  std::int64_t version = 0;
  std::string name{};
  bool applied = false;
  std::string applied_at{};  // ISO 8601 UTC, empty when not applied
  // False for a migration the database records but this binary does not know (a newer
  // binary applied it, or ours has another name for that version). up() and down() refuse
  // such a database.
  bool known = true;
};

// Every migration this binary knows, in ascending version order. Throws core::Error
// (internal) when the embedded files are not complete NNNN_name.up.sql/.down.sql pairs.
const std::vector<Migration>& known_migrations();

// Applies, rolls back and reports migrations on a database, tracked in the table
// `schema_migrations(version, name, applied_at)`. Each step runs in its own transaction.
class Migrator {
 public:
  virtual ~Migrator() = default;
  // Applies every pending migration in order; returns how many were applied.
  virtual int up() = 0;
  // Rolls back the `steps` most recent applied migrations; returns how many were rolled back.
  virtual int down(int steps) = 0;
  virtual std::vector<MigrationStatus> status() = 0;
  virtual std::int64_t current_version() = 0;
};

// A migrator for the SQLite database at `path` (created if missing). Throws core::Error
// (internal) when it cannot be opened.
std::unique_ptr<Migrator> sqlite_migrator(const std::string& path);

}  // namespace twinloop::store
