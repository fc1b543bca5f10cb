#include "connection_pool.hpp"

#include <utility>

namespace twinloop::store {

StatementRun Connection::run(Sql statement) {
  StatementHandle& cached = statements_[static_cast<std::size_t>(statement)];
  if (!cached) cached = prepare_statement(database_.handle(), sql_text(statement), true);
  return StatementRun(database_.handle(), cached.get());
}

void Connection::execute(Sql statement) {
  run(statement).finish();
}

ConnectionLease::~ConnectionLease() {
  if (pool_ != nullptr) pool_->release(*connection_);
}

ConnectionPool::ConnectionPool(std::vector<std::unique_ptr<Connection>> connections)
    : connections_(std::move(connections)) {
  idle_.reserve(connections_.size());
  for (const auto& connection : connections_)
    idle_.push_back(connection.get());
}

ConnectionLease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [this] { return !idle_.empty(); });
  Connection* connection = idle_.back();
  idle_.pop_back();
  return ConnectionLease(*connection, this);
}

void ConnectionPool::release(Connection& connection) noexcept {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(&connection);
  }
  returned_.notify_one();
}

}  // namespace twinloop::store
