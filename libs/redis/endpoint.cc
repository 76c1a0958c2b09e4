#include "libs/redis/endpoint.h"

#include "fmt/format.h"
#include "libs/base/url.h"

namespace seckill::redis {

absl::StatusOr<Endpoint> Endpoint::FromUrl(std::string_view url) {
  absl::StatusOr<base::Url> parsed = base::ParseUrl(url, 6379);
  if (!parsed.ok()) return parsed.status();
  if (parsed->scheme != "redis") {
    return absl::InvalidArgumentError(fmt::format(
        "expected redis://[user:password@]host[:port], got scheme '{}'", parsed->scheme));
  }
  return Endpoint{parsed->host, parsed->port, parsed->user, parsed->password};
}

std::string Endpoint::Redacted() const {
  return user.empty() ? fmt::format("redis://{}:{}", host, port)
                      : fmt::format("redis://{}@{}:{}", user, host, port);
}

std::vector<std::string> Endpoint::AuthCommand() const {
  if (password.empty()) return {};
  if (user.empty()) return {"AUTH", password};
  return {"AUTH", user, password};
}

}  // namespace seckill::redis
