#include "services/gateway/adapters/mariadb_user_repository.h"

#include <charconv>

#include "libs/base/await.h"
#include "libs/base/status.h"

namespace seckill::gateway::adapters {

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
            uint64_t id = 0;
            std::from_chars(row[0]->data(), row[0]->data() + row[0]->size(), id);
            ids[*row[1]] = id;
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
            "SELECT id, username, password_hash, role FROM users WHERE username = ?", {username});
        if (!rows.ok()) return rows.status();
        if (rows->empty()) return std::optional<domain::User>();
        const mysql::Row& row = rows->front();
        domain::User user;
        std::from_chars(row[0]->data(), row[0]->data() + row[0]->size(), user.user_id);
        user.username = row[1].value_or("");
        user.password_hash = row[2].value_or("");
        user.role = domain::ParseRole(row[3].value_or("")).value_or(domain::Role::kBuyer);
        return std::optional<domain::User>(std::move(user));
      });
}

base::AsyncStatus MariaDbUserRepository::Promote(uint64_t user_id) {
  return base::Offload(blocking_, [this, user_id]() -> absl::Status {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)->Execute("UPDATE users SET role = 'ADMIN' WHERE id = ?", {user_id}).status();
  });
}

}  // namespace seckill::gateway::adapters
