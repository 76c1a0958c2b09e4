#pragma once

#include "boost/asio/awaitable.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/app/accounts.h"

namespace seckill::gateway::api {

// /api/v1/users, /api/v1/sessions and /admin/v1/users:bulk. Account work blocks (database,
// password hashing): it runs on `blocking` workers, awaited.
class AccountHandlers {
 public:
  AccountHandlers(const app::Accounts& accounts, boost::asio::thread_pool& blocking)
      : accounts_(accounts), blocking_(blocking) {}

  boost::asio::awaitable<http::Response> Register(http::Request request, http::PathParams,
                                                  domain::Principal);
  boost::asio::awaitable<http::Response> Login(http::Request request, http::PathParams,
                                               domain::Principal);
  boost::asio::awaitable<http::Response> CreateUsers(http::Request request, http::PathParams,
                                                     domain::Principal);

 private:
  const app::Accounts& accounts_;
  boost::asio::thread_pool& blocking_;
};

}  // namespace seckill::gateway::api
