#pragma once

#include "libs/base/clock.h"
#include "services/order/app/pending_orders.h"
#include "services/order/domain/order_repository.h"
#include "services/order/domain/payment_deadlines.h"
#include "services/order/domain/stock_reservations.h"

namespace seckill::order::app {

enum class RecordOutcome {
  kRecorded,          // stored as CREATED
  kAlreadyRecorded,   // a replay: the order existed, nothing changed
  kRecordedAsFailed,  // its reservation had been released: stored as FAILED, never sold
};

// Writes a queued order to the database, then schedules its payment deadline,, on the consumer's thread (blocks). First confirms the
// reservation (RESERVED -> CONFIRMED); a reservation already released (a compensated publish
// that arrived after all) makes the order FAILED instead, so it can never oversell. Idempotent.
// Errors are transient (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED: retry) or INTERNAL.
class RecordOrder {
 public:
  RecordOrder(domain::StockReservations& reservations, domain::OrderRepository& repository,
              PendingOrders& pending, const base::Clock& clock,
              domain::PaymentDeadlines* deadlines = nullptr)
      : reservations_(reservations), repository_(repository), pending_(pending), clock_(clock),
        deadlines_(deadlines) {}

  absl::StatusOr<RecordOutcome> operator()(const domain::Order& order) const;

 private:
  domain::StockReservations& reservations_;
  domain::OrderRepository& repository_;
  PendingOrders& pending_;
  const base::Clock& clock_;
  domain::PaymentDeadlines* deadlines_;  // null: no payment deadline (tests)
};

}  // namespace seckill::order::app
