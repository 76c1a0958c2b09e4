#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "libs/redis/async_client.h"

namespace seckill::testing {

// A non-blocking client of the running stack's Redis, as the user of the URL `url_key` names in
// .run/stack.env, driven by a thread of its own; connected (or given up on after 2 s) once built.
class StackRedis {
 public:
  explicit StackRedis(const std::string& url_key);
  ~StackRedis();
  StackRedis(const StackRedis&) = delete;
  StackRedis& operator=(const StackRedis&) = delete;

  const std::shared_ptr<redis::AsyncClient>& client() const { return client_; }

 private:
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      ioc_.get_executor()};
  std::shared_ptr<redis::AsyncClient> client_;
  std::thread thread_;
};

}  // namespace seckill::testing
