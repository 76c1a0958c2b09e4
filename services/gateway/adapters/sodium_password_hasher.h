#pragma once

#include <cstddef>
#include <cstdint>

#include "services/gateway/domain/user.h"

namespace seckill::gateway::adapters {

// argon2id through libsodium's crypto_pwhash_str (the salt and parameters live in the hash).
// The default cost is libsodium's INTERACTIVE level; tests may pass lower costs.
class SodiumPasswordHasher final : public domain::PasswordHasher {
 public:
  SodiumPasswordHasher();  // INTERACTIVE ops and memory limits
  SodiumPasswordHasher(uint64_t ops_limit, size_t mem_limit);

  absl::StatusOr<std::string> Hash(const std::string& password) const override;
  bool Verify(const std::string& hash, const std::string& password) const override;

 private:
  uint64_t ops_limit_;
  size_t mem_limit_;
};

}  // namespace seckill::gateway::adapters
