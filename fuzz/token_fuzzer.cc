// The bearer-token verifier. The first byte picks the input's use: a whole token as a client
// sends it, or claims that this fuzzer signs with the key (so the claims' parsing is reached past
// the signature check). Properties: no crash or sanitizer report; a verified token names a user
// (not 0), a token id of 32 characters, a version of at least 1 and an expiry in the future.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/gateway/adapters/hs256_token_codec.h"

namespace {

using seckill::gateway::adapters::Hs256TokenCodec;

void Require(bool property) {
  if (!property) __builtin_trap();
}

constexpr int64_t kNowMs = 1'800'000'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Hs256TokenCodec codec(std::string(32, 'f'), std::chrono::seconds(3600));
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token;
  if (data[0] % 2 == 0) {
    token = rest;
  } else {
    const std::string input = Hs256TokenCodec::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") +
                              "." + Hs256TokenCodec::Base64UrlEncode(rest);
    token = input + "." + Hs256TokenCodec::Base64UrlEncode(codec.SignForTest(input));
  }
  const auto claims = codec.Verify(token, kNowMs);
  if (claims.ok()) {
    Require(claims->principal.user_id != 0);
    Require(claims->token_id.size() == 32);
    Require(claims->token_version >= 1);
    Require(claims->expires_at_ms > kNowMs);
  }
  return 0;
}
