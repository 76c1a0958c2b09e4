#include "services/order/adapters/grpc_stock_reservations.h"

#include "boost/asio/steady_timer.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "libs/base/await.h"
#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "libs/rpc/deadline.h"
#include "libs/rpc/status.h"
#include "libs/tracing/rpc_span.h"

namespace seckill::order::adapters {

namespace pv1 = seckill::product::v1;

namespace {

constexpr char kReserveStocksSpan[] = "seckill.product.v1.ProductService/ReserveStocks";
constexpr char kConfirmReservationsSpan[] = "seckill.product.v1.ProductService/ConfirmReservations";
constexpr char kMarkPublishedSpan[] = "seckill.product.v1.ProductService/MarkReservationsPublished";

// Keeps request, reply and context alive until the callback runs, and the stub (so the channel
// of the instances the call began on).
template <class Request, class Reply>
struct Call {
  std::shared_ptr<pv1::ProductService::Stub> stub;
  grpc::ClientContext context;
  Request request;
  Reply reply;
};

template <class Request, class Reply>
std::shared_ptr<Call<Request, Reply>> NewCall(std::chrono::milliseconds timeout) {
  auto call = std::make_shared<Call<Request, Reply>>();
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  return call;
}

// Gives `call` the current stub; false, after answering `done` UNAVAILABLE, when the product
// service has no known instance.
template <class CallT, class Done>
bool TakeStub(CallT& call, rpc::Stubs<pv1::ProductService>& stubs, Done& done) {
  call.stub = stubs.Get();
  if (call.stub != nullptr) return true;
  done(rpc::NoInstanceError(stubs.service()));
  return false;
}

// The call's completion, watched by the product channel's observers (its duration).
template <class CallT, class Done>
std::function<void(grpc::Status)> Watched(rpc::Stubs<pv1::ProductService>& stubs, CallT& call,
                                          Done done) {
  return rpc::WatchCall(stubs.observers(), call.context, call.request, "",
                        std::function<void(grpc::Status)>(std::move(done)));
}

}  // namespace

GrpcStockReservations::GrpcStockReservations(std::shared_ptr<const rpc::ServiceChannel> channel,
                                             StockCallTimeouts timeouts,
                                             boost::asio::any_io_executor timers,
                                             tracing::Tracer& tracer)
    : stubs_(std::make_shared<rpc::Stubs<pv1::ProductService>>(std::move(channel))),
      timeouts_(timeouts),
      timers_(std::move(timers)),
      tracer_(tracer) {
  reserves_ = Reserves::Create(
      [stubs = stubs_, timeout = timeouts_.reserve](std::vector<pv1::ReserveStockRequest> items,
                                                    Reserves::Clock::time_point oldest,
                                                    Reserves::BatchDone done) {
        auto call = NewCall<pv1::ReserveStocksRequest, pv1::ReserveStocksResponse>(timeout);
        call->context.set_deadline(rpc::DeadlineFrom(oldest, timeout));
        for (pv1::ReserveStockRequest& item : items) *call->request.add_items() = std::move(item);
        if (!TakeStub(*call, *stubs, done)) return;
        call->stub->async()->ReserveStocks(
            &call->context, &call->request, &call->reply,
            Watched(*stubs, *call, [call, done = std::move(done)](grpc::Status status) {
              if (!status.ok()) return done(rpc::FromGrpc(status));
              std::vector<pv1::ReserveStockResult> results(call->reply.results().begin(),
                                                           call->reply.results().end());
              done(std::move(results));
            }));
      },
      kBatchesInFlight, kMaxBatch);
  marks_ = Marks::Create(
      [stubs = stubs_, timeout = timeouts_.confirm](
          std::vector<pv1::ReservationRef> items, Marks::Clock::time_point, Marks::BatchDone done) {
        auto call =
            NewCall<pv1::MarkReservationsPublishedRequest, pv1::MarkReservationsPublishedResponse>(
                timeout);
        call->context.set_wait_for_ready(true);
        for (pv1::ReservationRef& item : items) *call->request.add_items() = std::move(item);
        if (!TakeStub(*call, *stubs, done)) return;
        call->stub->async()->MarkReservationsPublished(
            &call->context, &call->request, &call->reply,
            Watched(*stubs, *call, [call, done = std::move(done)](grpc::Status status) {
              if (!status.ok()) return done(rpc::FromGrpc(status));
              done(std::vector<pv1::MarkReservationPublishedResult>(call->reply.results().begin(),
                                                                    call->reply.results().end()));
            }));
      },
      kBatchesInFlight, kMaxBatch);
}

base::AsyncEach<domain::Reservation> GrpcStockReservations::Reserve(
    const std::vector<domain::ReserveRequest>& requests) {
  using Answers = std::vector<absl::StatusOr<domain::Reservation>>;
  return base::AwaitCallback<Answers>([this, &requests](auto done) mutable {
    std::vector<pv1::ReserveStockRequest> items(requests.size());
    // Each order's own client span, though one call carries many orders.
    auto spans = std::make_shared<std::vector<tracing::Span>>();
    spans->reserve(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
      const domain::ReserveRequest& r = requests[i];
      tracing::Span& span = spans->emplace_back(tracing::StartRpcSpan(
          tracer_, tracing::SpanKind::kClient, kReserveStocksSpan, r.traceparent));
      items[i].set_activity_id(r.activity_id);
      items[i].set_user_id(r.user_id);
      items[i].set_order_id(r.order_id);
      items[i].set_quantity(r.quantity);
      items[i].set_idempotency_key(r.idempotency_key);
      items[i].set_traceparent(span.Traceparent());
    }
    reserves_->SubmitAll(
        std::move(items), [done = std::move(done),
                           spans](std::vector<absl::StatusOr<pv1::ReserveStockResult>> replies) {
          Answers answers;
          answers.reserve(replies.size());
          for (size_t i = 0; i < replies.size(); ++i) {
            absl::StatusOr<pv1::ReserveStockResult>& reply = replies[i];
            tracing::EndRpcSpan((*spans)[i], static_cast<int>(reply.status().code()),
                                base::Message(reply.status()));
            if (!reply.ok()) {
              answers.push_back(reply.status());
              continue;
            }
            answers.push_back(domain::Reservation{reply->refusal(), reply->duplicate(),
                                                  reply->order_id(), reply->price_cents()});
          }
          done(std::move(answers));
        });
  });
}

namespace {

domain::ReleaseOutcome FromProto(pv1::ReleaseOutcome o) {
  using O = domain::ReleaseOutcome;
  switch (o) {
    case pv1::RELEASE_OUTCOME_RELEASED:
      return O::kReleased;
    case pv1::RELEASE_OUTCOME_ALREADY_RELEASED:
      return O::kAlreadyReleased;
    case pv1::RELEASE_OUTCOME_ALREADY_CONFIRMED:
      return O::kAlreadyConfirmed;
    default:
      return O::kNotFound;
  }
}

}  // namespace

base::Async<domain::ReleaseOutcome> GrpcStockReservations::Release(uint64_t activity_id,
                                                                   uint64_t order_id) {
  return base::AwaitCallback<absl::StatusOr<domain::ReleaseOutcome>>([this, activity_id,
                                                                      order_id](auto done) mutable {
    auto call =
        NewCall<pv1::ReleaseReservationRequest, pv1::ReleaseReservationResponse>(timeouts_.release);
    call->request.set_activity_id(activity_id);
    call->request.set_order_id(order_id);
    if (!TakeStub(*call, *stubs_, done)) return;
    call->stub->async()->ReleaseReservation(
        &call->context, &call->request, &call->reply,
        Watched(*stubs_, *call, [call, done = std::move(done)](grpc::Status status) {
          if (!status.ok()) return done(rpc::FromGrpc(status));
          done(FromProto(call->reply.outcome()));
        }));
  });
}

base::Async<domain::ReleaseOutcome> GrpcStockReservations::Cancel(uint64_t activity_id,
                                                                  uint64_t order_id) {
  return base::AwaitCallback<absl::StatusOr<domain::ReleaseOutcome>>([this, activity_id,
                                                                      order_id](auto done) mutable {
    auto call =
        NewCall<pv1::CancelReservationRequest, pv1::CancelReservationResponse>(timeouts_.release);
    call->request.set_activity_id(activity_id);
    call->request.set_order_id(order_id);
    if (!TakeStub(*call, *stubs_, done)) return;
    call->stub->async()->CancelReservation(
        &call->context, &call->request, &call->reply,
        Watched(*stubs_, *call, [call, done = std::move(done)](grpc::Status status) {
          if (!status.ok()) return done(rpc::FromGrpc(status));
          done(FromProto(call->reply.outcome()));
        }));
  });
}

base::Async<std::vector<domain::ConfirmOutcome>> GrpcStockReservations::Confirm(
    std::vector<domain::ReservationClaim> reservations) {
  return base::AwaitCallback<absl::StatusOr<std::vector<domain::ConfirmOutcome>>>(
      [this, reservations = std::move(reservations)](auto done) mutable {
        auto call = NewCall<pv1::ConfirmReservationsRequest, pv1::ConfirmReservationsResponse>(
            timeouts_.confirm);
        // Each order's own client span, though one call confirms many.
        auto spans = std::make_shared<std::vector<tracing::Span>>();
        spans->reserve(reservations.size());
        for (const domain::ReservationClaim& r : reservations) {
          tracing::Span& span = spans->emplace_back(tracing::StartRpcSpan(
              tracer_, tracing::SpanKind::kClient, kConfirmReservationsSpan, r.traceparent));
          pv1::ReservationRef* item = call->request.add_items();
          item->set_activity_id(r.activity_id);
          item->set_order_id(r.order_id);
          item->set_user_id(r.user_id);
          item->set_quantity(r.quantity);
          item->set_amount_cents(r.amount_cents);
          item->set_traceparent(span.Traceparent());
        }
        if (!TakeStub(*call, *stubs_, done)) return;
        call->stub->async()->ConfirmReservations(
            &call->context, &call->request, &call->reply,
            Watched(*stubs_, *call, [call, spans, done = std::move(done)](grpc::Status status) {
              for (tracing::Span& span : *spans) {
                tracing::EndRpcSpan(span, status.error_code(), status.error_message());
              }
              if (!status.ok()) return done(rpc::FromGrpc(status));
              if (call->reply.results_size() != call->request.items_size()) {
                return done(
                    absl::InternalError("ConfirmReservations: one result per item expected"));
              }
              using R = pv1::ConfirmReservationResult;
              using O = domain::ConfirmOutcome;
              std::vector<O> outcomes;
              outcomes.reserve(call->reply.results_size());
              for (const R& result : call->reply.results()) {
                switch (result.outcome()) {
                  case R::OUTCOME_CONFIRMED:
                    outcomes.push_back(O::kConfirmed);
                    break;
                  case R::OUTCOME_ALREADY_CONFIRMED:
                    outcomes.push_back(O::kAlreadyConfirmed);
                    break;
                  case R::OUTCOME_RELEASED:
                    outcomes.push_back(O::kReleased);
                    break;
                  case R::OUTCOME_MISMATCH:
                    outcomes.push_back(O::kMismatch);
                    break;
                  default:
                    outcomes.push_back(O::kNotFound);
                }
              }
              done(std::move(outcomes));
            }));
      });
}

base::Async<bool> GrpcStockReservations::MarkPublished(uint64_t activity_id, uint64_t order_id,
                                                       std::string traceparent) {
  // The order's client span, over every try (one call carries many orders).
  tracing::Span span =
      tracing::StartRpcSpan(tracer_, tracing::SpanKind::kClient, kMarkPublishedSpan, traceparent);
  pv1::ReservationRef item;
  item.set_activity_id(activity_id);
  item.set_order_id(order_id);
  item.set_traceparent(span.Traceparent());
  const auto give_up = std::chrono::steady_clock::now() + timeouts_.mark_published_budget;
  base::Backoff backoff(std::chrono::milliseconds(100), std::chrono::seconds(2));
  for (;;) {
    auto marking = base::AwaitCallback<absl::StatusOr<bool>>([this, &item](auto done) {
      marks_->Submit(item, [done = std::move(done)](
                               absl::StatusOr<pv1::MarkReservationPublishedResult> reply) {
        if (!reply.ok()) return done(reply.status());
        done(reply->marked());
      });
    });
    absl::StatusOr<bool> marked = co_await std::move(marking);
    const bool transient =
        absl::IsUnavailable(marked.status()) || absl::IsDeadlineExceeded(marked.status());
    const std::chrono::milliseconds delay =
        transient ? backoff.Next() : std::chrono::milliseconds(0);
    if (!transient || std::chrono::steady_clock::now() + delay >= give_up) {
      tracing::EndRpcSpan(span, static_cast<int>(marked.status().code()),
                          base::Message(marked.status()));
      co_return marked;
    }
    span.AddEvent("retry: " + std::string(marked.status().message()));
    boost::asio::steady_timer pause(timers_, delay);
    auto paused = pause.async_wait(boost::asio::use_awaitable);
    co_await std::move(paused);
  }
}

base::Async<domain::ReviveResult> GrpcStockReservations::Revive(uint64_t activity_id,
                                                                uint64_t order_id) {
  return base::AwaitCallback<absl::StatusOr<domain::ReviveResult>>([this, activity_id,
                                                                    order_id](auto done) mutable {
    auto call =
        NewCall<pv1::ReviveReservationRequest, pv1::ReviveReservationResponse>(timeouts_.release);
    call->request.set_activity_id(activity_id);
    call->request.set_order_id(order_id);
    if (!TakeStub(*call, *stubs_, done)) return;
    call->stub->async()->ReviveReservation(
        &call->context, &call->request, &call->reply,
        Watched(*stubs_, *call, [call, done = std::move(done)](grpc::Status status) {
          if (!status.ok()) return done(rpc::FromGrpc(status));
          using R = pv1::ReviveReservationResponse;
          using O = domain::ReviveOutcome;
          O outcome = O::kNotFound;
          switch (call->reply.outcome()) {
            case R::OUTCOME_REVIVED:
              outcome = O::kRevived;
              break;
            case R::OUTCOME_NOT_RELEASED:
              outcome = O::kNotReleased;
              break;
            case R::OUTCOME_REFUSED:
              outcome = O::kRefused;
              break;
            default:
              break;
          }
          done(domain::ReviveResult{outcome, call->reply.refusal()});
        }));
  });
}

base::Async<domain::LedgerSnapshot> GrpcStockReservations::Snapshot(uint64_t activity_id) {
  return base::AwaitCallback<absl::StatusOr<domain::LedgerSnapshot>>([this, activity_id](
                                                                         auto done) mutable {
    auto call = NewCall<pv1::GetStockStatsRequest, pv1::GetStockStatsResponse>(timeouts_.confirm);
    call->request.set_activity_id(activity_id);
    if (!TakeStub(*call, *stubs_, done)) return;
    call->stub->async()->GetStockStats(
        &call->context, &call->request, &call->reply,
        Watched(*stubs_, *call, [call, done = std::move(done)](grpc::Status status) {
          if (!status.ok()) return done(rpc::FromGrpc(status));
          const auto& r = call->reply;
          done(domain::LedgerSnapshot{r.found(), r.stock(), r.remaining(), r.reserved()});
        }));
  });
}

base::Async<domain::AdjustOutcome> GrpcStockReservations::Adjust(uint64_t activity_id,
                                                                 int64_t expected_remaining,
                                                                 int64_t delta) {
  return base::AwaitCallback<absl::StatusOr<domain::AdjustOutcome>>(
      [this, activity_id, expected_remaining, delta](auto done) mutable {
        auto call = NewCall<pv1::AdjustStockRequest, pv1::AdjustStockResponse>(timeouts_.confirm);
        call->request.set_activity_id(activity_id);
        call->request.set_expected_remaining(expected_remaining);
        call->request.set_delta(delta);
        if (!TakeStub(*call, *stubs_, done)) return;
        call->stub->async()->AdjustStock(
            &call->context, &call->request, &call->reply,
            Watched(*stubs_, *call, [call, done = std::move(done)](grpc::Status status) {
              if (!status.ok()) return done(rpc::FromGrpc(status));
              using R = pv1::AdjustStockResponse;
              using O = domain::AdjustOutcome;
              switch (call->reply.outcome()) {
                case R::OUTCOME_ADJUSTED:
                  return done(O::kAdjusted);
                case R::OUTCOME_CHANGED:
                  return done(O::kChanged);
                case R::OUTCOME_NEGATIVE:
                  return done(O::kNegative);
                default:
                  return done(O::kNotFound);
              }
            }));
      });
}

}  // namespace seckill::order::adapters
