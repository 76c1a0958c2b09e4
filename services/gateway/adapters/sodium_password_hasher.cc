#include "services/gateway/adapters/sodium_password_hasher.h"

#include <sodium.h>

#include "libs/base/await.h"
#include "libs/base/status.h"

namespace seckill::gateway::adapters {

SodiumPasswordHasher::SodiumPasswordHasher(boost::asio::any_io_executor workers)
    : SodiumPasswordHasher(std::move(workers), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE) {}

SodiumPasswordHasher::SodiumPasswordHasher(boost::asio::any_io_executor workers, uint64_t ops_limit,
                                           size_t mem_limit)
    : workers_(std::move(workers)), ops_limit_(ops_limit), mem_limit_(mem_limit) {
  SECKILL_CHECK(sodium_init() >= 0);
}

base::Async<std::string> SodiumPasswordHasher::Hash(const std::string& password) const {
  return base::Offload(workers_, [this, &password]() -> absl::StatusOr<std::string> {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_, mem_limit_,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return absl::ResourceExhaustedError("password hashing ran out of memory");
    }
    return std::string(out);
  });
}

boost::asio::awaitable<bool> SodiumPasswordHasher::Verify(const std::string& hash,
                                                          const std::string& password) const {
  return base::Offload(workers_, [&hash, &password] {
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  });
}

}  // namespace seckill::gateway::adapters
