#include "services/gateway/api/middleware.h"

#include <cctype>

#include "boost/asio/steady_timer.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "libs/base/status.h"
#include "libs/http/json.h"
#include "services/gateway/api/responses.h"

namespace seckill::gateway::api {

namespace asio = boost::asio;

std::string_view BearerToken(const http::Request& request) {
  const std::string& auth = request.Header("authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (auth.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(auth[i])) != kScheme[i]) return {};
  }
  return std::string_view(auth).substr(kScheme.size());
}

http::RouteHandler WithMiddleware(std::string resource, Access access, Handler handler,
                                  app::Sessions& sessions, AdmissionControl& admission,
                                  tracing::Tracer& tracer, Precheck precheck) {
  return [&sessions, &admission, &tracer, access, resource = std::move(resource),
          handler = std::move(handler), precheck = std::move(precheck)](
             http::Request request, http::PathParams params) -> asio::awaitable<http::Response> {
    domain::Principal caller;
    if (access != Access::kPublic) {
      const std::string_view token = BearerToken(request);
      if (token.empty()) {
        co_return Unauthenticated("missing bearer token (Authorization: Bearer <token>)");
      }
      auto authenticating = sessions.Authenticate(token);
      const absl::StatusOr<domain::TokenClaims> claims = co_await std::move(authenticating);
      if (absl::IsUnauthenticated(claims.status())) {
        co_return Unauthenticated(base::Message(claims.status()));
      }
      if (!claims.ok()) co_return FromStatus(claims.status(), "account store");
      if (access == Access::kAdmin && claims->principal.role != domain::Role::kAdmin) {
        co_return http::ErrorResponse(403, "FORBIDDEN", "this route needs the admin role");
      }
      caller = claims->principal;
    }
    if (precheck) {
      if (std::optional<http::Response> refused = precheck(request)) co_return std::move(*refused);
    }
    tracing::Span decision = tracer.StartSpan("flow control", tracing::SpanKind::kInternal,
                                              request.Header(base::kTraceparentKey));
    decision.SetBorrowed("seckill.flow.resource", resource);  // the route table's
    Admission admitted =
        admission.Admit(resource, request, params, access == Access::kPublic ? nullptr : &caller);
    if (admitted.refusal) {
      decision.Set("seckill.flow.decision", "refused")
          .Set("http.response.status_code", admitted.refusal->status);
      co_return *admitted.refusal;
    }
    decision.Set("seckill.flow.decision", "admitted");
    if (admitted.delay.count() > 0) {
      // Paced by a throttling rule: parked on a timer, no thread sleeps.
      decision.Set(
          "seckill.flow.delay_ms",
          static_cast<int64_t>(
              std::chrono::duration_cast<std::chrono::milliseconds>(admitted.delay).count()));
      asio::steady_timer timer(co_await asio::this_coro::executor, admitted.delay);
      co_await timer.async_wait(asio::use_awaitable);
    }
    decision.End();
    auto handled = handler(std::move(request), std::move(params), caller);
    http::Response response = co_await std::move(handled);
    admission.Complete(admitted, response.status);
    for (auto& header : admitted.headers) response.headers.push_back(std::move(header));
    co_return response;
  };
}

}  // namespace seckill::gateway::api
