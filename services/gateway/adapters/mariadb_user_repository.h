#pragma once

#include "libs/base/clock.h"
#include "libs/mysql/pool.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::adapters {

// UserRepository on the `users` table. Thread-safe.
class MariaDbUserRepository final : public domain::UserRepository {
 public:
  MariaDbUserRepository(mysql::Pool& pool, const base::Clock& clock) : pool_(pool), clock_(clock) {}

  absl::StatusOr<uint64_t> Create(const domain::User& user) override;
  absl::StatusOr<std::vector<std::pair<uint64_t, std::string>>> CreateMany(
      const std::vector<std::string>& usernames, const std::string& password_hash,
      domain::Role role) override;
  absl::StatusOr<std::optional<domain::User>> FindByUsername(const std::string& username) override;
  absl::Status Promote(uint64_t user_id) override;

 private:
  mysql::Pool& pool_;
  const base::Clock& clock_;
};

}  // namespace seckill::gateway::adapters
