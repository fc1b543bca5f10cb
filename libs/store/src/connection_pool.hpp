#pragma once

#include <array>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sqlite_database.hpp"
#include "statements.hpp"

namespace twinloop::store {

// A database connection with its cache of prepared statements.
class Connection {
 public:
  Connection(const std::string& path, int busy_timeout_ms) : database_(path, busy_timeout_ms) {}

  Database& database() noexcept { return database_; }

  // The cached statement, prepared on first use, ready for one execution.
  StatementRun run(Sql statement);
  // Runs a statement that takes no parameters and returns no rows (BEGIN, COMMIT, ...).
  void execute(Sql statement);

 private:
  // Declared after the database so that the statements are finalized before it closes.
  Database database_;
  std::array<StatementHandle, kSqlCount> statements_;
};

class ConnectionPool;

// Exclusive use of one connection; a lease from a pool gives it back on destruction, a
// borrowed one (no pool) leaves it to its owner.
class ConnectionLease {
 public:
  ConnectionLease(Connection& connection, ConnectionPool* pool) noexcept
      : connection_(&connection), pool_(pool) {}
  ~ConnectionLease();
  ConnectionLease(const ConnectionLease&) = delete;
  ConnectionLease& operator=(const ConnectionLease&) = delete;

  Connection& get() const noexcept { return *connection_; }

 private:
  Connection* connection_;
  ConnectionPool* pool_;
};

// A fixed set of connections, handed out one caller at a time; callers wait while all are
// in use.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections);

  ConnectionLease acquire();

 private:
  friend class ConnectionLease;
  void release(Connection& connection) noexcept;

  std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Connection*> idle_;
};

}  // namespace twinloop::store
