#include "libs/redis/sync_client.h"

#include <sys/time.h>

#include "fmt/format.h"
#include "hiredis/hiredis.h"
#include "libs/base/status.h"

namespace seckill::redis {

SyncClient::SyncClient(Endpoint server, std::chrono::milliseconds timeout)
    : server_(std::move(server)), timeout_(timeout) {}

SyncClient::~SyncClient() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

absl::Status SyncClient::EnsureConnected() {
  if (ctx_ != nullptr && ctx_->err == 0) return absl::OkStatus();
  if (ctx_ != nullptr) redisFree(ctx_);
  timeval tv{};
  tv.tv_sec = timeout_.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  ctx_ = redisConnectWithTimeout(server_.host.c_str(), server_.port, tv);
  if (ctx_ == nullptr || ctx_->err != 0) {
    std::string why = ctx_ != nullptr ? ctx_->errstr : "out of memory";
    if (ctx_ != nullptr) redisFree(ctx_);
    ctx_ = nullptr;
    return absl::UnavailableError(fmt::format("redis {}: {}", server_.Redacted(), why));
  }
  redisSetTimeout(ctx_, tv);
  if (const std::vector<std::string> auth = server_.AuthCommand(); !auth.empty()) {
    absl::StatusOr<Reply> reply = Run(auth);
    if (!reply.ok() || reply->type == Reply::Type::kError) {
      redisFree(ctx_);
      ctx_ = nullptr;
      return absl::PermissionDeniedError(
          fmt::format("redis {}: authentication refused: {}", server_.Redacted(),
                      reply.ok() ? reply->str : std::string(reply.status().message())));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Reply> SyncClient::Command(const std::vector<std::string>& args) {
  SECKILL_RETURN_IF_ERROR(EnsureConnected());
  return Run(args);
}

absl::StatusOr<Reply> SyncClient::Run(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    argvlen.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), argvlen.data()));
  if (reply == nullptr) {
    std::string why = ctx_->errstr;
    redisFree(ctx_);
    ctx_ = nullptr;
    return absl::UnavailableError(fmt::format("redis {}: {}", server_.Redacted(), why));
  }
  Reply copy = CopyReply(reply);
  freeReplyObject(reply);
  return copy;
}

}  // namespace seckill::redis
