#include "services/order/adapters/grpc_stock_reservations.h"

#include "grpcpp/alarm.h"
#include "libs/rpc/deadline.h"
#include "libs/rpc/status.h"
#include "libs/rpc/trace_context.h"

namespace seckill::order::adapters {

namespace pv1 = seckill::product::v1;

namespace {

// Keeps request, reply and context alive until the callback runs.
template <class Request, class Reply>
struct Call {
  grpc::ClientContext context;
  Request request;
  Reply reply;
};

template <class Request, class Reply>
std::shared_ptr<Call<Request, Reply>> NewCall(std::chrono::milliseconds timeout,
                                              const std::string& traceparent = "") {
  auto call = std::make_shared<Call<Request, Reply>>();
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!traceparent.empty()) call->context.AddMetadata(rpc::kTraceparentKey, traceparent);
  return call;
}

domain::ReserveOutcome FromProto(pv1::ReserveOutcome o) {
  using O = domain::ReserveOutcome;
  switch (o) {
    case pv1::RESERVED:
      return O::kReserved;
    case pv1::DUPLICATE_REQUEST:
      return O::kDuplicateRequest;
    case pv1::RESERVE_NOT_STARTED:
      return O::kNotStarted;
    case pv1::RESERVE_ENDED:
      return O::kEnded;
    case pv1::RESERVE_SOLD_OUT:
      return O::kSoldOut;
    case pv1::PURCHASE_LIMIT:
      return O::kPurchaseLimit;
    case pv1::INVALID_QUANTITY:
      return O::kInvalidQuantity;
    case pv1::RESTORING:
      return O::kRestoring;
    default:
      return O::kActivityNotFound;
  }
}

}  // namespace

GrpcStockReservations::GrpcStockReservations(std::shared_ptr<grpc::Channel> channel,
                                             StockCallTimeouts timeouts)
    : stub_(product::v1::ProductService::NewStub(std::move(channel))), timeouts_(timeouts) {
  reserves_ = Reserves::Create(
      [stub = stub_, timeout = timeouts_.reserve](std::vector<pv1::ReserveStockRequest> items,
                                                  Reserves::Clock::time_point oldest,
                                                  Reserves::BatchDone done) {
        auto call = NewCall<pv1::ReserveStocksRequest, pv1::ReserveStocksReply>(timeout);
        call->context.set_deadline(rpc::DeadlineFrom(oldest, timeout));
        for (pv1::ReserveStockRequest& item : items) *call->request.add_items() = std::move(item);
        stub->async()->ReserveStocks(&call->context, &call->request, &call->reply,
                                     [call, done = std::move(done)](grpc::Status status) {
                                       if (!status.ok()) return done(rpc::FromGrpc(status));
                                       std::vector<pv1::ReserveStockReply> results(
                                           call->reply.results().begin(),
                                           call->reply.results().end());
                                       done(std::move(results));
                                     });
      },
      kBatchesInFlight, kMaxBatch);
  marks_ = Marks::Create(
      [stub = stub_, timeout = timeouts_.confirm](std::vector<pv1::ReleaseReservationRequest> items,
                                                  Marks::Clock::time_point, Marks::BatchDone done) {
        auto call =
            NewCall<pv1::MarkReservationsPublishedRequest, pv1::MarkReservationsPublishedReply>(
                timeout);
        call->context.set_wait_for_ready(true);
        for (pv1::ReleaseReservationRequest& item : items)
          *call->request.add_items() = std::move(item);
        stub->async()->MarkReservationsPublished(
            &call->context, &call->request, &call->reply,
            [call, done = std::move(done)](grpc::Status status) {
              if (!status.ok()) return done(rpc::FromGrpc(status));
              done(std::vector<pv1::MarkReservationPublishedReply>(call->reply.results().begin(),
                                                                   call->reply.results().end()));
            });
      },
      kBatchesInFlight, kMaxBatch);
}

void GrpcStockReservations::Reserve(const domain::ReserveRequest& r,
                                    domain::Callback<domain::Reservation> done) {
  pv1::ReserveStockRequest item;
  item.set_activity_id(r.activity_id);
  item.set_user_id(r.user_id);
  item.set_order_id(r.order_id);
  item.set_quantity(r.quantity);
  item.set_idempotency_key(r.idempotency_key);
  reserves_->Submit(std::move(item), [done = std::move(done)](
                                         absl::StatusOr<pv1::ReserveStockReply> reply) {
    if (!reply.ok()) return done(reply.status());
    done(domain::Reservation{FromProto(reply->outcome()), reply->order_id(), reply->price_cents()});
  });
}

