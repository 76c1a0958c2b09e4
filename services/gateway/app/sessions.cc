#include "services/gateway/app/sessions.h"

#include <algorithm>

namespace seckill::gateway::app {

namespace {
absl::Status Revoked() {
  return absl::UnauthenticatedError("this token was revoked; log in again");
}
}  // namespace

domain::Token Sessions::Open(const domain::Principal& principal, uint32_t token_version) {
  RememberVersion(principal.user_id, token_version);
  return tokens_.Issue(principal, token_version, clock_.NowMs());
}

void Sessions::RememberVersion(uint64_t user_id, uint32_t version) {
  std::lock_guard lock(mu_);
  if (versions_.size() >= options_.max_cached_users) versions_.clear();
  uint32_t& known = versions_[user_id];
  known = std::max(known, version);
}

std::optional<bool> Sessions::Stands(const domain::TokenClaims& claims) {
  std::lock_guard lock(mu_);
  if (!revoked_tokens_.empty() && revoked_tokens_.contains(claims.token_id)) return false;
  auto it = versions_.find(claims.principal.user_id);
  if (it == versions_.end()) return std::nullopt;
  // A newer version than the one known here means a revocation this gateway has not pulled yet
  // was followed by a login elsewhere: the token is the newer one, so it stands.
  if (claims.token_version > it->second) it->second = claims.token_version;
  return claims.token_version >= it->second;
}

base::Async<domain::TokenClaims> Sessions::Authenticate(std::string_view token) {
  absl::StatusOr<domain::TokenClaims> claims = tokens_.Verify(token, clock_.NowMs());
  if (!claims.ok()) co_return claims.status();
  if (const std::optional<bool> stands = Stands(*claims)) {
    if (!*stands) co_return Revoked();
    co_return claims;
  }
  auto finding = users_.FindTokenVersion(claims->principal.user_id);
  const absl::StatusOr<std::optional<uint32_t>> version = co_await std::move(finding);
  if (!version.ok()) co_return version.status();
  if (!version->has_value()) {
    co_return absl::UnauthenticatedError("this token's user does not exist; log in again");
  }
  RememberVersion(claims->principal.user_id, **version);
  if (Stands(*claims) != true) co_return Revoked();
  co_return claims;
}

base::AsyncStatus Sessions::Close(std::string_view token) {
  auto authenticating = Authenticate(token);
  const absl::StatusOr<domain::TokenClaims> claims = co_await std::move(authenticating);
  if (!claims.ok()) co_return claims.status();
  const domain::Revocation revocation{.user_id = claims->principal.user_id,
                                      .token_id = claims->token_id,
                                      .token_version = claims->token_version,
                                      .expires_at_ms = claims->expires_at_ms};
  auto revoking = users_.RevokeToken(revocation);
  if (absl::Status s = co_await std::move(revoking); !s.ok()) co_return s;
  Apply(revocation);
  co_return absl::OkStatus();
}

base::AsyncStatus Sessions::CloseAll(uint64_t user_id) {
  auto revoking = users_.RevokeAll(user_id, RevocationExpiresAtMs());
  const absl::StatusOr<uint32_t> version = co_await std::move(revoking);
  if (!version.ok()) co_return version.status();
  RememberVersion(user_id, *version);
  co_return absl::OkStatus();
}

void Sessions::Apply(const domain::Revocation& revocation) {
  if (!revocation.token_id.empty()) {
    std::lock_guard lock(mu_);
    revoked_tokens_[revocation.token_id] = revocation.expires_at_ms;
    return;
  }
  // Recorded even for a user not cached yet: the version read for them later may be older.
  RememberVersion(revocation.user_id, revocation.token_version);
}

base::AsyncStatus Sessions::Refresh() {
  const int64_t now = clock_.NowMs();
  // The store's expired rows are purged once a minute, not on every refresh of every gateway.
  if (now - last_forgotten_ms_ >= 60'000) {
    auto forgetting = users_.ForgetExpiredRevocations(now);
    if (absl::Status s = co_await std::move(forgetting); !s.ok()) co_return s;
    last_forgotten_ms_ = now;
  }
  {
    std::lock_guard lock(mu_);
    std::erase_if(revoked_tokens_, [now](const auto& entry) { return entry.second < now; });
  }
  for (;;) {
    uint64_t after;
    {
      std::lock_guard lock(mu_);
      after = last_seq_;
    }
    auto reading = users_.RevocationsAfter(after, options_.refresh_batch);
    const absl::StatusOr<std::vector<domain::Revocation>> batch = co_await std::move(reading);
    if (!batch.ok()) co_return batch.status();
    for (const domain::Revocation& revocation : *batch) {
      if (revocation.expires_at_ms >= now) Apply(revocation);
    }
    if (!batch->empty()) {
      std::lock_guard lock(mu_);
      last_seq_ = std::max(last_seq_, batch->back().seq);
    }
    if (static_cast<int>(batch->size()) < options_.refresh_batch) co_return absl::OkStatus();
  }
}

}  // namespace seckill::gateway::app
