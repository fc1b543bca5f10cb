#include "sqlite_database.hpp"

#include <fmt/format.h>

#include "twinloop/core/error.hpp"

namespace twinloop::store {

void throw_sqlite_error(sqlite3* db, std::string_view doing) {
  throw core::Error(core::ErrorKind::internal,
                    fmt::format("database error while {}: {}", doing, sqlite3_errmsg(db)));
}

Database::Database(const std::string& path, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the pool hands each connection to one thread at a time, so SQLite's own
  // per-connection locking would only cost time.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // SQLite allocates a handle even when opening fails; it carries the error message.
  db_.reset(raw);
  if (raw == nullptr)
    throw core::Error(core::ErrorKind::internal, "out of memory opening database");
  if (opened != SQLITE_OK) throw_sqlite_error(raw, fmt::format("opening '{}'", path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  const char* settings = path == kMemoryPath
                             ? "PRAGMA foreign_keys = ON"
                             : "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
                               "PRAGMA synchronous = NORMAL";
  if (sqlite3_exec(raw, settings, nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw_sqlite_error(raw, fmt::format("opening '{}'", path));
  }
}

void Database::rollback_quietly() noexcept {
  if (sqlite3_get_autocommit(db_.get()) == 0) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

StatementHandle prepare_statement(sqlite3* db, std::string_view sql, bool persistent) {
  sqlite3_stmt* raw = nullptr;
  const unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &raw, nullptr) !=
      SQLITE_OK) {
    throw_sqlite_error(db, "preparing a statement (is the database migrated?)");
  }
  return StatementHandle(raw);
}

StatementRun::~StatementRun() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void StatementRun::check_bind(int result_code) {
  if (result_code != SQLITE_OK) throw_sqlite_error(db_, "binding a parameter");
}

StatementRun& StatementRun::bind_integer(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(statement_, index, value));
  return *this;
}

StatementRun& StatementRun::bind_text(int index, std::string_view text) {
  check_bind(
      sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

StatementRun& StatementRun::bind_real(int index, std::optional<double> value) {
  if (!value) return bind_null(index);
  check_bind(sqlite3_bind_double(statement_, index, *value));
  return *this;
}

StatementRun& StatementRun::bind_optional_text(int index, const std::optional<std::string>& text) {
  if (!text) return bind_null(index);
  return bind_text(index, *text);
}

StatementRun& StatementRun::bind_null(int index) {
  check_bind(sqlite3_bind_null(statement_, index));
  return *this;
}

StatementRun& StatementRun::bind_blob(int index, const void* data, std::size_t size) {
  // A zero-length blob with a null pointer would bind NULL; an empty array is no NULL.
  static const char empty = 0;
  check_bind(sqlite3_bind_blob64(statement_, index, size == 0 ? &empty : data,
                                 static_cast<sqlite3_uint64>(size), SQLITE_STATIC));
  return *this;
}

int StatementRun::step() noexcept {
  return sqlite3_step(statement_);
}

bool StatementRun::next() {
  return check(step());
}

bool StatementRun::check(int result_code) {
  if (result_code == SQLITE_ROW) return true;
  if (result_code == SQLITE_DONE) return false;
  throw_sqlite_error(db_, "running a statement");
}

void StatementRun::finish() {
  while (next()) {
  }
}

std::int64_t StatementRun::integer(int column) const noexcept {
  return sqlite3_column_int64(statement_, column);
}

std::string StatementRun::text(int column) const {
  return std::string(text_view(column));
}

std::string_view StatementRun::text_view(int column) const noexcept {
  const unsigned char* data = sqlite3_column_text(statement_, column);
  if (data == nullptr) return {};
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

std::optional<double> StatementRun::optional_real(int column) const noexcept {
  if (is_null(column)) return std::nullopt;
  return sqlite3_column_double(statement_, column);
}

std::string_view StatementRun::blob_view(int column) const noexcept {
  const void* data = sqlite3_column_blob(statement_, column);
  if (data == nullptr) return {};
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
  return std::string_view(static_cast<const char*>(data), size);
}

bool StatementRun::is_null(int column) const noexcept {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

}  // namespace twinloop::store
