#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/async.h"

namespace seckill::gateway::domain {

enum class Role { kBuyer, kAdmin };
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct User {
  uint64_t user_id = 0;
  std::string username;
  std::string password_hash;
  Role role = Role::kBuyer;
};

// Who is calling, as proven by a token.
struct Principal {
  uint64_t user_id = 0;
  Role role = Role::kBuyer;
};

// A username is 3-32 of [A-Za-z0-9_.-]; a password 8-128 characters. INVALID_ARGUMENT saying
// which rule was broken otherwise.
absl::Status ValidateUsername(std::string_view username);
absl::Status ValidatePassword(std::string_view password);

// Users, by username. Each operation is awaited; arguments passed by reference must outlive
// the await. Errors: UNAVAILABLE, INTERNAL.
class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // The new user's id; ALREADY_EXISTS when the username is taken.
  virtual base::Async<uint64_t> Create(const User& user) = 0;
  // Creates `usernames` with one shared password hash, all or none; ALREADY_EXISTS when any is
  // taken. Returns (id, username) pairs in the order given.
  virtual base::Async<std::vector<std::pair<uint64_t, std::string>>> CreateMany(
      const std::vector<std::string>& usernames, const std::string& password_hash, Role role) = 0;
  virtual base::Async<std::optional<User>> FindByUsername(const std::string& username) = 0;
  // Gives an existing user the admin role.
  virtual base::AsyncStatus Promote(uint64_t user_id) = 0;
};

// Slow, salted password hashing (argon2id): tens of milliseconds of CPU each, so an
// implementation runs it on worker threads and the caller awaits it. Thread-safe.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual base::Async<std::string> Hash(const std::string& password) const = 0;
  virtual boost::asio::awaitable<bool> Verify(const std::string& hash,
                                              const std::string& password) const = 0;
};

struct Token {
  std::string value;
  int64_t expires_at_ms = 0;
};

// Issues and checks bearer tokens. Thread-safe; Verify is cheap enough for an event loop.
class TokenCodec {
 public:
  virtual ~TokenCodec() = default;
  virtual Token Issue(const Principal& principal, int64_t now_ms) const = 0;
  // UNAUTHENTICATED for anything but a well-formed, correctly signed, unexpired token.
  virtual absl::StatusOr<Principal> Verify(std::string_view token, int64_t now_ms) const = 0;
};

}  // namespace seckill::gateway::domain
