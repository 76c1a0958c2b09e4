#include "services/order/api/order_grpc_service.h"

#include <optional>

#include "libs/base/trace_context.h"
#include "libs/rpc/serve.h"
#include "libs/rpc/status.h"
#include "libs/tracing/rpc_span.h"

namespace seckill::order::api {

namespace {
constexpr char kPlaceOrdersSpan[] = "seckill.order.v1.OrderService/PlaceOrders";
}  // namespace

namespace v1 = seckill::order::v1;
using grpc::ServerUnaryReactor;

namespace {

v1::OrderStatus ToProto(domain::OrderStatus s) {
  switch (s) {
    case domain::OrderStatus::kQueued:
      return v1::ORDER_STATUS_QUEUED;
    case domain::OrderStatus::kCreated:
      return v1::ORDER_STATUS_CREATED;
    case domain::OrderStatus::kPaid:
      return v1::ORDER_STATUS_PAID;
    case domain::OrderStatus::kCancelled:
      return v1::ORDER_STATUS_CANCELLED;
    case domain::OrderStatus::kFailed:
      return v1::ORDER_STATUS_FAILED;
  }
  return v1::ORDER_STATUS_UNSPECIFIED;
}

void FillOrder(const domain::Order& o, v1::Order* out) {
  out->set_order_id(o.order_id);
  out->set_activity_id(o.activity_id);
  out->set_user_id(o.user_id);
  out->set_quantity(o.quantity);
  out->set_amount_cents(o.amount_cents);
  out->set_status(ToProto(o.status));
  out->set_created_at_ms(o.created_at_ms);
}

std::string Traceparent(const grpc::CallbackServerContext* ctx) {
  const auto& metadata = ctx->client_metadata();
  auto it = metadata.find(base::kTraceparentKey);
  if (it == metadata.end()) return "";
  std::string value(it->second.data(), it->second.size());
  return base::IsValidTraceparent(value) ? value : "";
}

// A buyer's id is required on every buyer-facing call: 0 names nobody (never "anyone's").
std::optional<grpc::Status> MissingBuyer(uint64_t user_id) {
  if (user_id != 0) return std::nullopt;
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "user_id is required");
}

}  // namespace

namespace {

// The request's own error, if it has one.
std::optional<grpc::Status> Invalid(const v1::PlaceOrderRequest& request) {
  if (request.activity_id() == 0 || request.user_id() == 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "activity_id and user_id are required");
  }
  if (request.quantity() < 1 || request.quantity() > domain::kMaxQuantity) {
    static_assert(domain::kMaxQuantity == 1000, "the message below says 1000");
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "quantity must be 1 to 1000");
  }
  if (request.idempotency_key().size() > 64) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "idempotency_key must be at most 64 characters");
  }
  return std::nullopt;
}

}  // namespace

namespace {

app::PlaceOrderRequest Placement(const v1::PlaceOrderRequest& request, std::string traceparent) {
  return {request.activity_id(), request.user_id(), request.quantity(), request.idempotency_key(),
          std::move(traceparent)};
}

}  // namespace

