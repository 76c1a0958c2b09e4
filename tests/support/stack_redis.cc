#include "tests/support/stack_redis.h"

#include <chrono>

#include "tests/support/stack_env.h"

namespace seckill::testing {

StackRedis::StackRedis(const std::string& url_key) {
  redis::AsyncClientOptions options;
  options.server = *redis::Endpoint::FromUrl(StackEnv::Get().At(url_key));
  client_ = redis::AsyncClient::Create(ioc_.get_executor(), options);
  thread_ = std::thread([this] { ioc_.run(); });
  for (int i = 0; i < 100 && !client_->Connected(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

StackRedis::~StackRedis() {
  client_->Close();
  work_.reset();
  thread_.join();
}

}  // namespace seckill::testing
