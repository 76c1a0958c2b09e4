#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/async.h"
#include "services/gateway/app/sessions.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::app {

struct Session {
  domain::Token token;
  uint64_t user_id = 0;
};

struct IssuedUser {
  uint64_t user_id = 0;
  std::string username;
  domain::Token token;
};

// Buyer and admin accounts. All but Authenticate are coroutines that await the database and the
// password hasher.
class Accounts {
 public:
  Accounts(domain::UserRepository& users, const domain::PasswordHasher& hasher, Sessions& sessions)
      : users_(users), hasher_(hasher), sessions_(sessions) {}

  // The new user's id. INVALID_ARGUMENT for a bad username/password, ALREADY_EXISTS if taken.
  base::Async<uint64_t> Register(const std::string& username, const std::string& password) const;
  // UNAUTHENTICATED for an unknown user or a wrong password (indistinguishable, and as slow).
  base::Async<Session> Login(const std::string& username, const std::string& password) const;
  // Load-test buyers: `count` users "<prefix>-1".."<prefix>-N" sharing one password hash
  // (hashed once), each returned with a token so no one has to log in 2,000 times.
  base::Async<std::vector<IssuedUser>> RegisterMany(const std::string& prefix, int count,
                                                    const std::string& password) const;
  // Makes the configured admin account match the configuration: creates it, or gives it
  // `password` if it has another one (which revokes its tokens). FAILED_PRECONDITION when a
  // buyer owns `username`: a buyer is never promoted.
  base::AsyncStatus EnsureAdmin(const std::string& username, const std::string& password) const;

  static constexpr int kMaxBulkUsers = 10000;

 private:
  // A hash no password was made for, verified against for unknown users; made on first use.
  base::Async<std::string> DummyHash() const;

  domain::UserRepository& users_;
  const domain::PasswordHasher& hasher_;
  Sessions& sessions_;
  mutable std::mutex dummy_mu_;
  mutable std::optional<std::string> dummy_hash_;
};

}  // namespace seckill::gateway::app
