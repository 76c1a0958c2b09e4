#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "libs/crypto/hmac_sha256.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::adapters {

// JSON Web Tokens signed with HMAC-SHA256 (RFC 7519). Only {"alg":"HS256"} is accepted: tokens
// with "none" or any other algorithm, a bad signature, or a past "exp" are UNAUTHENTICATED.
// Claims: sub (user id, string), role, ver (the user's token version), jti (16 random bytes as
// hex), iat, exp (seconds; at most year 9999).
class Hs256TokenCodec final : public domain::TokenCodec {
 public:
  // `secret` must be at least 32 bytes.
  Hs256TokenCodec(std::string secret, std::chrono::seconds ttl);

  domain::Token Issue(const domain::Principal& principal, uint32_t token_version,
                      int64_t now_ms) const override;
  absl::StatusOr<domain::TokenClaims> Verify(std::string_view token, int64_t now_ms) const override;

  // Base64url without padding (RFC 4648 section 5); exposed for tests that forge tokens.
  static std::string Base64UrlEncode(std::string_view data);
  static bool Base64UrlDecode(std::string_view text, std::string* out);
  std::string SignForTest(std::string_view signing_input) const { return Sign(signing_input); }

 private:
  std::string Sign(std::string_view signing_input) const;

  std::string secret_;
  std::chrono::seconds ttl_;
  crypto::HmacSha256 mac_;
  std::string header_;  // the encoded header this codec issues: one it knows without parsing
};

}  // namespace seckill::gateway::adapters
