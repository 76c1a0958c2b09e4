#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/redis/reply.h"

struct redisContext;

namespace seckill::redis {

// A blocking Redis connection for background workers, tools and tests; never on a request
// path. Reconnects on the next command after a failure. Not thread-safe: one per thread.
class SyncClient {
 public:
  SyncClient(std::string host, int port, std::chrono::milliseconds timeout);
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // The reply (possibly an error reply), or UNAVAILABLE when the server cannot be reached.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);

 private:
  absl::Status EnsureConnected();

  std::string host_;
  int port_;
  std::chrono::milliseconds timeout_;
  redisContext* ctx_ = nullptr;
};

}  // namespace seckill::redis
