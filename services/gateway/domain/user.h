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

// The token version of a new user.
inline constexpr uint32_t kFirstTokenVersion = 1;

struct User {
  uint64_t user_id = 0;
  std::string username;
  std::string password_hash;
  Role role = Role::kBuyer;
  // Tokens issued to this user carry the version current at issue; bumping it revokes them all.
  uint32_t token_version = kFirstTokenVersion;
};

// Who is calling, as proven by a token.
struct Principal {
  uint64_t user_id = 0;
  Role role = Role::kBuyer;
};

// What a verified token says.
struct TokenClaims {
  Principal principal;
  uint32_t token_version = 0;
  std::string token_id;  // "jti": unique per token, 32 hex characters
  int64_t expires_at_ms = 0;
};

// A revocation recorded in the user store: one token (`token_id` set), or every token of the
// user whose version is below `token_version` (`token_id` empty). Nothing it names can be
// presented after `expires_at_ms`, so it may be forgotten then.
struct Revocation {
  uint64_t seq = 0;  // the store's order of revocations, increasing
  uint64_t user_id = 0;
  std::string token_id;
  uint32_t token_version = 0;
  int64_t expires_at_ms = 0;
};

// A username is 3-32 of [A-Za-z0-9_.-]; a password 8-128 characters. INVALID_ARGUMENT saying
// which rule was broken otherwise.
absl::Status ValidateUsername(std::string_view username);
absl::Status ValidatePassword(std::string_view password);
// The admin's password in production: not one a guesser tries first (a published default, the
// username) and 16 characters or more. INVALID_ARGUMENT saying what is wrong otherwise.
absl::Status ValidateProductionAdminPassword(std::string_view username, std::string_view password);

// Users, by username, and the revocations of their tokens. Each operation is awaited; arguments
// passed by reference must outlive the await. Errors: UNAVAILABLE, INTERNAL.
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
  // The user's current token version; empty when there is no such user.
  virtual base::Async<std::optional<uint32_t>> FindTokenVersion(uint64_t user_id) = 0;
  // Replaces the user's password hash and revokes all their tokens, atomically; returns the new
  // token version. NOT_FOUND when there is no such user.
  virtual base::Async<uint32_t> ResetPassword(uint64_t user_id, const std::string& password_hash,
                                              int64_t revocation_expires_at_ms) = 0;
  // Revokes every token of the user issued so far; returns the new token version. NOT_FOUND when
  // there is no such user.
  virtual base::Async<uint32_t> RevokeAll(uint64_t user_id, int64_t revocation_expires_at_ms) = 0;
  // Records the revocation of one token (`revocation.token_id`; seq is assigned).
  virtual base::AsyncStatus RevokeToken(const Revocation& revocation) = 0;
  // Up to `limit` revocations with seq > `after_seq`, in seq order.
  virtual base::Async<std::vector<Revocation>> RevocationsAfter(uint64_t after_seq, int limit) = 0;
  // Forgets revocations that expired before `now_ms`.
  virtual base::AsyncStatus ForgetExpiredRevocations(int64_t now_ms) = 0;
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

// Issues and checks bearer tokens. Thread-safe; Verify is cheap enough for an event loop. It
// checks the token itself only: whether it was revoked is the caller's question.
class TokenCodec {
 public:
  virtual ~TokenCodec() = default;
  // A token with a fresh, unique token id.
  virtual Token Issue(const Principal& principal, uint32_t token_version, int64_t now_ms) const = 0;
  // UNAUTHENTICATED for anything but a well-formed, correctly signed, unexpired token.
  virtual absl::StatusOr<TokenClaims> Verify(std::string_view token, int64_t now_ms) const = 0;
};

}  // namespace seckill::gateway::domain
