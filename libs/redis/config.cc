#include "libs/redis/config.h"

#include "fmt/format.h"
#include "libs/base/url.h"

namespace seckill::redis {

void DescribeSettings(base::SettingsSchema& schema, AsyncClientOptions& options) {
  schema.Parsed("redis.url", fmt::format("redis://{}:{}", options.host, options.port),
                "the Redis server that holds the live stock", [&options](const std::string& text) {
                  auto url = base::ParseUrl(text, 6379);
                  if (!url.ok()) return url.status();
                  options.host = url->host;
                  options.port = url->port;
                  return absl::OkStatus();
                });
  schema.Millis("redis.timeout_ms", &options.command_timeout, 1, 60'000,
                "a command without a reply by then fails (DEADLINE_EXCEEDED)");
}

}  // namespace seckill::redis