namespace {

domain::ReleaseOutcome FromProto(pv1::ReleaseReservationReply::Outcome o) {
  using R = pv1::ReleaseReservationReply;
  using O = domain::ReleaseOutcome;
  switch (o) {
    case R::RELEASED:
      return O::kReleased;
    case R::ALREADY_RELEASED:
      return O::kAlreadyReleased;
    case R::ALREADY_CONFIRMED:
      return O::kAlreadyConfirmed;
    default:
      return O::kNotFound;
  }
}

}  // namespace

void GrpcStockReservations::Release(uint64_t activity_id, uint64_t order_id,
                                    domain::Callback<domain::ReleaseOutcome> done) {
  auto call =
      NewCall<pv1::ReleaseReservationRequest, pv1::ReleaseReservationReply>(timeouts_.release);
  call->request.set_activity_id(activity_id);
  call->request.set_order_id(order_id);
  stub_->async()->ReleaseReservation(&call->context, &call->request, &call->reply,
                                     [call, done = std::move(done)](grpc::Status status) {
                                       if (!status.ok()) return done(rpc::FromGrpc(status));
                                       done(FromProto(call->reply.outcome()));
                                     });
}

void GrpcStockReservations::Cancel(uint64_t activity_id, uint64_t order_id,
                                   domain::Callback<domain::ReleaseOutcome> done) {
  auto call =
      NewCall<pv1::ReleaseReservationRequest, pv1::ReleaseReservationReply>(timeouts_.release);
  call->request.set_activity_id(activity_id);
  call->request.set_order_id(order_id);
  stub_->async()->CancelReservation(&call->context, &call->request, &call->reply,
                                    [call, done = std::move(done)](grpc::Status status) {
                                      if (!status.ok()) return done(rpc::FromGrpc(status));
                                      done(FromProto(call->reply.outcome()));
                                    });
}

void GrpcStockReservations::Confirm(std::vector<domain::ReservationRef> reservations,
                                    domain::Callback<std::vector<domain::ConfirmOutcome>> done) {
  auto call =
      NewCall<pv1::ConfirmReservationsRequest, pv1::ConfirmReservationsReply>(timeouts_.confirm);
  for (const domain::ReservationRef& r : reservations) {
    pv1::ConfirmReservationRequest* item = call->request.add_items();
    item->set_activity_id(r.activity_id);
    item->set_order_id(r.order_id);
  }
  stub_->async()->ConfirmReservations(
      &call->context, &call->request, &call->reply,
      [call, done = std::move(done)](grpc::Status status) {
        if (!status.ok()) return done(rpc::FromGrpc(status));
        if (call->reply.results_size() != call->request.items_size()) {
          return done(absl::InternalError("ConfirmReservations: one result per item expected"));
        }
        using R = pv1::ConfirmReservationReply;
        using O = domain::ConfirmOutcome;
        std::vector<O> outcomes;
        outcomes.reserve(call->reply.results_size());
        for (const R& result : call->reply.results()) {
          switch (result.outcome()) {
            case R::CONFIRMED:
              outcomes.push_back(O::kConfirmed);
              break;
            case R::ALREADY_CONFIRMED:
              outcomes.push_back(O::kAlreadyConfirmed);
              break;
            case R::RELEASED:
              outcomes.push_back(O::kReleased);
              break;
            default:
              outcomes.push_back(O::kNotFound);
          }
        }
        done(std::move(outcomes));
      });
}

