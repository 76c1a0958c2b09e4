#pragma once

#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/app/accounts.h"

namespace seckill::gateway::api {

// /api/v1/users, /api/v1/sessions and /admin/v1/users:bulk: they await the account use cases
// (whose database and password hashing run on workers).
class AccountHandlers {
 public:
  explicit AccountHandlers(const app::Accounts& accounts) : accounts_(accounts) {}

  boost::asio::awaitable<http::Response> Register(http::Request request, http::PathParams,
                                                  domain::Principal);
  boost::asio::awaitable<http::Response> Login(http::Request request, http::PathParams,
                                               domain::Principal);
  boost::asio::awaitable<http::Response> CreateUsers(http::Request request, http::PathParams,
                                                     domain::Principal);

 private:
  const app::Accounts& accounts_;
};

}  // namespace seckill::gateway::api
