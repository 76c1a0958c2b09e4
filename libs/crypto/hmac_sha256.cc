#include "libs/crypto/hmac_sha256.h"

#include <algorithm>

#include "libs/base/status.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"

namespace seckill::crypto {

struct HmacSha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

HmacSha256::HmacSha256(std::string_view key)
    : inner_(std::make_unique<State>()), outer_(std::make_unique<State>()) {
  constexpr size_t kBlock = 64;  // SHA-256's block size
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    unsigned int n = 0;
    SECKILL_CHECK(EVP_Digest(key.data(), key.size(), block, &n, EVP_sha256(), nullptr) == 1);
  } else {
    std::copy(key.begin(), key.end(), block);
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  SECKILL_CHECK(inner_->ctx != nullptr && outer_->ctx != nullptr);
  SECKILL_CHECK(EVP_DigestInit_ex(inner_->ctx, EVP_sha256(), nullptr) == 1 &&
                EVP_DigestUpdate(inner_->ctx, ipad, kBlock) == 1);
  SECKILL_CHECK(EVP_DigestInit_ex(outer_->ctx, EVP_sha256(), nullptr) == 1 &&
                EVP_DigestUpdate(outer_->ctx, opad, kBlock) == 1);
}

HmacSha256::~HmacSha256() = default;

std::string HmacSha256::Mac(std::string_view message) const {
  // One scratch context per thread, so no call allocates one.
  thread_local State scratch;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  SECKILL_CHECK(EVP_MD_CTX_copy_ex(scratch.ctx, inner_->ctx) == 1 &&
                EVP_DigestUpdate(scratch.ctx, message.data(), message.size()) == 1 &&
                EVP_DigestFinal_ex(scratch.ctx, digest, &n) == 1);
  SECKILL_CHECK(EVP_MD_CTX_copy_ex(scratch.ctx, outer_->ctx) == 1 &&
                EVP_DigestUpdate(scratch.ctx, digest, n) == 1 &&
                EVP_DigestFinal_ex(scratch.ctx, digest, &n) == 1);
  return std::string(reinterpret_cast<char*>(digest), n);
}

bool HmacSha256::Verify(std::string_view message, std::string_view mac) const {
  const std::string expected = Mac(message);
  return mac.size() == expected.size() &&
         CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) == 0;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    hex += kDigits[b >> 4];
    hex += kDigits[b & 0xF];
  }
  return hex;
}

bool FromHex(std::string_view hex, std::string* bytes) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  bytes->clear();
  bytes->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = value(hex[i]);
    const int lo = value(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    *bytes += static_cast<char>((hi << 4) | lo);
  }
  return true;
}

}  // namespace seckill::crypto
