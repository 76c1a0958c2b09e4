#include "libs/redis/sync_client.h"

#include <sys/time.h>

#include "fmt/format.h"
#include "hiredis/hiredis.h"
#include "libs/base/status.h"

namespace seckill::redis {

SyncClient::SyncClient(std::string host, int port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

SyncClient::~SyncClient() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

absl::Status SyncClient::EnsureConnected() {
  if (ctx_ != nullptr && ctx_->err == 0) return absl::OkStatus();
  if (ctx_ != nullptr) redisFree(ctx_);
  timeval tv{};
  tv.tv_sec = timeout_.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  ctx_ = redisConnectWithTimeout(host_.c_str(), port_, tv);
  if (ctx_ == nullptr || ctx_->err != 0) {
    std::string why = ctx_ != nullptr ? ctx_->errstr : "out of memory";
    if (ctx_ != nullptr) redisFree(ctx_);
    ctx_ = nullptr;
    return absl::UnavailableError(fmt::format("redis {}:{}: {}", host_, port_, why));
  }
  redisSetTimeout(ctx_, tv);
  return absl::OkStatus();
}

absl::StatusOr<Reply> SyncClient::Command(const std::vector<std::string>& args) {
  SECKILL_RETURN_IF_ERROR(EnsureConnected());
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
    return absl::UnavailableError(fmt::format("redis {}:{}: {}", host_, port_, why));
  }
  Reply copy = CopyReply(reply);
  freeReplyObject(reply);
  return copy;
}

}  // namespace seckill::redis
