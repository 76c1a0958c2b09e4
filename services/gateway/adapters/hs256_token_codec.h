#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "services/gateway/domain/user.h"

namespace seckill::gateway::adapters {

// JSON Web Tokens signed with HMAC-SHA256 (RFC 7519). Only {"alg":"HS256"} is accepted: tokens
// with "none" or any other algorithm, a bad signature, or a past "exp" are UNAUTHENTICATED.
// Claims: sub (user id, string), role, iat, exp (seconds).
class Hs256TokenCodec final : public domain::TokenCodec {
 public:
  // `secret` must be at least 32 bytes.
  Hs256TokenCodec(std::string secret, std::chrono::seconds ttl);

  domain::Token Issue(const domain::Principal& principal, int64_t now_ms) const override;
  absl::StatusOr<domain::Principal> Verify(std::string_view token, int64_t now_ms) const override;

  // Base64url without padding (RFC 4648 section 5); exposed for tests that forge tokens.
  static std::string Base64UrlEncode(std::string_view data);
  static bool Base64UrlDecode(std::string_view text, std::string* out);
  std::string SignForTest(std::string_view signing_input) const { return Sign(signing_input); }

 private:
  std::string Sign(std::string_view signing_input) const;

  // HMAC-SHA256 under the secret, with the digest states after the key's inner and outer pads
  // computed once (RFC 2104): a signature costs two state copies and the hashing, not a key
  // schedule and digest lookup per call, as OpenSSL's one-shot HMAC() does. Thread-safe.
  class KeyedDigest {
   public:
    explicit KeyedDigest(std::string_view key);
    ~KeyedDigest();
    KeyedDigest(const KeyedDigest&) = delete;
    KeyedDigest& operator=(const KeyedDigest&) = delete;
    std::string Mac(std::string_view message) const;

   private:
    struct State;
    std::unique_ptr<State> inner_, outer_;
  };

  std::string secret_;
  std::chrono::seconds ttl_;
  KeyedDigest mac_;
  std::string header_;  // the encoded header this codec issues: one it knows without parsing
};

}  // namespace seckill::gateway::adapters
