#include "services/gateway/api/handlers/admin_handlers.h"

#include "boost/json/array.hpp"
#include "fmt/format.h"
#include "libs/base/status.h"
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

// The body of POST /admin/v1/activities.
absl::StatusOr<NewActivity> ParseNewActivity(const http::Request& request) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) return body.status();
  http::JsonFields fields(*body);
  fields.Accept("product_id");
  auto title = fields.String("title", true);
  auto price = fields.Int("price_cents", true, 0, 100'000'000'000);
  auto stock = fields.Int("stock", true, 1, 10'000'000);
  auto start_at = fields.String("start_at", true);
  auto end_at = fields.String("end_at", true);
  auto limit = fields.Int("limit_per_user", false, 1, 1000);
  SECKILL_RETURN_IF_ERROR(fields.Finish());
  auto product_id = IdField(*body, "product_id");
  if (!product_id.ok()) return product_id.status();
  auto start = base::ParseRfc3339(*start_at);
  if (!start.ok())
    return absl::InvalidArgumentError(fmt::format("start_at: {}", base::Message(start.status())));
  auto end = base::ParseRfc3339(*end_at);
  if (!end.ok())
    return absl::InvalidArgumentError(fmt::format("end_at: {}", base::Message(end.status())));
  if (*end <= *start) return absl::InvalidArgumentError("end_at must be after start_at");
  return NewActivity{*product_id, *title, *price, *stock, *start, *end, limit.value_or(1)};
}

}  // namespace

asio::awaitable<Response> AdminHandlers::CreateProduct(http::Request request, http::PathParams,
                                                       domain::Principal) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto name = fields.String("name", true);
  auto description = fields.String("description", false);
  auto price = fields.Int("price_cents", true, 0, 100'000'000'000);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  const std::string description_text = description.value_or("");
  const std::string traceparent = Traceparent(request);
  auto created_call = products_.CreateProduct(*name, description_text, *price, traceparent);
  auto created = co_await std::move(created_call);
  if (!created.ok()) co_return FromStatus(created.status(), "product service");
  co_return JsonResponse(201, {{"product_id", std::to_string(*created)}});
}

asio::awaitable<Response> AdminHandlers::CreateActivity(http::Request request, http::PathParams,
                                                        domain::Principal) {
  auto activity = ParseNewActivity(request);
  if (!activity.ok()) co_return FromStatus(activity.status(), "request");
  const std::string traceparent = Traceparent(request);
  auto created_call = products_.CreateActivity(*activity, traceparent);
  auto created = co_await std::move(created_call);
  if (!created.ok()) co_return FromStatus(created.status(), "product service");
  co_return JsonResponse(201, {{"activity_id", std::to_string(*created)}});
}

asio::awaitable<Response> AdminHandlers::ActivityStats(http::Request request,
                                                       http::PathParams params, domain::Principal) {
  auto id = PathId(params, "activity");
  if (!id.ok()) co_return FromStatus(id.status(), "request");
  const std::string traceparent = Traceparent(request);
  auto stock_call = products_.GetStockStats(*id, traceparent);
  auto stock = co_await std::move(stock_call);
  if (!stock.ok()) co_return FromStatus(stock.status(), "product service");
  auto orders_call = orders_.GetOrderStats(*id, traceparent);
  auto orders = co_await std::move(orders_call);
  if (!orders.ok()) co_return FromStatus(orders.status(), "order service");
  co_return JsonResponse(200, {{"stock", stock->stock},
                               {"remaining", stock->remaining},
                               {"reserved", stock->reserved},
                               {"orders",
                                {{"QUEUED", orders->queued},
                                 {"CREATED", orders->created},
                                 {"PAID", orders->paid},
                                 {"CANCELLED", orders->cancelled},
                                 {"FAILED", orders->failed}}}});
}

asio::awaitable<Response> AdminHandlers::Reconcile(http::Request request, http::PathParams params,
                                                   domain::Principal) {
  auto id = PathId(params, "activity");
  if (!id.ok()) co_return FromStatus(id.status(), "request");
  auto body = http::ParseJsonObject(request.body, /*allow_empty=*/true);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  bool repair = false;
  if (const json::value* v = body->if_contains("repair")) {
    if (!v->is_bool())
      co_return ErrorResponse(400, "INVALID_ARGUMENT", "field 'repair' must be true or false");
    repair = v->as_bool();
  }
  http::JsonFields fields(*body);
  fields.Accept("repair");
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  const std::string traceparent = Traceparent(request);
  auto report_call = orders_.ReconcileStock(*id, repair, traceparent);
  auto report = co_await std::move(report_call);
  if (!report.ok()) co_return FromStatus(report.status(), "order service");
  co_return JsonResponse(200, {{"activity_id", std::to_string(*id)},
                               {"stock", report->stock},
                               {"remaining", report->remaining},
                               {"reserved", report->reserved},
                               {"sold", report->sold},
                               {"owed", report->owed},
                               {"queued", report->queued},
                               {"drift", report->drift},
                               {"repaired", report->repaired},
                               {"note", report->note}});
}

asio::awaitable<Response> AdminHandlers::ListDeadLetters(http::Request request, http::PathParams,
                                                         domain::Principal) {
  const std::string traceparent = Traceparent(request);
  auto letters_call = orders_.ListDeadLetters(100, traceparent);
  auto letters = co_await std::move(letters_call);
  if (!letters.ok()) co_return FromStatus(letters.status(), "order service");
  json::array out;
  for (const DeadLetter& d : *letters) {
    json::object o{{"id", std::to_string(d.id)},
                   {"message_id", d.message_id},
                   {"reason", d.reason},
                   {"received_at", base::FormatRfc3339(d.received_at_ms)},
                   {"replayed", d.replayed}};
    o["order_id"] =
        d.order_id == 0 ? json::value(nullptr) : json::value(std::to_string(d.order_id));
    out.push_back(std::move(o));
  }
  co_return JsonResponse(200, {{"dead_letters", std::move(out)}});
}

asio::awaitable<Response> AdminHandlers::ReplayDeadLetter(http::Request request,
                                                          http::PathParams params,
                                                          domain::Principal) {
  auto id = PathId(params, "dead letter");
  if (!id.ok()) co_return FromStatus(id.status(), "request");
  const std::string traceparent = Traceparent(request);
  auto replayed_call = orders_.ReplayDeadLetter(*id, traceparent);
  auto replayed = co_await std::move(replayed_call);
  if (!replayed.ok()) co_return FromStatus(replayed.status(), "order service");
  const auto done = [&](std::string_view outcome) {
    return JsonResponse(200, {{"id", std::to_string(*id)}, {"outcome", outcome}});
  };
  switch (replayed->outcome) {
    case ReplayOutcome::kReplayed:
      co_return done("REPLAYED");
    case ReplayOutcome::kAlreadyReplayed:
      co_return done("ALREADY_REPLAYED");
    case ReplayOutcome::kAlreadyLive:
      co_return done("ALREADY_LIVE");
    case ReplayOutcome::kNotAnOrder:
      co_return ErrorResponse(409, "NOT_REPLAYABLE", "this dead letter is not an order message");
    case ReplayOutcome::kRefused:  // the order stays FAILED
      co_return RefusalResponse(replayed->refusal);
  }
  co_return ErrorResponse(500, "INTERNAL", "internal error");
}

}  // namespace seckill::gateway::api
