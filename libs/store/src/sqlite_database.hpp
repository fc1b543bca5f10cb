#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace twinloop::store {

// Throws core::Error(internal) describing the last error of `db`, prefixed with what we
// were doing.
[[noreturn]] void throw_sqlite_error(sqlite3* db, std::string_view doing);

// One open SQLite connection, configured the way every twinloop connection must be:
// extended result codes, foreign keys on, a busy timeout, and for files WAL journaling with
// synchronous=NORMAL. Closes on destruction.
class Database {
 public:
  static constexpr std::string_view kMemoryPath = ":memory:";

  // Opens (creating if needed) the database at `path`. The connection must only be used by
  // one thread at a time.
  Database(const std::string& path, int busy_timeout_ms);

  sqlite3* handle() const noexcept { return db_.get(); }

  // Rolls back the open transaction, if any. Never throws: it is the cleanup path of a
  // failure that is already being reported.
  void rollback_quietly() noexcept;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
};

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Compiles `sql` on `db`. `persistent` hints SQLite that the statement will be reused many
// times (it is kept in a connection's cache).
StatementHandle prepare_statement(sqlite3* db, std::string_view sql, bool persistent);

// One execution of a prepared statement: binds parameters (1-based), steps, reads columns
// (0-based). Resets the statement and clears its bindings on destruction, so the statement
// can be reused from a cache. Bound text is not copied: it must outlive the execution.
class StatementRun {
 public:
  StatementRun(sqlite3* db, sqlite3_stmt* statement) noexcept : db_(db), statement_(statement) {}
  ~StatementRun();
  StatementRun(const StatementRun&) = delete;
  StatementRun& operator=(const StatementRun&) = delete;

  StatementRun& bind_integer(int index, std::int64_t value);
  StatementRun& bind_text(int index, std::string_view text);
  // NULL when unset.
  StatementRun& bind_optional_text(int index, const std::optional<std::string>& text);
  StatementRun& bind_real(int index, std::optional<double> value);
  StatementRun& bind_null(int index);
  // Bound without a copy, like text.
  StatementRun& bind_blob(int index, const void* data, std::size_t size);

  // Steps once and returns SQLite's result code unchanged, for callers that translate
  // particular errors themselves.
  int step() noexcept;
  // Steps once: true for a row, false when done; any error throws core::Error(internal).
  bool next();
  // Turns the result code of step() into next()'s answer, throwing for errors.
  bool check(int result_code);
  // Runs the statement to completion. A write only commits (in autocommit mode) when its
  // statement finishes, so writes call this to see commit errors instead of losing them in
  // the reset.
  void finish();

  std::int64_t integer(int column) const noexcept;
  std::string text(int column) const;
  // Valid until the next step or the end of this run.
  std::string_view text_view(int column) const noexcept;
  std::optional<double> optional_real(int column) const noexcept;
  bool is_null(int column) const noexcept;
  // Valid until the next step or the end of this run.
  std::string_view blob_view(int column) const noexcept;

  sqlite3* database() const noexcept { return db_; }

 private:
  void check_bind(int result_code);

  sqlite3* db_;
  sqlite3_stmt* statement_;
};

}  // namespace twinloop::store
