#pragma once

#include "libs/base/settings.h"
#include "libs/redis/async_client.h"

namespace seckill::redis {

// Declares redis.url (SECKILL_REDIS_URL, e.g. redis://user:password@127.0.0.1:6379) and
// redis.timeout_ms into `options`; its present values are the defaults.
void DescribeSettings(base::SettingsSchema& schema, AsyncClientOptions& options);

}  // namespace seckill::redis
