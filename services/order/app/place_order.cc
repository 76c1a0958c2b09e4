#include "services/order/app/place_order.h"

#include "libs/base/counters.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

void AcceptsInFlight::Begin(uint64_t order_id) {
  std::lock_guard lock(mu_);
  waiting_.try_emplace(order_id);
}

bool AcceptsInFlight::Join(uint64_t order_id, domain::Callback<PlaceOrderResult>& done) {
  std::lock_guard lock(mu_);
  auto it = waiting_.find(order_id);
  if (it == waiting_.end()) return false;
  it->second.push_back(std::move(done));
  return true;
}

void AcceptsInFlight::Finish(uint64_t order_id, const absl::StatusOr<PlaceOrderResult>& result) {
  std::vector<domain::Callback<PlaceOrderResult>> joined;
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(order_id);
    if (it == waiting_.end()) return;
    joined = std::move(it->second);
    waiting_.erase(it);
  }
  for (auto& waiter : joined) waiter(result);
}

void PlaceOrder::operator()(const PlaceOrderRequest& request,
                            domain::Callback<PlaceOrderResult> answer) const {
  domain::Order order;
  order.order_id = ids_.Next();
  order.activity_id = request.activity_id;
  order.user_id = request.user_id;
  order.quantity = request.quantity;
  order.status = domain::OrderStatus::kQueued;
  order.created_at_ms = clock_.NowMs();
  // Only an order with an Idempotency-Key can be asked for again, so only those are tracked: in
  // flight from before their reservation exists, so a duplicate that finds the reservation
  // always finds it here too. Every answer below goes through `done`, which ends it.
  domain::Callback<PlaceOrderResult> done = std::move(answer);
  if (!request.idempotency_key.empty()) {
    in_flight_->Begin(order.order_id);
    done = [in_flight = in_flight_, id = order.order_id,
            answer = std::move(done)](absl::StatusOr<PlaceOrderResult> result) mutable {
      in_flight->Finish(id, result);
      answer(std::move(result));
    };
  }
  domain::ReserveRequest reserve{request.activity_id, request.user_id,         order.order_id,
                                 request.quantity,    request.idempotency_key, request.traceparent};
  reservations_.Reserve(reserve, [this, order, traceparent = request.traceparent,
                                  done = std::move(done)](
                                     absl::StatusOr<domain::Reservation> reservation) mutable {
    if (absl::IsDeadlineExceeded(reservation.status())) {
      // The reservation may exist: release it so no stock is stranded.
      return Compensate(order, absl::UnavailableError("stock service timed out"), std::move(done));
    }
    if (!reservation.ok()) return done(reservation.status());
    if (reservation->duplicate) {
      // The first request with this key: its answer, once it has one.
      if (in_flight_->Join(reservation->order_id, done)) return;
      return done(PlaceOrderResult{common::v1::REFUSAL_UNSPECIFIED, reservation->order_id});
    }
    if (reservation->refusal != common::v1::REFUSAL_UNSPECIFIED) {
      return done(PlaceOrderResult{reservation->refusal, 0});
    }
    order.amount_cents = reservation->price_cents * order.quantity;
    pending_.Add(order);
    publisher_.Publish(
        order, traceparent, [this, order, done = std::move(done)](absl::Status published) mutable {
          if (published.ok()) {
            // The buyer's answer does not wait for the mark: it only keeps the sweep away.
            reservations_.MarkPublished(
                order.activity_id, order.order_id,
                [id = order.order_id](absl::StatusOr<bool> marked) {
                  if (!marked.ok())
                    spdlog::warn("order {}: marking its reservation published failed: {}", id,
                                 marked.status().ToString());
                });
            return done(PlaceOrderResult{common::v1::REFUSAL_UNSPECIFIED, order.order_id});
          }
          spdlog::warn("order {}: publish failed ({}); releasing its stock", order.order_id,
                       published.ToString());
          static base::Counter& compensations = base::Counters::Process().Get(
              "seckill_order_compensations_total",
              "Orders whose publish failed or went unconfirmed, so their stock was released");
          static base::Counter& unconfirmed = base::Counters::Process().Get(
              "seckill_order_publish_unconfirmed_total",
              "Publishes of unknown outcome (no broker confirm): the message may still arrive");
          compensations.Add();
          if (absl::IsDeadlineExceeded(published)) unconfirmed.Add();
          pending_.Remove(order.order_id);
          Compensate(
              order,
              absl::UnavailableError("the order could not be queued; its stock was returned"),
              std::move(done));
        });
  });
}

void PlaceOrder::Compensate(const domain::Order& order, absl::Status error,
                            domain::Callback<PlaceOrderResult> done) const {
  reservations_.Release(order.activity_id, order.order_id,
                        [order, error = std::move(error),
                         done = std::move(done)](absl::StatusOr<domain::ReleaseOutcome> released) {
                          if (!released.ok()) {
                            // Left RESERVED; the reservation sweeper returns it later.
                            spdlog::error("order {}: releasing its reservation failed: {}",
                                          order.order_id, released.status().ToString());
                          }
                          done(error);
                        });
}

}  // namespace seckill::order::app
