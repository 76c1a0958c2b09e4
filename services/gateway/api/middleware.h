#pragma once
// What runs around every handler: authentication for the route's access level, then admission
// control (flow rules), then the handler, then the admission's completion and headers.

#include <functional>
#include <optional>
#include <string>

#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "libs/tracing/tracer.h"
#include "services/gateway/api/admission.h"
#include "services/gateway/app/sessions.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::api {

enum class Access { kPublic, kUser, kAdmin };

// The bearer token of the Authorization header, or empty. The scheme's name is
// case-insensitive (RFC 9110 section 11.1).
std::string_view BearerToken(const http::Request& request);

// A route's own work. `caller` is the authenticated principal (empty on public routes).
using Handler = std::function<boost::asio::awaitable<http::Response>(
    http::Request request, http::PathParams params, domain::Principal caller)>;

// A check of the request itself, run before admission so that what it refuses (a body that is
// not a request at all, say) is answered without being charged to any flow-control budget:
// the refusal, or empty to go on.
using Precheck = std::function<std::optional<http::Response>(const http::Request& request)>;

// `handler` behind the middleware, as the router runs it; `resource` is the route as flow
// control names it ("METHOD /pattern"). The admission decision is a span ("flow control") of
// the request's trace (its traceparent header: the gateway's span of it).
http::RouteHandler WithMiddleware(std::string resource, Access access, Handler handler,
                                  app::Sessions& sessions, AdmissionControl& admission,
                                  tracing::Tracer& tracer, Precheck precheck = nullptr);

// A member function of a handler group as a Handler.
template <class Group>
Handler Bind(Group& group, boost::asio::awaitable<http::Response> (Group::*method)(
                               http::Request, http::PathParams, domain::Principal)) {
  return
      [&group, method](http::Request request, http::PathParams params, domain::Principal caller) {
        return (group.*method)(std::move(request), std::move(params), std::move(caller));
      };
}

}  // namespace seckill::gateway::api
