#include "libs/redis/reply.h"

#include <charconv>

#include "fmt/format.h"
#include "hiredis/hiredis.h"

namespace seckill::redis {

Reply CopyReply(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(CopyReply(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

absl::Status ErrorReplyStatus(std::string_view context, std::string_view error) {
  std::string message = fmt::format("redis {}: {}", context, error);
  for (std::string_view transient : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (error.starts_with(transient) &&
        (error.size() == transient.size() || error[transient.size()] == ' ')) {
      return absl::UnavailableError(message);
    }
  }
  return absl::InternalError(message);
}

absl::StatusOr<std::string> Reply::AsText() const {
  switch (type) {
    case Type::kString:
    case Type::kStatus:
      return str;
    case Type::kInteger:
      return std::to_string(integer);
    case Type::kError:
      return ErrorReplyStatus("error", str);
    default:
      return absl::InternalError("redis reply is not text");
  }
}

absl::StatusOr<int64_t> Reply::AsInteger() const {
  if (type == Type::kInteger) return integer;
  if (type == Type::kString) {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(str.data(), str.data() + str.size(), value);
    if (ec == std::errc() && end == str.data() + str.size()) return value;
  }
  if (type == Type::kError) return ErrorReplyStatus("error", str);
  return absl::InternalError("redis reply is not an integer");
}

}  // namespace seckill::redis
