#include "services/gateway/adapters/mariadb_user_repository.h"

#include "fmt/format.h"
#include "libs/base/await.h"
#include "libs/base/status.h"

namespace seckill::gateway::adapters {

namespace {

// Bumps the user's token version and records that as a revocation, inside the caller's
// transaction; the new version. NOT_FOUND for an unknown user.
absl::StatusOr<uint32_t> BumpTokenVersion(mysql::Connection& conn, uint64_t user_id,
                                          int64_t expires_at_ms) {
  auto rows = conn.Query("SELECT token_version FROM users WHERE id = ? FOR UPDATE", {user_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError(fmt::format("no user {}", user_id));
  const uint32_t version = mysql::ColumnAs<uint32_t>(rows->front()[0]) + 1;
  SECKILL_RETURN_IF_ERROR(
      conn.Execute("UPDATE users SET token_version = ? WHERE id = ?", {uint64_t{version}, user_id})
          .status());
  SECKILL_RETURN_IF_ERROR(conn.Execute("INSERT INTO token_revocations (user_id, token_id, "
                                       "token_version, expires_at_ms) VALUES (?, NULL, ?, ?)",
                                       {user_id, uint64_t{version}, expires_at_ms})
                              .status());
  return version;
}

// Runs `work` in a transaction on a pooled connection: committed if it succeeds.
template <class Work>
auto InTransaction(mysql::Pool& pool, Work work)
    -> decltype(work(std::declval<mysql::Connection&>())) {
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  SECKILL_RETURN_IF_ERROR((*conn)->Begin());
  auto result = work(**conn);
  if (!result.ok()) {
    (void)(*conn)->Rollback();
    return result;
  }
  SECKILL_RETURN_IF_ERROR((*conn)->Commit());
  return result;
}

}  // namespace

base::Async<uint64_t> MariaDbUserRepository::Create(const domain::User& user) {
  return base::Offload(blocking_, [this, &user]() -> absl::StatusOr<uint64_t> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto result = (*conn)->Execute(
        "INSERT INTO users (username, password_hash, role, created_at_ms) VALUES (?, ?, ?, ?)",
        {user.username, user.password_hash, std::string(domain::RoleName(user.role)),
         clock_.NowMs()});
    if (!result.ok()) return result.status();
    return result->last_insert_id;
  });
}

base::Async<std::vector<std::pair<uint64_t, std::string>>> MariaDbUserRepository::CreateMany(
    const std::vector<std::string>& usernames, const std::string& password_hash,
    domain::Role role) {
  return base::Offload(
      blocking_,
      [this, &usernames, &password_hash,
       role]() -> absl::StatusOr<std::vector<std::pair<uint64_t, std::string>>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        SECKILL_RETURN_IF_ERROR((*conn)->Begin());
        const std::string role_name(domain::RoleName(role));
        const int64_t now = clock_.NowMs();
        std::vector<std::pair<uint64_t, std::string>> created;
        created.reserve(usernames.size());
        // Multi-row inserts in chunks; the ids are read back by name, in the caller's order.
        constexpr size_t kChunk = 500;
        for (size_t begin = 0; begin < usernames.size(); begin += kChunk) {
          const size_t end = std::min(usernames.size(), begin + kChunk);
          std::string sql =
              "INSERT INTO users (username, password_hash, role, created_at_ms) VALUES ";
          std::vector<mysql::Value> params;
          for (size_t i = begin; i < end; ++i) {
            sql += i == begin ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
            params.insert(params.end(), {usernames[i], password_hash, role_name, now});
          }
          if (auto r = (*conn)->Execute(sql, params); !r.ok()) {
            (void)(*conn)->Rollback();
            return r.status();
          }
          std::string select = "SELECT id, username FROM users WHERE username IN (";
          std::vector<mysql::Value> names;
          for (size_t i = begin; i < end; ++i) {
            select += i == begin ? "?" : ", ?";
            names.emplace_back(usernames[i]);
          }
          select += ")";
          auto rows = (*conn)->Query(select, names);
          if (!rows.ok()) {
            (void)(*conn)->Rollback();
            return rows.status();
          }
          std::map<std::string, uint64_t> ids;
          for (const mysql::Row& row : *rows) {
            ids[*row[1]] = mysql::ColumnAs<uint64_t>(row[0]);
          }
          for (size_t i = begin; i < end; ++i)
            created.emplace_back(ids[usernames[i]], usernames[i]);
        }
        SECKILL_RETURN_IF_ERROR((*conn)->Commit());
        return created;
      });
}

base::Async<std::optional<domain::User>> MariaDbUserRepository::FindByUsername(
    const std::string& username) {
  return base::Offload(
      blocking_, [this, &username]() -> absl::StatusOr<std::optional<domain::User>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows = (*conn)->Query(
            "SELECT id, username, password_hash, role, token_version FROM users WHERE username = ?",
            {username});
        if (!rows.ok()) return rows.status();
        if (rows->empty()) return std::optional<domain::User>();
        const mysql::Row& row = rows->front();
        domain::User user;
        user.user_id = mysql::ColumnAs<uint64_t>(row[0]);
        user.username = row[1].value_or("");
        user.password_hash = row[2].value_or("");
        user.role = domain::ParseRole(row[3].value_or("")).value_or(domain::Role::kBuyer);
        user.token_version = mysql::ColumnAs<uint32_t>(row[4]);
        return std::optional<domain::User>(std::move(user));
      });
}

