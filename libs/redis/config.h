#pragma once

#include <string>

#include "libs/base/settings.h"
#include "libs/redis/async_client.h"

namespace seckill::redis {

// Declares <prefix>.url (SECKILL_<PREFIX>_URL, e.g. redis://user:password@127.0.0.1:6379) and
// <prefix>.timeout_ms into `options`; its present values are the defaults. `holds`: what the
// service keeps there, for --help.
void DescribeSettings(base::SettingsSchema& schema, AsyncClientOptions& options,
                      const std::string& prefix = "redis",
                      const std::string& holds = "the live stock");

}  // namespace seckill::redis
