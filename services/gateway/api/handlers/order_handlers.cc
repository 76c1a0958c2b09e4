#include "services/gateway/api/handlers/order_handlers.h"

#include "boost/json/array.hpp"
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

json::object OrderJson(const domain::Order& o) {
  return json::object{{"order_id", std::to_string(o.order_id)},
                      {"activity_id", std::to_string(o.activity_id)},
                      {"user_id", std::to_string(o.user_id)},
                      {"quantity", o.quantity},
                      {"amount_cents", o.amount_cents},
                      {"status", o.status},
                      {"created_at", base::FormatRfc3339(o.created_at_ms)}};
}

// The answer to paying or cancelling: the order's new status, or `refused`.
Response Transitioned(uint64_t order_id, const absl::StatusOr<Transition>& done,
                      std::string_view new_status, Response refused) {
  if (!done.ok()) return FromStatus(done.status(), "order service");
  if (*done == Transition::kNotAllowed) return refused;
  return JsonResponse(200, {{"order_id", std::to_string(order_id)}, {"status", new_status}});
}

// The refusal's name without its enum prefix: REFUSAL_SOLD_OUT -> SOLD_OUT.
std::string ReasonOf(domain::Refusal refusal) {
  const std::string& name = common::v1::Refusal_Name(refusal);
  constexpr std::string_view kPrefix = "REFUSAL_";
  return name.starts_with(kPrefix) ? name.substr(kPrefix.size()) : name;
}

}  // namespace

OrderHandlers::OrderHandlers(OrderClient& orders, app::ActivityCache& activities,
                             base::Metrics& metrics)
    : orders_(orders), activities_(activities) {
  for (int r = 0; r <= common::v1::Refusal_MAX; ++r) {
    const auto refusal = static_cast<domain::Refusal>(r);
    refusals_.push_back(
        refusal == common::v1::REFUSAL_UNSPECIFIED || !common::v1::Refusal_IsValid(r)
            ? nullptr
            : &metrics.Get("seckill_order_refusals_total",
                           "Orders refused by the sale's rules, by reason (SOLD_OUT, "
                           "PURCHASE_LIMIT, NOT_STARTED, ENDED, ACTIVITY_NOT_FOUND, RESTORING); "
                           "flow control's refusals are seckill_flow_blocked_total",
                           {{"reason", ReasonOf(refusal)}}));
  }
}

Response OrderHandlers::Refused(domain::Refusal refusal) const {
  const auto i = static_cast<size_t>(refusal);
  if (i < refusals_.size() && refusals_[i] != nullptr) refusals_[i]->Add();
  return RefusalResponse(refusal);
}

asio::awaitable<Response> OrderHandlers::Place(http::Request request, http::PathParams params,
                                               domain::Principal caller) {
  auto activity_id = PathId(params, "activity");
  if (!activity_id.ok()) co_return FromStatus(activity_id.status(), "request");
  auto body = http::ParseJsonObject(request.body, /*allow_empty=*/true);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto quantity = fields.Int("quantity", false, 1, 1000);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  auto key = IdempotencyKey(request);
  if (!key.ok()) co_return FromStatus(key.status(), "request");
  // What this gateway already knows costs no hop: a recent SOLD_OUT, or far outside the window.
  if (std::optional<domain::Refusal> known = activities_.AdmitOrder(*activity_id)) {
    co_return Refused(*known);
  }
  OrderToPlace order{*activity_id, caller.user_id, quantity.value_or(1), std::move(*key),
                     Traceparent(request)};
  auto placed_call = orders_.Place(std::move(order));
  auto placed = co_await std::move(placed_call);
  activities_.NoteOrderAnswer(*activity_id,
                              placed.ok() ? placed->refusal : common::v1::REFUSAL_UNSPECIFIED);
  if (!placed.ok()) co_return FromStatus(placed.status(), "ordering");
  if (!placed->accepted()) co_return Refused(placed->refusal);
  co_return JsonResponse(202,
                         {{"order_id", std::to_string(placed->order_id)}, {"status", "QUEUED"}});
}

asio::awaitable<Response> OrderHandlers::List(http::Request request, http::PathParams,
                                              domain::Principal caller) {
  const std::string traceparent = Traceparent(request);
  auto list_call = orders_.ListOrders(caller.user_id, traceparent);
  auto list = co_await std::move(list_call);
  if (!list.ok()) co_return FromStatus(list.status(), "order service");
  json::array orders;
  for (const domain::Order& o : *list) orders.push_back(OrderJson(o));
  co_return JsonResponse(200, {{"orders", std::move(orders)}});
}

asio::awaitable<Response> OrderHandlers::Get(http::Request request, http::PathParams params,
                                             domain::Principal caller) {
  auto id = PathId(params, "order");
  if (!id.ok()) co_return FromStatus(id.status(), "request");
  const std::string traceparent = Traceparent(request);
  auto order_call = orders_.GetOrder(*id, caller.user_id, traceparent);
  auto order = co_await std::move(order_call);
  if (!order.ok()) co_return FromStatus(order.status(), "order service");
  co_return JsonResponse(200, OrderJson(*order));
}

asio::awaitable<Response> OrderHandlers::Pay(http::Request request, http::PathParams params,
                                             domain::Principal caller) {
  auto id = OrderActionTarget(request, params);
  if (!id.ok()) co_return FromStatus(id.status(), "request");
  const std::string traceparent = Traceparent(request);
  auto paid_call = orders_.PayOrder(*id, caller.user_id, traceparent);
  auto paid = co_await std::move(paid_call);
  co_return Transitioned(
      *id, paid, "PAID",
      ErrorResponse(409, "ORDER_NOT_PAYABLE",
                    "this order cannot be paid (still queued, failed or cancelled)"));
}

asio::awaitable<Response> OrderHandlers::Cancel(http::Request request, http::PathParams params,
                                                domain::Principal caller) {
  auto id = OrderActionTarget(request, params);
  if (!id.ok()) co_return FromStatus(id.status(), "request");
  const std::string traceparent = Traceparent(request);
  auto cancelled_call = orders_.CancelOrder(*id, caller.user_id, traceparent);
  auto cancelled = co_await std::move(cancelled_call);
  co_return Transitioned(
      *id, cancelled, "CANCELLED",
      ErrorResponse(409, "ORDER_NOT_CANCELLABLE",
                    "this order cannot be cancelled (paid, failed, or still queued)"));
}

}  // namespace seckill::gateway::api
