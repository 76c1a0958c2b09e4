#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace seckill::crypto {

// HMAC-SHA256 under one key (RFC 2104), with the digest states after the key's inner and outer
// pads computed once: a MAC costs two state copies and the hashing, not a key schedule and
// digest lookup per call as OpenSSL's one-shot HMAC() does. Thread-safe.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  // The 32-byte MAC of `message`.
  std::string Mac(std::string_view message) const;
  // Whether `mac` is `message`'s MAC, compared in constant time.
  bool Verify(std::string_view message, std::string_view mac) const;

 private:
  struct State;
  std::unique_ptr<State> inner_, outer_;
};

// Lower-case hex of `bytes`, and back (false for text that is not hex of whole bytes).
std::string ToHex(std::string_view bytes);
bool FromHex(std::string_view hex, std::string* bytes);

}  // namespace seckill::crypto
