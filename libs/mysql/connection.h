#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

struct st_mysql;
struct st_mysql_stmt;

namespace seckill::mysql {

struct ConnectionOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  std::chrono::seconds connect_timeout{3};
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
};

using Value = std::variant<std::nullptr_t, int64_t, uint64_t, std::string>;
// One result row; every column as text (NULL as nullopt), in SELECT order.
using Row = std::vector<std::optional<std::string>>;

// An integer column's value; 0 for NULL (or text that is not an integer of that type).
template <class Int>
Int ColumnAs(const std::optional<std::string>& column) {
  Int value = 0;
  if (column) std::from_chars(column->data(), column->data() + column->size(), value);
  return value;
}

struct ExecResult {
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
};

// Error mapping shared by every method: duplicate key (1062) -> ALREADY_EXISTS; server gone,
// lost or unreachable -> UNAVAILABLE (the connection reconnects on next use); lock wait timeout
// and deadlock -> ABORTED (retry the transaction); anything else -> INTERNAL.
//
// A blocking connection using server-side prepared statements (cached per SQL text). For worker
// threads only, never an event loop. Not thread-safe: one per thread, or through a Pool.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::StatusOr<ExecResult> Execute(const std::string& sql, const std::vector<Value>& params = {});
  // Outside a transaction, a read that finds its session gone (the server restarted since the
  // last use) is run once more on a fresh session: a SELECT has no effect to repeat, and a
  // buyer's login should not fail because a pooled connection went stale. Writes and reads in a
  // transaction are never retried here; their callers decide.
  absl::StatusOr<std::vector<Row>> Query(const std::string& sql,
                                         const std::vector<Value>& params = {});
  absl::Status Begin();
  absl::Status Commit();
  absl::Status Rollback();

 private:
  explicit Connection(ConnectionOptions options) : options_(std::move(options)) {}
  absl::Status Connect();
  absl::StatusOr<st_mysql_stmt*> Prepare(const std::string& sql);
  // Prepares (or reuses), binds and executes; the statement holds the result.
  absl::StatusOr<st_mysql_stmt*> Run(const std::string& sql, const std::vector<Value>& params);
  absl::Status Fail(unsigned int code, const std::string& what);
  absl::Status Simple(const char* sql);
  absl::StatusOr<std::vector<Row>> QueryOnce(const std::string& sql,
                                             const std::vector<Value>& params);

  ConnectionOptions options_;
  st_mysql* mysql_ = nullptr;
  std::map<std::string, st_mysql_stmt*> statements_;
  bool in_transaction_ = false;
};

}  // namespace seckill::mysql