base::Async<std::optional<uint32_t>> MariaDbUserRepository::FindTokenVersion(uint64_t user_id) {
  return base::Offload(blocking_, [this, user_id]() -> absl::StatusOr<std::optional<uint32_t>> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto rows = (*conn)->Query("SELECT token_version FROM users WHERE id = ?", {user_id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return std::optional<uint32_t>();
    return std::optional<uint32_t>(mysql::ColumnAs<uint32_t>(rows->front()[0]));
  });
}

base::Async<uint32_t> MariaDbUserRepository::ResetPassword(uint64_t user_id,
                                                           const std::string& password_hash,
                                                           int64_t revocation_expires_at_ms) {
  return base::Offload(blocking_, [this, user_id, &password_hash, revocation_expires_at_ms] {
    return InTransaction(pool_, [&](mysql::Connection& conn) -> absl::StatusOr<uint32_t> {
      auto version = BumpTokenVersion(conn, user_id, revocation_expires_at_ms);
      if (!version.ok()) return version;
      SECKILL_RETURN_IF_ERROR(
          conn.Execute("UPDATE users SET password_hash = ? WHERE id = ?", {password_hash, user_id})
              .status());
      return version;
    });
  });
}

base::Async<uint32_t> MariaDbUserRepository::RevokeAll(uint64_t user_id,
                                                       int64_t revocation_expires_at_ms) {
  return base::Offload(blocking_, [this, user_id, revocation_expires_at_ms] {
    return InTransaction(pool_, [&](mysql::Connection& conn) {
      return BumpTokenVersion(conn, user_id, revocation_expires_at_ms);
    });
  });
}

base::AsyncStatus MariaDbUserRepository::RevokeToken(const domain::Revocation& revocation) {
  return base::Offload(blocking_, [this, &revocation]() -> absl::Status {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)
        ->Execute(
            "INSERT INTO token_revocations (user_id, token_id, token_version, expires_at_ms) "
            "VALUES (?, ?, ?, ?)",
            {revocation.user_id, revocation.token_id, uint64_t{revocation.token_version},
             revocation.expires_at_ms})
        .status();
  });
}

base::Async<std::vector<domain::Revocation>> MariaDbUserRepository::RevocationsAfter(
    uint64_t after_seq, int limit) {
  return base::Offload(
      blocking_, [this, after_seq, limit]() -> absl::StatusOr<std::vector<domain::Revocation>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows = (*conn)->Query(
            "SELECT seq, user_id, token_id, token_version, expires_at_ms FROM token_revocations "
            "WHERE seq > ? ORDER BY seq LIMIT ?",
            {after_seq, int64_t{limit}});
        if (!rows.ok()) return rows.status();
        std::vector<domain::Revocation> out;
        out.reserve(rows->size());
        for (const mysql::Row& row : *rows) {
          out.push_back(domain::Revocation{.seq = mysql::ColumnAs<uint64_t>(row[0]),
                                           .user_id = mysql::ColumnAs<uint64_t>(row[1]),
                                           .token_id = row[2].value_or(""),
                                           .token_version = mysql::ColumnAs<uint32_t>(row[3]),
                                           .expires_at_ms = mysql::ColumnAs<int64_t>(row[4])});
        }
        return out;
      });
}

base::AsyncStatus MariaDbUserRepository::ForgetExpiredRevocations(int64_t now_ms) {
  return base::Offload(blocking_, [this, now_ms]() -> absl::Status {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)
        ->Execute("DELETE FROM token_revocations WHERE expires_at_ms < ?", {now_ms})
        .status();
  });
}

}  // namespace seckill::gateway::adapters
