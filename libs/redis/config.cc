#include "libs/redis/config.h"

#include "libs/base/url.h"

namespace seckill::redis {

absl::StatusOr<AsyncClientOptions> ClientOptionsFromConfig(const base::Config& config) {
  auto url = base::ParseUrl(config.GetString("redis.url", "redis://127.0.0.1:6379"), 6379);
  if (!url.ok()) return url.status();
  AsyncClientOptions options;
  options.host = url->host;
  options.port = url->port;
  auto timeout = config.GetInt("redis.timeout_ms", 1000);
  if (!timeout.ok()) return timeout.status();
  options.command_timeout = std::chrono::milliseconds(*timeout);
  return options;
}

}  // namespace seckill::redis
