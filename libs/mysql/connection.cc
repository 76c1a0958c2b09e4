#include "libs/mysql/connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <cstring>

#include "fmt/format.h"
#include "libs/base/status.h"

namespace seckill::mysql {

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const ConnectionOptions& options) {
  std::unique_ptr<Connection> conn(new Connection(options));
  SECKILL_RETURN_IF_ERROR(conn->Connect());
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) mysql_stmt_close(stmt);
  if (mysql_ != nullptr) mysql_close(mysql_);
}

absl::Status Connection::Connect() {
  for (auto& [sql, stmt] : statements_) mysql_stmt_close(stmt);
  statements_.clear();
  if (mysql_ != nullptr) mysql_close(mysql_);
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) return absl::ResourceExhaustedError("mysql_init: out of memory");
  unsigned int connect_timeout = static_cast<unsigned int>(options_.connect_timeout.count());
  unsigned int read_timeout = static_cast<unsigned int>(options_.read_timeout.count());
  unsigned int write_timeout = static_cast<unsigned int>(options_.write_timeout.count());
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(mysql_, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_optionsv(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (mysql_real_connect(mysql_, options_.host.c_str(), options_.user.c_str(),
                         options_.password.c_str(), options_.database.c_str(),
                         static_cast<unsigned int>(options_.port), nullptr, 0) == nullptr) {
    std::string why = mysql_error(mysql_);
    mysql_close(mysql_);
    mysql_ = nullptr;
    return absl::UnavailableError(
        fmt::format("mariadb {}:{}: connect failed: {}", options_.host, options_.port, why));
  }
  return absl::OkStatus();
}

absl::Status Connection::Fail(unsigned int code, const std::string& what) {
  std::string message = fmt::format("mariadb error {}: {}", code, what);
  switch (code) {
    case ER_DUP_ENTRY:
      return absl::AlreadyExistsError(message);
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
      return absl::AbortedError(message);
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
      // The session is gone with its prepared statements: start clean on next use.
      for (auto& [sql, stmt] : statements_) mysql_stmt_close(stmt);
      statements_.clear();
      if (mysql_ != nullptr) mysql_close(mysql_);
      mysql_ = nullptr;
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<MYSQL_STMT*> Connection::Prepare(const std::string& sql) {
  if (mysql_ == nullptr) {
    SECKILL_RETURN_IF_ERROR(Connect());
  }
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  MYSQL_STMT* stmt = mysql_stmt_init(mysql_);
  if (stmt == nullptr) return Fail(mysql_errno(mysql_), mysql_error(mysql_));
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
    unsigned int code = mysql_stmt_errno(stmt);
    std::string why = mysql_stmt_error(stmt);
    mysql_stmt_close(stmt);
    return Fail(code, why);
  }
  statements_.emplace(sql, stmt);
  return stmt;
}

namespace {

// Parameter buffers that must outlive mysql_stmt_execute.
struct BoundParams {
  explicit BoundParams(const std::vector<Value>& params)
      : binds(params.size()), ints(params.size()), is_null(params.size()) {
    for (size_t i = 0; i < params.size(); ++i) {
      MYSQL_BIND& b = binds[i];
      std::memset(&b, 0, sizeof(b));
      if (std::holds_alternative<std::nullptr_t>(params[i])) {
        is_null[i] = 1;
        b.buffer_type = MYSQL_TYPE_NULL;
        b.is_null = &is_null[i];
      } else if (const auto* v = std::get_if<int64_t>(&params[i])) {
        ints[i] = static_cast<uint64_t>(*v);
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[i];
      } else if (const auto* u = std::get_if<uint64_t>(&params[i])) {
        ints[i] = *u;
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[i];
        b.is_unsigned = 1;
      } else {
        const auto& s = std::get<std::string>(params[i]);
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(s.data());
        b.buffer_length = s.size();
      }
    }
  }
  std::vector<MYSQL_BIND> binds;
  std::vector<uint64_t> ints;
  std::vector<char> is_null;
};

}  // namespace

absl::StatusOr<MYSQL_STMT*> Connection::Run(const std::string& sql,
                                            const std::vector<Value>& params) {
  auto prepared = Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  MYSQL_STMT* stmt = *prepared;
  BoundParams bound(params);  // read by mysql_stmt_execute only
  if (!params.empty() && mysql_stmt_bind_param(stmt, bound.binds.data()) != 0) {
    return Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
  }
  if (mysql_stmt_execute(stmt) != 0) return Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
  return stmt;
}

absl::StatusOr<ExecResult> Connection::Execute(const std::string& sql,
                                               const std::vector<Value>& params) {
  auto run = Run(sql, params);
  if (!run.ok()) return run.status();
  MYSQL_STMT* stmt = *run;
  ExecResult result{mysql_stmt_affected_rows(stmt), mysql_stmt_insert_id(stmt)};
  mysql_stmt_free_result(stmt);
  return result;
}

absl::StatusOr<std::vector<Row>> Connection::Query(const std::string& sql,
                                                   const std::vector<Value>& params) {
  const bool had_session = mysql_ != nullptr;
  auto rows = QueryOnce(sql, params);
  if (!rows.ok() && absl::IsUnavailable(rows.status()) && had_session && !in_transaction_) {
    return QueryOnce(sql, params);
  }
  return rows;
}

absl::StatusOr<std::vector<Row>> Connection::QueryOnce(const std::string& sql,
                                                       const std::vector<Value>& params) {
  auto run = Run(sql, params);
  if (!run.ok()) return run.status();
  MYSQL_STMT* stmt = *run;
  const unsigned int columns = mysql_stmt_field_count(stmt);
  std::vector<MYSQL_BIND> binds(columns);
  std::vector<std::string> buffers(columns, std::string(256, '\0'));
  std::vector<unsigned long> lengths(columns);
  std::vector<char> nulls(columns);
  for (unsigned int c = 0; c < columns; ++c) {
    std::memset(&binds[c], 0, sizeof(MYSQL_BIND));
    binds[c].buffer_type = MYSQL_TYPE_STRING;
    binds[c].buffer = buffers[c].data();
    binds[c].buffer_length = buffers[c].size();
    binds[c].length = &lengths[c];
    binds[c].is_null = reinterpret_cast<my_bool*>(&nulls[c]);
  }
  if (columns > 0 && mysql_stmt_bind_result(stmt, binds.data()) != 0) {
    return Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
  }
  std::vector<Row> rows;
  while (true) {
    int rc = mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) {
      absl::Status s = Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
      mysql_stmt_free_result(stmt);
      return s;
    }
    Row row(columns);
    for (unsigned int c = 0; c < columns; ++c) {
      if (nulls[c]) continue;
      if (lengths[c] > buffers[c].size()) {  // MYSQL_DATA_TRUNCATED: fetch the whole column
        std::string full(lengths[c], '\0');
        MYSQL_BIND b;
        std::memset(&b, 0, sizeof(b));
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = full.data();
        b.buffer_length = full.size();
        mysql_stmt_fetch_column(stmt, &b, c, 0);
        row[c] = std::move(full);
      } else {
        row[c] = std::string(buffers[c].data(), lengths[c]);
      }
    }
    rows.push_back(std::move(row));
  }
  mysql_stmt_free_result(stmt);
  return rows;
}

absl::Status Connection::Simple(const char* sql) {
  if (mysql_ == nullptr) {
    SECKILL_RETURN_IF_ERROR(Connect());
  }
  if (mysql_query(mysql_, sql) != 0) return Fail(mysql_errno(mysql_), mysql_error(mysql_));
  return absl::OkStatus();
}

absl::Status Connection::Begin() {
  absl::Status s = Simple("START TRANSACTION");
  in_transaction_ = s.ok();
  return s;
}
absl::Status Connection::Commit() {
  in_transaction_ = false;
  return Simple("COMMIT");
}
absl::Status Connection::Rollback() {
  in_transaction_ = false;
  return Simple("ROLLBACK");
}

}  // namespace seckill::mysql
