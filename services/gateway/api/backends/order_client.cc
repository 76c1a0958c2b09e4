#include "services/gateway/api/backends/order_client.h"

#include "absl/strings/strip.h"
#include "libs/base/coalescer.h"
#include "libs/base/status.h"
#include "libs/rpc/deadline.h"
#include "libs/tracing/rpc_span.h"
#include "seckill/order/v1/order.grpc.pb.h"
#include "services/gateway/api/backends/guarded_call.h"

namespace seckill::gateway::api {

namespace ov1 = seckill::order::v1;
using absl::StatusOr;
using boost::asio::awaitable;

namespace {

constexpr char kBackend[] = "order";
constexpr char kPlaceOrdersSpan[] = "seckill.order.v1.OrderService/PlaceOrders";

using Placements = base::Coalescer<ov1::PlaceOrderRequest, ov1::PlaceOrderResult>;

// The status as buyers read it: the enum value's name without its prefix ("QUEUED").
std::string StatusName(ov1::OrderStatus s) {
  return std::string(absl::StripPrefix(ov1::OrderStatus_Name(s), "ORDER_STATUS_"));
}

domain::Order ToDomain(const ov1::Order& o) {
  return domain::Order{o.order_id(),     o.activity_id(),        o.user_id(),      o.quantity(),
                       o.amount_cents(), StatusName(o.status()), o.created_at_ms()};
}

// One PlaceOrders call for a batch of placements.
void SendPlacements(rpc::Stubs<ov1::OrderService>& stubs, std::chrono::milliseconds timeout,
                    std::vector<ov1::PlaceOrderRequest> items, Placements::Clock::time_point oldest,
                    Placements::BatchDone done) {
  struct BatchCall {
    grpc::ClientContext context;
    ov1::PlaceOrdersRequest request;
    ov1::PlaceOrdersResponse reply;
  };
  std::shared_ptr<ov1::OrderService::Stub> stub = stubs.Get();
  if (stub == nullptr) return done(rpc::NoInstanceError(stubs.service()));
  auto call = std::make_shared<BatchCall>();
  // Counted from the oldest order's arrival: none waits past its own deadline.
  call->context.set_deadline(rpc::DeadlineFrom(oldest, timeout));
  for (ov1::PlaceOrderRequest& item : items) *call->request.add_items() = std::move(item);
  stub->async()->PlaceOrders(
      &call->context, &call->request, &call->reply,
      rpc::WatchCall(stubs.observers(), call->context, call->request, "",
                     [call, stub, done = std::move(done)](grpc::Status status) {
                       if (!status.ok()) return done(rpc::FromGrpc(status));
                       done(std::vector<ov1::PlaceOrderResult>(call->reply.results().begin(),
                                                               call->reply.results().end()));
                     }));
}

}  // namespace

struct OrderClient::Impl {
  std::shared_ptr<rpc::Stubs<ov1::OrderService>> stubs;
  std::shared_ptr<Placements> placements;
};

OrderClient::OrderClient(std::shared_ptr<const rpc::ServiceChannel> channel, BackendGuard& guard,
                         std::chrono::milliseconds timeout, tracing::Tracer& tracer)
    : impl_(std::make_shared<Impl>()), guard_(guard), tracer_(tracer), timeout_(timeout) {
  impl_->stubs = std::make_shared<rpc::Stubs<ov1::OrderService>>(
      channel ? std::move(channel) : rpc::ServiceChannel::None(kBackend));
  impl_->placements = Placements::Create(
      [stubs = impl_->stubs, timeout](std::vector<ov1::PlaceOrderRequest> items,
                                      Placements::Clock::time_point oldest,
                                      Placements::BatchDone done) {
        SendPlacements(*stubs, timeout, std::move(items), oldest, std::move(done));
      },
      kPlacementBatchesInFlight, kMaxPlacementBatch);
}

OrderClient::~OrderClient() = default;

awaitable<StatusOr<Placement>> OrderClient::Place(OrderToPlace order) {
  using Reply = StatusOr<Placement>;
  std::shared_ptr<void> ticket;
  if (std::optional<absl::Status> refused = guard_.Before(kBackend, &ticket)) {
    return base::AwaitCallback<Reply>([status = *refused](auto done) { done(Reply(status)); });
  }
  ov1::PlaceOrderRequest request;
  request.set_activity_id(order.activity_id);
  request.set_user_id(order.user_id);
  request.set_quantity(order.quantity);
  request.set_idempotency_key(std::move(order.idempotency_key));
  // The order's own client span, from its submission to its result, though the call carrying it
  // carries others (the order service answers each in a server span of its own trace).
  auto span = std::make_shared<tracing::Span>(tracing::StartRpcSpan(
      tracer_, tracing::SpanKind::kClient, kPlaceOrdersSpan, order.traceparent));
  request.set_traceparent(span->Traceparent());
  return base::AwaitCallback<Reply>([placements = impl_->placements, request = std::move(request),
                                     ticket, guard = &guard_, span](auto done) mutable {
    placements->Submit(
        std::move(request), [done, ticket, guard, span](StatusOr<ov1::PlaceOrderResult> result) {
          Reply reply =
              !result.ok() ? Reply(result.status())
              : result->code() != 0
                  ? Reply(rpc::FromGrpc(grpc::Status(static_cast<grpc::StatusCode>(result->code()),
                                                     result->message())))
                  : Reply(Placement{result->response().refusal(), result->response().order_id()});
          guard->After(ticket, reply.status());
          tracing::EndRpcSpan(*span, static_cast<int>(reply.status().code()),
                              base::Message(reply.status()));
          done(std::move(reply));
        });
  });
}

awaitable<StatusOr<std::vector<domain::Order>>> OrderClient::ListOrders(uint64_t user_id,
                                                                        std::string traceparent) {
  ov1::ListOrdersRequest request;
  request.set_user_id(user_id);
  auto reply_call = GuardedCall<ov1::ListOrdersResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, ListOrders), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  std::vector<domain::Order> orders;
  for (const ov1::Order& o : reply->orders()) orders.push_back(ToDomain(o));
  co_return orders;
}

