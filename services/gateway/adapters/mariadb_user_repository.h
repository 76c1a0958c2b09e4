#pragma once

#include "boost/asio/any_io_executor.hpp"
#include "libs/base/clock.h"
#include "libs/mysql/pool.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::adapters {

// UserRepository on the `users` and `token_revocations` tables. Thread-safe.
class MariaDbUserRepository final : public domain::UserRepository {
 public:
  // Runs each statement on `blocking` (MariaDB Connector/C blocks).
  MariaDbUserRepository(mysql::Pool& pool, const base::Clock& clock,
                        boost::asio::any_io_executor blocking)
      : pool_(pool), clock_(clock), blocking_(std::move(blocking)) {}

  base::Async<uint64_t> Create(const domain::User& user) override;
  base::Async<std::vector<std::pair<uint64_t, std::string>>> CreateMany(
      const std::vector<std::string>& usernames, const std::string& password_hash,
      domain::Role role) override;
  base::Async<std::optional<domain::User>> FindByUsername(const std::string& username) override;
  base::Async<std::optional<uint32_t>> FindTokenVersion(uint64_t user_id) override;
  base::Async<uint32_t> ResetPassword(uint64_t user_id, const std::string& password_hash,
                                      int64_t revocation_expires_at_ms) override;
  base::Async<uint32_t> RevokeAll(uint64_t user_id, int64_t revocation_expires_at_ms) override;
  base::AsyncStatus RevokeToken(const domain::Revocation& revocation) override;
  base::Async<std::vector<domain::Revocation>> RevocationsAfter(uint64_t after_seq,
                                                                int limit) override;
  base::AsyncStatus ForgetExpiredRevocations(int64_t now_ms) override;

 private:
  mysql::Pool& pool_;
  const base::Clock& clock_;
  boost::asio::any_io_executor blocking_;
};

}  // namespace seckill::gateway::adapters
