#pragma once

#include "absl/status/statusor.h"
#include "libs/base/config.h"
#include "libs/redis/async_client.h"

namespace seckill::redis {

// Reads redis.url (SECKILL_REDIS_URL, e.g. redis://127.0.0.1:6379) and redis.timeout_ms.
absl::StatusOr<AsyncClientOptions> ClientOptionsFromConfig(const base::Config& config);

}  // namespace seckill::redis
