#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace seckill::base {

// scheme://[user[:password]@]host[:port][/path], as used by SECKILL_*_URL settings.
struct Url {
  std::string scheme;
  std::string user;
  std::string password;
  std::string host;
  uint16_t port = 0;
  // Without the leading '/', percent-decoded ("%2f" -> "/").
  std::string path;
};

// INVALID_ARGUMENT when `text` has no scheme or host, or a bad port. A missing port is
// `default_port`.
absl::StatusOr<Url> ParseUrl(std::string_view text, uint16_t default_port);

}  // namespace seckill::base