awaitable<StatusOr<domain::Order>> OrderClient::GetOrder(uint64_t order_id, uint64_t user_id,
                                                         std::string traceparent) {
  ov1::GetOrderRequest request;
  request.set_order_id(order_id);
  request.set_user_id(user_id);
  auto reply_call = GuardedCall<ov1::GetOrderResponse>(guard_, kBackend, timeout_,
                                                       SECKILL_ASYNC_METHOD(impl_->stubs, GetOrder),
                                                       request, traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  if (!reply->found()) co_return absl::NotFoundError("no such order");
  co_return ToDomain(reply->order());
}

awaitable<StatusOr<Transition>> OrderClient::PayOrder(uint64_t order_id, uint64_t user_id,
                                                      std::string traceparent) {
  ov1::PayOrderRequest request;
  request.set_order_id(order_id);
  request.set_user_id(user_id);
  auto reply_call = GuardedCall<ov1::PayOrderResponse>(guard_, kBackend, timeout_,
                                                       SECKILL_ASYNC_METHOD(impl_->stubs, PayOrder),
                                                       request, traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  switch (reply->outcome()) {
    case ov1::PayOrderResponse::OUTCOME_PAID:
      co_return Transition::kDone;
    case ov1::PayOrderResponse::OUTCOME_ORDER_NOT_FOUND:
      co_return absl::NotFoundError("no such order");
    default:
      co_return Transition::kNotAllowed;
  }
}

awaitable<StatusOr<Transition>> OrderClient::CancelOrder(uint64_t order_id, uint64_t user_id,
                                                         std::string traceparent) {
  ov1::CancelOrderRequest request;
  request.set_order_id(order_id);
  request.set_user_id(user_id);
  auto reply_call = GuardedCall<ov1::CancelOrderResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, CancelOrder), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  switch (reply->outcome()) {
    case ov1::CancelOrderResponse::OUTCOME_CANCELLED:
      co_return Transition::kDone;
    case ov1::CancelOrderResponse::OUTCOME_ORDER_NOT_FOUND:
      co_return absl::NotFoundError("no such order");
    default:
      co_return Transition::kNotAllowed;
  }
}

awaitable<StatusOr<OrderStats>> OrderClient::GetOrderStats(uint64_t activity_id,
                                                           std::string traceparent) {
  ov1::GetOrderStatsRequest request;
  request.set_activity_id(activity_id);
  auto reply_call = GuardedCall<ov1::GetOrderStatsResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, GetOrderStats), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  co_return OrderStats{reply->queued(), reply->created(), reply->paid(), reply->cancelled(),
                       reply->failed()};
}

