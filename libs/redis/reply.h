#pragma once

#include <cstdint>
#include <string>
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

// Copies a hiredis reply. An error reply becomes Type::kError (not a failed Status): the caller
// decides whether the server's refusal is a failure.
Reply CopyReply(const redisReply* reply);

}  // namespace seckill::redis
