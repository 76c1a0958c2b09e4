#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "libs/base/async.h"
#include "libs/base/clock.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::app {

// Which bearer tokens still stand. A token is good while it verifies, its user exists, its
// version is the user's current one, and it was not revoked by itself. The user store is the
// truth; this keeps a copy of what it needs so that checking a token costs no I/O on the hot
// path: the token versions of the users this gateway has seen (read once per user, then kept up
// to date from the store's revocations) and the ids of revoked tokens that have not yet expired.
// A revocation made here takes effect here at once, and on other gateways at their next
// Refresh. Thread-safe.
class Sessions {
 public:
  struct Options {
    int64_t token_ttl_ms = 3'600'000;  // the codec's: how long a revocation must be remembered
    // Past this many users the version cache is emptied and refilled as tokens arrive.
    size_t max_cached_users = 1'000'000;
    int refresh_batch = 1000;
  };

  Sessions(domain::UserRepository& users, const domain::TokenCodec& tokens,
           const base::Clock& clock, Options options)
      : users_(users), tokens_(tokens), clock_(clock), options_(options) {}

  // A new token for a user just read from the store.
  domain::Token Open(const domain::Principal& principal, uint32_t token_version);
  // What `token` proves (the caller in `principal`); UNAUTHENTICATED for a bad, expired or
  // revoked token or an unknown user. Awaits the store only the first time this gateway sees
  // the user.
  base::Async<domain::TokenClaims> Authenticate(std::string_view token);
  // Revokes `token` itself (logout). UNAUTHENTICATED if it does not stand.
  base::AsyncStatus Close(std::string_view token);
  // Revokes every token of `user_id`. NOT_FOUND for an unknown user.
  base::AsyncStatus CloseAll(uint64_t user_id);
  // Takes in the revocations recorded since the last call (by any gateway) and forgets expired
  // ones. Run it periodically; the interval is how long another gateway's revocation takes to
  // reach this one.
  base::AsyncStatus Refresh();

  // Until when a revocation of every token issued so far must be remembered.
  int64_t RevocationExpiresAtMs() const { return clock_.NowMs() + options_.token_ttl_ms; }

 private:
  // Whether `claims` stand against the cache: true/false, or empty when the user is not cached.
  std::optional<bool> Stands(const domain::TokenClaims& claims);
  void RememberVersion(uint64_t user_id, uint32_t version);
  void Apply(const domain::Revocation& revocation);

  domain::UserRepository& users_;
  const domain::TokenCodec& tokens_;
  const base::Clock& clock_;
  const Options options_;

  std::mutex mu_;
  std::unordered_map<uint64_t, uint32_t> versions_;          // user id -> token version
  std::unordered_map<std::string, int64_t> revoked_tokens_;  // token id -> its expiry
  uint64_t last_seq_ = 0;
  int64_t last_forgotten_ms_ = 0;  // when Refresh last purged the store's expired revocations
};

}  // namespace seckill::gateway::app
