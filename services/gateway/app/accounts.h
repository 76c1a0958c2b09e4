#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "libs/base/async.h"
#include "services/gateway/app/login_guard.h"
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

// Buyer and admin accounts. The operations are coroutines that await the database and the
// password hasher; logins and registrations go through a LoginGuard.
class Accounts {
 public:
  Accounts(domain::UserRepository& users, const domain::PasswordHasher& hasher, Sessions& sessions,
           LoginGuard& guard)
      : users_(users), hasher_(hasher), sessions_(sessions), guard_(guard) {}

  // The new user's id. INVALID_ARGUMENT for a bad username/password, ALREADY_EXISTS if taken,
  // RESOURCE_EXHAUSTED (LoginGuard) when password hashing is at its bound for `address`.
  base::Async<uint64_t> Register(const std::string& username, const std::string& password,
                                 const std::string& address) const;
  // UNAUTHENTICATED for an unknown user or a wrong password (indistinguishable, and as slow);
  // RESOURCE_EXHAUSTED (LoginGuard) when this account failed from `address` too often lately or
  // password hashing is at its bound.
  base::Async<Session> Login(const std::string& username, const std::string& password,
                             const std::string& address) const;
  // Whether a login for `username` from `address` may be tried now, and a registration from
  // `address`: the LoginGuard's refusals, checked without I/O and without taking anything.
  absl::Status CheckLoginAttempt(std::string_view username, std::string_view address) const {
    if (absl::Status allowed = guard_.CheckAttempt(username, address); !allowed.ok()) {
      return allowed;
    }
    return guard_.CheckHashingRoom(address);
  }
  absl::Status CheckRegistration(std::string_view address) const {
    return guard_.CheckHashingRoom(address);
  }
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
  LoginGuard& guard_;
  mutable std::mutex dummy_mu_;
  mutable std::optional<std::string> dummy_hash_;
};

}  // namespace seckill::gateway::app
