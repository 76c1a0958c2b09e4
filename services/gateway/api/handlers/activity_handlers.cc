#include "services/gateway/api/handlers/activity_handlers.h"

#include "boost/json/array.hpp"
#include "libs/base/await.h"
#include "libs/base/time_format.h"
#include "libs/http/json.h"
#include "services/gateway/api/request_parsing.h"
#include "services/gateway/api/responses.h"

namespace seckill::gateway::api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ErrorResponse;
using http::JsonResponse;
using http::Response;

namespace {

json::object ActivityJson(const domain::Activity& a) {
  return json::object{{"activity_id", std::to_string(a.activity_id)},
                      {"product_id", std::to_string(a.product_id)},
                      {"title", a.title},
                      {"price_cents", a.price_cents},
                      {"stock", a.stock},
                      {"remaining", a.remaining},
                      {"start_at", base::FormatRfc3339(a.start_at_ms)},
                      {"end_at", base::FormatRfc3339(a.end_at_ms)},
                      {"limit_per_user", a.limit_per_user},
                      {"status", domain::ActivityStatusName(a.status)}};
}

}  // namespace

asio::awaitable<Response> ActivityHandlers::List(http::Request request, http::PathParams,
                                                 domain::Principal) {
  const std::string traceparent = Traceparent(request);
  auto list_call = products_.ListActivities(traceparent);
  auto list = co_await std::move(list_call);
  if (!list.ok()) co_return FromStatus(list.status(), "product service");
  json::array activities;
  for (const domain::Activity& a : *list) activities.push_back(ActivityJson(a));
  co_return JsonResponse(200, {{"activities", std::move(activities)}});
}

asio::awaitable<Response> ActivityHandlers::Get(http::Request, http::PathParams params,
                                                domain::Principal) {
  auto id = PathId(params, "activity");
  if (!id.ok()) co_return FromStatus(id.status(), "request");
  auto fetched_call = base::AwaitCallback<app::ActivityCache::Fetched>(
      [this, id = *id](auto done) { activities_.Get(id, std::move(done)); });
  auto fetched = co_await std::move(fetched_call);
  if (!fetched.ok()) co_return FromStatus(fetched.status(), "product service");
  if (!fetched->has_value()) co_return ErrorResponse(404, "NOT_FOUND", "no such activity");
  co_return JsonResponse(200, ActivityJson(**fetched));
}

}  // namespace seckill::gateway::api
