#pragma once

#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "libs/base/metrics.h"
#include "services/order/domain/order_repository.h"
#include "services/order/domain/payment_deadlines.h"
#include "services/order/domain/queued_orders.h"
#include "services/order/domain/stock_reservations.h"

namespace seckill::order::app {

enum class RecordOutcome {
  kRecorded,          // stored as CREATED
  kAlreadyRecorded,   // a replay: the order existed, nothing changed
  kRecordedAsFailed,  // its reservation had been released: stored as FAILED, never sold
};

// Writes queued orders to the database, then schedules their payment deadlines and removes them
// from the queued orders. First confirms
// each reservation (RESERVED -> CONFIRMED) with what the order claims of it (buyer, quantity,
// amount), which the ledger checks; a reservation already released (a compensated publish that
// arrived after all), or one the ledger lost, makes its order FAILED instead, so it can never
// oversell. An order whose claim is not its reservation's is refused (PERMISSION_DENIED: the
// message is dead-lettered) and nothing is stored for it.
// Idempotent. A coroutine: it awaits the confirms and the repository; no thread waits for either.
// Errors are transient (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED: retry) or permanent.
class RecordOrder {
 public:
  using Results = std::vector<absl::StatusOr<RecordOutcome>>;

  // Counts the orders that arrive after their reservation was released into `metrics` (which
  // must outlive it).
  RecordOrder(domain::StockReservations& reservations, domain::OrderRepository& repository,
              domain::QueuedOrders& queued, const base::Clock& clock, base::Metrics& metrics,
              domain::PaymentDeadlines* deadlines = nullptr)
      : reservations_(reservations),
        repository_(repository),
        queued_(queued),
        clock_(clock),
        recorded_(metrics.Get("seckill_order_recorded_total",
                              "Orders this instance's consumer stored as CREATED")),
        failed_on_arrival_(metrics.Get("seckill_order_failed_on_arrival_total",
                                       "Order messages whose reservation was already released (a "
                                       "compensated publish that arrived)")),
        deadlines_(deadlines) {}

  boost::asio::awaitable<absl::StatusOr<RecordOutcome>> operator()(domain::Order order) const;

  // A batch: one confirm call for all, one multi-row insert, one commit. The results are in the
  // order of `orders`. When the batch call fails for a reason that is not transient, each order
  // is tried on its own, so one bad order fails alone and its neighbours are recorded; a
  // transient failure is every order's (retry them all).
  boost::asio::awaitable<Results> operator()(std::vector<domain::Order> orders) const;

 private:
  // Inserts the rows (one multi-row insert, or one at a time to find a bad one).
  boost::asio::awaitable<Results> StoreAll(const std::vector<domain::Order>& rows,
                                           int64_t now_ms) const;
  // PERMISSION_DENIED when what confirming its reservation answered shows the order was not
  // made from it (kMismatch).
  static absl::Status Forged(const domain::Order& order, domain::ConfirmOutcome confirmed);
  // The order as it is to be stored, from what confirming its reservation answered.
  static domain::Order RowFor(const domain::Order& order, domain::ConfirmOutcome confirmed);
  // Inserts one row and finishes it.
  boost::asio::awaitable<absl::StatusOr<RecordOutcome>> Store(const domain::Order& row,
                                                              int64_t now_ms) const;
  // The outcome of a row now in the database. (Deadlines are scheduled, and the queued entries
  // removed, per batch.)
  RecordOutcome Finish(const domain::Order& row) const;

  domain::StockReservations& reservations_;
  domain::OrderRepository& repository_;
  domain::QueuedOrders& queued_;
  const base::Clock& clock_;
  base::Counter& recorded_;
  base::Counter& failed_on_arrival_;
  domain::PaymentDeadlines* deadlines_;  // null: no payment deadline (tests)
};

}  // namespace seckill::order::app