awaitable<StatusOr<ReconcileReport>> OrderClient::ReconcileStock(uint64_t activity_id, bool repair,
                                                                 std::string traceparent) {
  ov1::ReconcileStockRequest request;
  request.set_activity_id(activity_id);
  request.set_repair(repair);
  auto reply_call = GuardedCall<ov1::ReconcileStockResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, ReconcileStock), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  if (!reply->found()) co_return absl::NotFoundError("no such activity");
  co_return ReconcileReport{reply->stock(), reply->remaining(), reply->reserved(),
                            reply->sold(),  reply->owed(),      reply->queued(),
                            reply->drift(), reply->repaired(),  reply->note()};
}

awaitable<StatusOr<std::vector<DeadLetter>>> OrderClient::ListDeadLetters(int limit,
                                                                          std::string traceparent) {
  ov1::ListDeadLettersRequest request;
  request.set_limit(limit);
  auto reply_call = GuardedCall<ov1::ListDeadLettersResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, ListDeadLetters), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  std::vector<DeadLetter> letters;
  for (const ov1::DeadLetterInfo& d : reply->dead_letters()) {
    letters.push_back(DeadLetter{d.id(), d.message_id(), d.order_id(), d.reason(),
                                 d.received_at_ms(), d.replayed()});
  }
  co_return letters;
}

awaitable<StatusOr<ReplayResult>> OrderClient::ReplayDeadLetter(uint64_t id,
                                                                std::string traceparent) {
  ov1::ReplayDeadLetterRequest request;
  request.set_id(id);
  auto reply_call = GuardedCall<ov1::ReplayDeadLetterResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, ReplayDeadLetter), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  using R = ov1::ReplayDeadLetterResponse;
  switch (reply->outcome()) {
    case R::OUTCOME_REPLAYED:
      co_return ReplayResult{ReplayOutcome::kReplayed};
    case R::OUTCOME_ALREADY_REPLAYED:
      co_return ReplayResult{ReplayOutcome::kAlreadyReplayed};
    case R::OUTCOME_ALREADY_LIVE:
      co_return ReplayResult{ReplayOutcome::kAlreadyLive};
    case R::OUTCOME_NOT_AN_ORDER:
      co_return ReplayResult{ReplayOutcome::kNotAnOrder};
    case R::OUTCOME_REFUSED:
      co_return ReplayResult{ReplayOutcome::kRefused, reply->refusal()};
    default:
      co_return absl::NotFoundError("no such dead letter");
  }
}

awaitable<absl::Status> OrderClient::Probe() {
  const ov1::GetOrderStatsRequest request;
  const std::string no_trace;
  auto reply_call = rpc::UnaryCall<ov1::GetOrderStatsResponse>(
      SECKILL_ASYNC_METHOD(impl_->stubs, GetOrderStats), request, std::chrono::milliseconds(1000),
      no_trace);
  auto reply = co_await std::move(reply_call);
  co_return reply.status();
}

}  // namespace seckill::gateway::api
