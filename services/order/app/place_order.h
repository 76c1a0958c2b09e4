#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "libs/base/metrics.h"
#include "services/order/domain/order_event_publisher.h"
#include "services/order/domain/queued_orders.h"
#include "services/order/domain/stock_reservations.h"

namespace seckill::order::app {

// Already valid (the service's API checked it): ids set, quantity 1..domain::kMaxQuantity, an
// idempotency key of at most 64 characters (any text).
struct PlaceOrderRequest {
  uint64_t activity_id = 0;
  uint64_t user_id = 0;
  int64_t quantity = 1;
  std::string idempotency_key;
  std::string traceparent;
};

struct PlaceOrderResult {
  domain::Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;  // unspecified: accepted, QUEUED
  uint64_t order_id = 0;                                      // the accepted order
};

// The accepts with an Idempotency-Key this process has started and not yet answered, so that a
// repeated key arriving meanwhile gets the first request's answer instead of an early 202.
// Thread-safe.
class AcceptsInFlight {
 public:
  using Answer = std::function<void(absl::StatusOr<PlaceOrderResult>)>;
  void Begin(uint64_t order_id);
  // Takes `done` and queues it for the answer of `order_id` if that order is still in flight
  // here; otherwise returns false and leaves `done` to the caller.
  bool Join(uint64_t order_id, Answer& done);
  // The answer of `order_id`: every joined request gets it too.
  void Finish(uint64_t order_id, const absl::StatusOr<PlaceOrderResult>& result);

 private:
  std::mutex mu_;
  std::unordered_map<uint64_t, std::vector<Answer>> waiting_;
};

// Accepts an order: reserves its stock, records it as queued (QueuedOrders, before any consumer
// can see it), publishes it to the durable queue, and answers that it is accepted only after the
// broker confirmed it. When publishing fails or its outcome is unknown,
// the reservation is released first (under its own deadline, not the caller's) and the answer is
// UNAVAILABLE; so when it cannot be recorded as queued. A repeated Idempotency-Key answers what the
// first request with that key is answered: at once if that one is finished, else when it is (never
// a 202 before the first's confirm). The stock owner's refusals are answered as they are; errors
// are UNAVAILABLE/DEADLINE_EXCEEDED/INTERNAL.
//
// A coroutine that never blocks: each step continues on the thread that completed the one
// before (the order service runs it on Asio's system executor, which resumes in place, so an
// order costs no thread hand-off).
class PlaceOrder {
 public:
  using Results = std::vector<absl::StatusOr<PlaceOrderResult>>;

  // Counts its accepted orders and its compensations into `metrics`, which must outlive it.
  PlaceOrder(domain::StockReservations& reservations, domain::OrderEventPublisher& publisher,
             domain::OrderIdGenerator& ids, domain::QueuedOrders& queued, const base::Clock& clock,
             base::Metrics& metrics);

  boost::asio::awaitable<absl::StatusOr<PlaceOrderResult>> operator()(
      PlaceOrderRequest request) const;
  // Many orders at once (the API's batch): their reservations go to the stock owner together;
  // a refusal is answered as it is, and the rest are settled each on its own, all at once. One
  // answer per request, in their order, when the last is known.
  boost::asio::awaitable<Results> operator()(std::vector<PlaceOrderRequest> requests) const;

 private:
  // A reserved (or possibly reserved, or duplicate) order's answer: published (or compensated),
  // or its key's first order's; written to `answer`, which, like the other arguments, outlives
  // the call (the caller awaits it).
  boost::asio::awaitable<void> Settle(domain::Order& order, const PlaceOrderRequest& request,
                                      const absl::StatusOr<domain::Reservation>& reservation,
                                      absl::StatusOr<PlaceOrderResult>& answer) const;
  // Publishes the reserved `order` and answers it accepted once the broker confirmed it; else
  // returns its stock.
  boost::asio::awaitable<absl::StatusOr<PlaceOrderResult>> Publish(
      domain::Order& order, const PlaceOrderRequest& request) const;
  // The first request's answer for a repeated key (its order `first`): when it has one.
  boost::asio::awaitable<absl::StatusOr<PlaceOrderResult>> AnswerOfFirst(uint64_t first) const;
  // Marks the published order's reservation (the buyer's answer does not wait for it: it only
  // keeps the sweep away); a failure is logged.
  boost::asio::awaitable<void> MarkPublished(uint64_t activity_id, uint64_t order_id,
                                             std::string traceparent) const;
  // Releases the reservation of a failed accept; a failure is logged (the sweep returns it).
  boost::asio::awaitable<void> Compensate(const domain::Order& order) const;

  domain::StockReservations& reservations_;
  domain::OrderEventPublisher& publisher_;
  domain::OrderIdGenerator& ids_;
  domain::QueuedOrders& queued_;
  const base::Clock& clock_;
  base::Counter& accepted_;
  base::Counter& compensations_;
  base::Counter& unconfirmed_;
  std::shared_ptr<AcceptsInFlight> in_flight_ = std::make_shared<AcceptsInFlight>();
};

}  // namespace seckill::order::app