ServerUnaryReactor* OrderGrpcService::PlaceOrder(grpc::CallbackServerContext* ctx,
                                                 const v1::PlaceOrderRequest* request,
                                                 v1::PlaceOrderResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerPlaceOrder(ctx, request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerPlaceOrder(const grpc::CallbackServerContext* ctx,
                                                            const v1::PlaceOrderRequest* request,
                                                            v1::PlaceOrderResponse* reply) const {
  if (std::optional<grpc::Status> invalid = Invalid(*request)) co_return *invalid;
  app::PlaceOrderRequest placement = Placement(*request, Traceparent(ctx));
  auto placing = place_order_(std::move(placement));
  const absl::StatusOr<app::PlaceOrderResult> placed = co_await std::move(placing);
  if (!placed.ok()) co_return rpc::ToGrpc(placed.status());
  reply->set_refusal(placed->refusal);
  reply->set_order_id(placed->order_id);
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::PlaceOrders(grpc::CallbackServerContext* ctx,
                                                  const v1::PlaceOrdersRequest* request,
                                                  v1::PlaceOrdersResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerPlaceOrders(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerPlaceOrders(const v1::PlaceOrdersRequest* request,
                                                             v1::PlaceOrdersResponse* reply) const {
  const int n = request->items_size();
  if (n == 0 || n > 1000) {
    co_return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                           "items: between 1 and 1000 expected");
  }
  // Each item's answer is its own (its status inside), so the call as a whole succeeds. Each
  // valid item is a server span of its own trace (the items come from many buyers' requests).
  std::vector<app::PlaceOrderRequest> valid;
  std::vector<int> where;  // each valid item's index
  std::vector<tracing::Span> spans;
  for (int i = 0; i < n; ++i) {
    const v1::PlaceOrderRequest& item = request->items(i);
    v1::PlaceOrderResult* result = reply->add_results();
    if (std::optional<grpc::Status> invalid = Invalid(item)) {
      result->set_code(invalid->error_code());
      result->set_message(invalid->error_message());
      continue;
    }
    tracing::Span& span = spans.emplace_back(tracing::StartRpcSpan(
        tracer_, tracing::SpanKind::kServer, kPlaceOrdersSpan, item.traceparent()));
    span.Set("seckill.batch_size", static_cast<int64_t>(n));
    valid.push_back(Placement(item, span.Traceparent()));
    where.push_back(i);
  }
  if (valid.empty()) co_return grpc::Status::OK;
  auto placing = place_order_(std::move(valid));
  const app::PlaceOrder::Results placed = co_await std::move(placing);
  for (size_t j = 0; j < where.size() && j < placed.size(); ++j) {
    v1::PlaceOrderResult* result = reply->mutable_results(where[j]);
    if (!placed[j].ok()) {
      const grpc::Status status = rpc::ToGrpc(placed[j].status());
      result->set_code(status.error_code());
      result->set_message(status.error_message());
      tracing::EndRpcSpan(spans[j], status.error_code(), status.error_message());
      continue;
    }
    result->mutable_response()->set_refusal(placed[j]->refusal);
    result->mutable_response()->set_order_id(placed[j]->order_id);
    if (placed[j]->order_id != 0) {
      spans[j].Set("seckill.order_id", static_cast<int64_t>(placed[j]->order_id));
    }
    if (placed[j]->refusal != common::v1::REFUSAL_UNSPECIFIED) {
      // The enum's names are the descriptor's: they outlive the span.
      spans[j].SetBorrowed("seckill.refusal", common::v1::Refusal_Name(placed[j]->refusal));
    }
    tracing::EndRpcSpan(spans[j], 0, "");
  }
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::GetOrder(grpc::CallbackServerContext* ctx,
                                               const v1::GetOrderRequest* request,
                                               v1::GetOrderResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerGetOrder(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerGetOrder(const v1::GetOrderRequest* request,
                                                          v1::GetOrderResponse* reply) const {
  if (std::optional<grpc::Status> invalid = MissingBuyer(request->user_id())) co_return *invalid;
  auto getting = manage_orders_.Get(request->order_id(), request->user_id());
  const absl::StatusOr<domain::Order> order = co_await std::move(getting);
  if (absl::IsNotFound(order.status())) {
    reply->set_found(false);
    co_return grpc::Status::OK;
  }
  if (!order.ok()) co_return rpc::ToGrpc(order.status());
  reply->set_found(true);
  FillOrder(*order, reply->mutable_order());
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::ListOrders(grpc::CallbackServerContext* ctx,
                                                 const v1::ListOrdersRequest* request,
                                                 v1::ListOrdersResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerListOrders(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerListOrders(const v1::ListOrdersRequest* request,
                                                            v1::ListOrdersResponse* reply) const {
  if (std::optional<grpc::Status> invalid = MissingBuyer(request->user_id())) co_return *invalid;
  auto listing = manage_orders_.List(request->user_id());
  const absl::StatusOr<std::vector<domain::Order>> orders = co_await std::move(listing);
  if (!orders.ok()) co_return rpc::ToGrpc(orders.status());
  for (const domain::Order& o : *orders) FillOrder(o, reply->add_orders());
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::PayOrder(grpc::CallbackServerContext* ctx,
                                               const v1::PayOrderRequest* request,
                                               v1::PayOrderResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerPayOrder(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerPayOrder(const v1::PayOrderRequest* request,
                                                          v1::PayOrderResponse* reply) const {
  if (std::optional<grpc::Status> invalid = MissingBuyer(request->user_id())) co_return *invalid;
  auto paying = manage_orders_.Pay(request->order_id(), request->user_id());
  const absl::StatusOr<domain::PayOutcome> outcome = co_await std::move(paying);
  if (!outcome.ok()) co_return rpc::ToGrpc(outcome.status());
  using R = v1::PayOrderResponse;
  switch (*outcome) {
    case domain::PayOutcome::kPaid:
    case domain::PayOutcome::kAlreadyPaid:
      reply->set_outcome(R::OUTCOME_PAID);
      break;
    case domain::PayOutcome::kNotFound:
      reply->set_outcome(R::OUTCOME_ORDER_NOT_FOUND);
      break;
    case domain::PayOutcome::kNotPayable:
      reply->set_outcome(R::OUTCOME_NOT_PAYABLE);
      break;
  }
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::CancelOrder(grpc::CallbackServerContext* ctx,
                                                  const v1::CancelOrderRequest* request,
                                                  v1::CancelOrderResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerCancelOrder(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerCancelOrder(const v1::CancelOrderRequest* request,
                                                             v1::CancelOrderResponse* reply) const {
  if (std::optional<grpc::Status> invalid = MissingBuyer(request->user_id())) co_return *invalid;
  auto cancelling = cancel_order_.CancelByBuyer(request->order_id(), request->user_id());
  const absl::StatusOr<domain::CancelOutcome> outcome = co_await std::move(cancelling);
  if (!outcome.ok()) co_return rpc::ToGrpc(outcome.status());
  using R = v1::CancelOrderResponse;
  switch (*outcome) {
    case domain::CancelOutcome::kCancelled:
    case domain::CancelOutcome::kAlreadyCancelled:
      reply->set_outcome(R::OUTCOME_CANCELLED);
      break;
    case domain::CancelOutcome::kNotFound:
      reply->set_outcome(R::OUTCOME_ORDER_NOT_FOUND);
      break;
    case domain::CancelOutcome::kNotCancellable:
      reply->set_outcome(R::OUTCOME_NOT_CANCELLABLE);
      break;
  }
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::ReconcileStock(grpc::CallbackServerContext* ctx,
                                                     const v1::ReconcileStockRequest* request,
                                                     v1::ReconcileStockResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerReconcileStock(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerReconcileStock(
    const v1::ReconcileStockRequest* request, v1::ReconcileStockResponse* reply) const {
  auto reconciling = reconcile_(request->activity_id(), request->repair());
  const absl::StatusOr<app::StockReport> report = co_await std::move(reconciling);
  if (!report.ok()) co_return rpc::ToGrpc(report.status());
  reply->set_found(report->found);
  reply->set_stock(report->stock);
  reply->set_remaining(report->remaining);
  reply->set_reserved(report->reserved);
  reply->set_sold(report->sold);
  reply->set_owed(report->owed);
  reply->set_queued(report->queued);
  reply->set_drift(report->drift);
  reply->set_repaired(report->repaired);
  reply->set_note(report->note);
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::ListDeadLetters(grpc::CallbackServerContext* ctx,
                                                      const v1::ListDeadLettersRequest* request,
                                                      v1::ListDeadLettersResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerListDeadLetters(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerListDeadLetters(
    const v1::ListDeadLettersRequest* request, v1::ListDeadLettersResponse* reply) const {
  const int limit = request->limit() > 0 && request->limit() <= 1000 ? request->limit() : 100;
  auto listing = dead_letters_.List(limit);
  const absl::StatusOr<std::vector<domain::DeadLetter>> letters = co_await std::move(listing);
  if (!letters.ok()) co_return rpc::ToGrpc(letters.status());
  for (const domain::DeadLetter& d : *letters) {
    v1::DeadLetterInfo* info = reply->add_dead_letters();
    info->set_id(d.id);
    info->set_message_id(d.message_id);
    info->set_order_id(d.order_id.value_or(0));
    info->set_reason(d.reason);
    info->set_received_at_ms(d.received_at_ms);
    info->set_replayed(d.replayed_at_ms.has_value());
  }
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::ReplayDeadLetter(grpc::CallbackServerContext* ctx,
                                                       const v1::ReplayDeadLetterRequest* request,
                                                       v1::ReplayDeadLetterResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerReplayDeadLetter(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerReplayDeadLetter(
    const v1::ReplayDeadLetterRequest* request, v1::ReplayDeadLetterResponse* reply) const {
  auto replaying = dead_letters_.Replay(request->id());
  const absl::StatusOr<app::ReplayResult> replayed = co_await std::move(replaying);
  if (!replayed.ok()) co_return rpc::ToGrpc(replayed.status());
  using R = v1::ReplayDeadLetterResponse;
  switch (replayed->outcome) {
    case app::ReplayOutcome::kReplayed:
      reply->set_outcome(R::OUTCOME_REPLAYED);
      break;
    case app::ReplayOutcome::kAlreadyReplayed:
      reply->set_outcome(R::OUTCOME_ALREADY_REPLAYED);
      break;
    case app::ReplayOutcome::kAlreadyLive:
      reply->set_outcome(R::OUTCOME_ALREADY_LIVE);
      break;
    case app::ReplayOutcome::kNotAnOrder:
      reply->set_outcome(R::OUTCOME_NOT_AN_ORDER);
      break;
    case app::ReplayOutcome::kRefused:
      reply->set_outcome(R::OUTCOME_REFUSED);
      break;
    case app::ReplayOutcome::kNotFound:
      reply->set_outcome(R::OUTCOME_DEAD_LETTER_NOT_FOUND);
      break;
  }
  reply->set_refusal(replayed->refusal);
  co_return grpc::Status::OK;
}

ServerUnaryReactor* OrderGrpcService::GetOrderStats(grpc::CallbackServerContext* ctx,
                                                    const v1::GetOrderStatsRequest* request,
                                                    v1::GetOrderStatsResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerGetOrderStats(request, reply));
}

OrderGrpcService::Answer OrderGrpcService::AnswerGetOrderStats(
    const v1::GetOrderStatsRequest* request, v1::GetOrderStatsResponse* reply) const {
  auto counting = manage_orders_.Stats(request->activity_id());
  const absl::StatusOr<std::map<domain::OrderStatus, int64_t>> stats = co_await std::move(counting);
  if (!stats.ok()) co_return rpc::ToGrpc(stats.status());
  auto count = [&](domain::OrderStatus s) {
    auto it = stats->find(s);
    return it == stats->end() ? int64_t{0} : it->second;
  };
  reply->set_queued(count(domain::OrderStatus::kQueued));
  reply->set_created(count(domain::OrderStatus::kCreated));
  reply->set_paid(count(domain::OrderStatus::kPaid));
  reply->set_cancelled(count(domain::OrderStatus::kCancelled));
  reply->set_failed(count(domain::OrderStatus::kFailed));
  co_return grpc::Status::OK;
}

}  // namespace seckill::order::api
