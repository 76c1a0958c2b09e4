#include "libs/redis/config.h"

namespace seckill::redis {

void DescribeSettings(base::SettingsSchema& schema, AsyncClientOptions& options,
                      const std::string& prefix, const std::string& holds) {
  schema.Parsed(prefix + ".url", options.server.Redacted(),
                "the Redis server that holds " + holds + ", redis://user:password@host:port",
                [&options](const std::string& text) {
                  auto server = Endpoint::FromUrl(text);
                  if (!server.ok()) return server.status();
                  options.server = *std::move(server);
                  return absl::OkStatus();
                });
  schema.Millis(prefix + ".timeout_ms", &options.command_timeout, 1, 60'000,
                "a command without a reply by then fails (DEADLINE_EXCEEDED)");
}

}  // namespace seckill::redis
