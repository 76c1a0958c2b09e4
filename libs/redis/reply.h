#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

struct redisReply;

namespace seckill::redis {

// An owned copy of a RESP2 reply.
struct Reply {
  enum class Type { kString, kStatus, kInteger, kArray, kNil, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<Reply> elements;

  // The reply as text: a string or status verbatim, an integer in decimal; INTERNAL otherwise.
  absl::StatusOr<std::string> AsText() const;
  // The reply as an integer: an integer, or a string holding one; INTERNAL otherwise.
  absl::StatusOr<int64_t> AsInteger() const;
};

// The Status for an error reply, `context` naming the command. Errors that mean "this server
// cannot serve right now" (LOADING after a restart, BUSY, MASTERDOWN, TRYAGAIN, CLUSTERDOWN) are
// UNAVAILABLE, so callers retry them like a lost connection; every other error is INTERNAL.
absl::Status ErrorReplyStatus(std::string_view context, std::string_view error);

// Copies a hiredis reply. An error reply becomes Type::kError (not a failed Status): the caller
// decides whether the server's refusal is a failure.
Reply CopyReply(const redisReply* reply);

}  // namespace seckill::redis
