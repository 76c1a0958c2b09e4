#pragma once

#include <optional>

#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/app/accounts.h"
#include "services/gateway/app/sessions.h"

namespace seckill::gateway::api {

// /api/v1/users, /api/v1/sessions (log in and out), /admin/v1/users:bulk and the admin's
// revocation of a user's sessions: they await the account use cases (whose database and
// password hashing run on workers).
class AccountHandlers {
 public:
  AccountHandlers(const app::Accounts& accounts, app::Sessions& sessions)
      : accounts_(accounts), sessions_(sessions) {}

  // Run before admission (api/middleware.h), so that only attempts that will cost password work
  // are charged to the routes' flow-control budgets: a body that is not a valid registration or
  // login is answered 400; a login this account must wait for from this address, or any attempt
  // while the address's password jobs are at their bound, 429.
  std::optional<http::Response> PrecheckRegistration(const http::Request& request) const;
  std::optional<http::Response> PrecheckLogin(const http::Request& request) const;

  boost::asio::awaitable<http::Response> Register(http::Request request, http::PathParams,
                                                  domain::Principal);
  boost::asio::awaitable<http::Response> Login(http::Request request, http::PathParams,
                                               domain::Principal);
  // Revokes the caller's own token.
  boost::asio::awaitable<http::Response> Logout(http::Request request, http::PathParams,
                                                domain::Principal);
  boost::asio::awaitable<http::Response> CreateUsers(http::Request request, http::PathParams,
                                                     domain::Principal);
  // Revokes every token of the user in the path.
  boost::asio::awaitable<http::Response> RevokeSessions(http::Request request,
                                                        http::PathParams params, domain::Principal);

 private:
  const app::Accounts& accounts_;
  app::Sessions& sessions_;
};

}  // namespace seckill::gateway::api
