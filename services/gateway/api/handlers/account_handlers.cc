#include "services/gateway/api/handlers/account_handlers.h"

#include "boost/json/array.hpp"
#include "libs/base/status.h"
#include "libs/base/time_format.h"
#include "libs/http/json.h"
#include "services/gateway/api/middleware.h"
#include "services/gateway/api/request_parsing.h"
#include "services/gateway/api/responses.h"

namespace seckill::gateway::api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ErrorResponse;
using http::JsonResponse;
using http::Response;

namespace {

struct Credentials {
  std::string username;
  std::string password;
};

absl::StatusOr<Credentials> ParseCredentials(const http::Request& request) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) return body.status();
  http::JsonFields fields(*body);
  auto username = fields.String("username", true);
  auto password = fields.String("password", true);
  SECKILL_RETURN_IF_ERROR(fields.Finish());
  // A username or password no account can have is refused here, before any password work.
  SECKILL_RETURN_IF_ERROR(domain::ValidateUsername(*username));
  SECKILL_RETURN_IF_ERROR(domain::ValidatePassword(*password));
  return Credentials{*username, *password};
}

}  // namespace

std::optional<Response> AccountHandlers::PrecheckRegistration(const http::Request& request) const {
  if (auto credentials = ParseCredentials(request); !credentials.ok()) {
    return FromStatus(credentials.status(), "request");
  }
  if (absl::Status allowed = accounts_.CheckRegistration(request.client_ip); !allowed.ok()) {
    return FromStatus(allowed, "registration");
  }
  return std::nullopt;
}

std::optional<Response> AccountHandlers::PrecheckLogin(const http::Request& request) const {
  auto credentials = ParseCredentials(request);
  if (!credentials.ok()) return FromStatus(credentials.status(), "request");
  if (absl::Status allowed = accounts_.CheckLoginAttempt(credentials->username, request.client_ip);
      !allowed.ok()) {
    return FromStatus(allowed, "login");
  }
  return std::nullopt;
}

asio::awaitable<Response> AccountHandlers::Register(http::Request request, http::PathParams,
                                                    domain::Principal) {
  auto credentials = ParseCredentials(request);
  if (!credentials.ok()) co_return FromStatus(credentials.status(), "request");
  auto id_call =
      accounts_.Register(credentials->username, credentials->password, request.client_ip);
  auto id = co_await std::move(id_call);
  if (absl::IsAlreadyExists(id.status())) {
    co_return ErrorResponse(409, "USERNAME_TAKEN", "that username is taken; choose another");
  }
  if (!id.ok()) co_return FromStatus(id.status(), "account store");
  co_return JsonResponse(201, {{"user_id", std::to_string(*id)}});
}

asio::awaitable<Response> AccountHandlers::Login(http::Request request, http::PathParams,
                                                 domain::Principal) {
  auto credentials = ParseCredentials(request);
  if (!credentials.ok()) co_return FromStatus(credentials.status(), "request");
  auto session_call =
      accounts_.Login(credentials->username, credentials->password, request.client_ip);
  auto session = co_await std::move(session_call);
  if (!session.ok()) co_return FromStatus(session.status(), "account store");
  co_return JsonResponse(200, {{"token", session->token.value},
                               {"user_id", std::to_string(session->user_id)},
                               {"expires_at", base::FormatRfc3339(session->token.expires_at_ms)}});
}

asio::awaitable<Response> AccountHandlers::Logout(http::Request request, http::PathParams,
                                                  domain::Principal) {
  if (absl::Status s = NoBody(request); !s.ok()) co_return FromStatus(s, "request");
  auto closing = sessions_.Close(BearerToken(request));
  if (absl::Status s = co_await std::move(closing); !s.ok()) {
    co_return FromStatus(s, "account store");
  }
  co_return JsonResponse(200, {{"status", "revoked"}});
}

asio::awaitable<Response> AccountHandlers::RevokeSessions(http::Request request,
                                                          http::PathParams params,
                                                          domain::Principal) {
  auto user_id = PathId(params, "user");
  if (!user_id.ok()) co_return FromStatus(user_id.status(), "request");
  if (absl::Status s = NoBody(request); !s.ok()) co_return FromStatus(s, "request");
  auto closing = sessions_.CloseAll(*user_id);
  if (absl::Status s = co_await std::move(closing); !s.ok()) {
    if (absl::IsNotFound(s)) co_return ErrorResponse(404, "NOT_FOUND", "no such user");
    co_return FromStatus(s, "account store");
  }
  co_return JsonResponse(200, {{"status", "revoked"}});
}

asio::awaitable<Response> AccountHandlers::CreateUsers(http::Request request, http::PathParams,
                                                       domain::Principal) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto prefix = fields.String("prefix", true);
  auto count = fields.Int("count", true, 1, app::Accounts::kMaxBulkUsers);
  auto password = fields.String("password", true);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  auto users_call = accounts_.RegisterMany(*prefix, static_cast<int>(*count), *password);
  auto users = co_await std::move(users_call);
  if (absl::IsAlreadyExists(users.status())) {
    co_return ErrorResponse(409, "USERNAME_TAKEN",
                            "some of those usernames are taken; use another prefix");
  }
  if (!users.ok()) co_return FromStatus(users.status(), "account store");
  json::array out;
  for (const app::IssuedUser& u : *users) {
    out.push_back(json::object{{"user_id", std::to_string(u.user_id)},
                               {"username", u.username},
                               {"token", u.token.value}});
  }
  co_return JsonResponse(201, {{"users", std::move(out)}});
}

}  // namespace seckill::gateway::api
