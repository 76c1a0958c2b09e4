#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace seckill::redis {

// Where a Redis server is and who to be there: an ACL user and its password (AUTH), or none.
struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      // empty: the "default" user
  std::string password;  // empty: no AUTH

  // redis://[user[:password]@]host[:port] (user and password percent-decoded); INVALID_ARGUMENT
  // for another scheme or a bad port.
  static absl::StatusOr<Endpoint> FromUrl(std::string_view url);
  // The URL without the password, for logs.
  std::string Redacted() const;
  // The AUTH command for these credentials; empty when there is no password.
  std::vector<std::string> AuthCommand() const;
};

}  // namespace seckill::redis
