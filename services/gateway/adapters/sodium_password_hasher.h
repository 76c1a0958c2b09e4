#pragma once

#include <cstddef>
#include <cstdint>

#include "boost/asio/any_io_executor.hpp"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::adapters {

// argon2id through libsodium's crypto_pwhash_str (the salt and parameters live in the hash), run
// on `workers`. The default cost is libsodium's INTERACTIVE level; tests may pass lower costs.
class SodiumPasswordHasher final : public domain::PasswordHasher {
 public:
  // INTERACTIVE ops and memory limits.
  explicit SodiumPasswordHasher(boost::asio::any_io_executor workers);
  SodiumPasswordHasher(boost::asio::any_io_executor workers, uint64_t ops_limit, size_t mem_limit);

  base::Async<std::string> Hash(const std::string& password) const override;
  boost::asio::awaitable<bool> Verify(const std::string& hash,
                                      const std::string& password) const override;

 private:
  boost::asio::any_io_executor workers_;
  uint64_t ops_limit_;
  size_t mem_limit_;
};

}  // namespace seckill::gateway::adapters
