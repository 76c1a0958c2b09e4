#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/redis/endpoint.h"
#include "libs/redis/reply.h"

struct redisContext;

namespace seckill::redis {

// A blocking Redis connection for background workers, tools and tests; never on a request
// path. Reconnects on the next command after a failure. Not thread-safe: one per thread.
class SyncClient {
 public:
  SyncClient(Endpoint server, std::chrono::milliseconds timeout);
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // The reply (possibly an error reply), or UNAVAILABLE when the server cannot be reached.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);

 private:
  absl::Status EnsureConnected();
  // Sends one command on the connected context.
  absl::StatusOr<Reply> Run(const std::vector<std::string>& args);

  Endpoint server_;
  std::chrono::milliseconds timeout_;
  redisContext* ctx_ = nullptr;
};

}  // namespace seckill::redis