namespace {

// Marking is idempotent, so an attempt cut off by the product service going away (or refused
// while its Redis is down) is made again after `backoff` (doubling, at most 2 s); the batch
// calls wait_for_ready, which holds an attempt until the service is reachable again.
void MarkPublishedUntil(std::shared_ptr<GrpcStockReservations::Marks> marks,
                        pv1::ReleaseReservationRequest item,
                        std::chrono::steady_clock::time_point give_up,
                        std::chrono::milliseconds backoff, domain::Callback<bool> done) {
  marks->Submit(item, [marks, item, give_up, backoff, done = std::move(done)](
                          absl::StatusOr<pv1::MarkReservationPublishedReply> reply) mutable {
    if (reply.ok()) return done(reply->marked());
    const bool retry =
        absl::IsUnavailable(reply.status()) || absl::IsDeadlineExceeded(reply.status());
    if (!retry || std::chrono::steady_clock::now() + backoff >= give_up)
      return done(reply.status());
    auto alarm = std::make_shared<grpc::Alarm>();
    alarm->Set(std::chrono::system_clock::now() + backoff,
               [marks = std::move(marks), alarm, item = std::move(item), give_up, backoff,
                done = std::move(done)](bool fired) mutable {
                 // The alarm owns this callback; dropping it here breaks that cycle (gRPC
                 // holds its own reference until the callback returns).
                 auto fired_alarm = std::move(alarm);
                 if (!fired) return done(absl::CancelledError("stopping"));
                 MarkPublishedUntil(std::move(marks), std::move(item), give_up,
                                    std::min(backoff * 2, std::chrono::milliseconds(2000)),
                                    std::move(done));
               });
  });
}

}  // namespace

void GrpcStockReservations::MarkPublished(uint64_t activity_id, uint64_t order_id,
                                          domain::Callback<bool> done) {
  pv1::ReleaseReservationRequest item;
  item.set_activity_id(activity_id);
  item.set_order_id(order_id);
  MarkPublishedUntil(marks_, std::move(item),
                     std::chrono::steady_clock::now() + timeouts_.mark_published_budget,
                     std::chrono::milliseconds(100), std::move(done));
}

void GrpcStockReservations::Revive(uint64_t activity_id, uint64_t order_id,
                                   domain::Callback<domain::ReviveOutcome> done) {
  auto call =
      NewCall<pv1::ReleaseReservationRequest, pv1::ReviveReservationReply>(timeouts_.release);
  call->request.set_activity_id(activity_id);
  call->request.set_order_id(order_id);
  stub_->async()->ReviveReservation(&call->context, &call->request, &call->reply,
                                    [call, done = std::move(done)](grpc::Status status) {
                                      if (!status.ok()) return done(rpc::FromGrpc(status));
                                      using R = pv1::ReviveReservationReply;
                                      using O = domain::ReviveOutcome;
                                      switch (call->reply.outcome()) {
                                        case R::REVIVED:
                                          return done(O::kRevived);
                                        case R::NOT_RELEASED:
                                          return done(O::kNotReleased);
                                        case R::REVIVE_SOLD_OUT:
                                          return done(O::kSoldOut);
                                        case R::REVIVE_PURCHASE_LIMIT:
                                          return done(O::kPurchaseLimit);
                                        default:
                                          return done(O::kNotFound);
                                      }
                                    });
}

void GrpcStockReservations::Snapshot(uint64_t activity_id,
                                     domain::Callback<domain::LedgerSnapshot> done) {
  auto call = NewCall<pv1::GetStockStatsRequest, pv1::GetStockStatsReply>(timeouts_.confirm);
  call->request.set_activity_id(activity_id);
  stub_->async()->GetStockStats(
      &call->context, &call->request, &call->reply,
      [call, done = std::move(done)](grpc::Status status) {
        if (!status.ok()) return done(rpc::FromGrpc(status));
        const auto& r = call->reply;
        done(domain::LedgerSnapshot{r.found(), r.stock(), r.remaining(), r.reserved()});
      });
}

void GrpcStockReservations::Adjust(uint64_t activity_id, int64_t expected_remaining, int64_t delta,
                                   domain::Callback<domain::AdjustOutcome> done) {
  auto call = NewCall<pv1::AdjustStockRequest, pv1::AdjustStockReply>(timeouts_.confirm);
  call->request.set_activity_id(activity_id);
  call->request.set_expected_remaining(expected_remaining);
  call->request.set_delta(delta);
  stub_->async()->AdjustStock(&call->context, &call->request, &call->reply,
                              [call, done = std::move(done)](grpc::Status status) {
                                if (!status.ok()) return done(rpc::FromGrpc(status));
                                using R = pv1::AdjustStockReply;
                                using O = domain::AdjustOutcome;
                                switch (call->reply.outcome()) {
                                  case R::ADJUSTED:
                                    return done(O::kAdjusted);
                                  case R::CHANGED:
                                    return done(O::kChanged);
                                  case R::NEGATIVE:
                                    return done(O::kNegative);
                                  default:
                                    return done(O::kNotFound);
                                }
                              });
}

}  // namespace seckill::order::adapters
