#pragma once

#include <optional>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "services/order/domain/order_repository.h"
#include "services/order/domain/queued_orders.h"
#include "services/order/domain/stock_reservations.h"

namespace seckill::order::app {

// Cancels unpaid orders and returns their units to the stock, for the buyer (CancelByBuyer) or
// when the payment time runs out (CancelExpired, SweepExpired). The order row decides: CREATED
// -> CANCELLED is a compare-and-set, so of a payment and a cancellation racing on one order
// exactly one wins. The stock return follows and is retried by RetryStockReturns until the
// ledger has it (the ledger's cancel is idempotent). Coroutines: they await the ledger and the
// repository.
class CancelOrder {
 public:
  CancelOrder(domain::OrderRepository& repository, domain::StockReservations& reservations,
              domain::QueuedOrders& queued, const base::Clock& clock, int64_t payment_timeout_ms)
      : repository_(repository),
        reservations_(reservations),
        queued_(queued),
        clock_(clock),
        payment_timeout_ms_(payment_timeout_ms) {}

  using Outcome = absl::StatusOr<domain::CancelOutcome>;
  // kNotCancellable for a paid or failed order, and for one still QUEUED (not yet recorded).
  boost::asio::awaitable<Outcome> CancelByBuyer(uint64_t order_id, uint64_t user_id) const;
  // The payment deadline of `order_id` has passed: cancel it unless it was paid. An order whose
  // deadline (its creation time plus the payment timeout) is still ahead is kNotCancellable:
  // only its own clock makes it expire, not the message that says so.
  boost::asio::awaitable<Outcome> CancelExpired(uint64_t order_id) const;
  // Cancels every CREATED order older than the payment timeout (at most `limit`); returns how
  // many it cancelled.
  boost::asio::awaitable<absl::StatusOr<int>> SweepExpired(int limit = 500) const;
  // Returns the units of cancelled orders whose return has not been recorded yet.
  boost::asio::awaitable<absl::StatusOr<int>> RetryStockReturns(int limit = 500) const;

  int64_t payment_timeout_ms() const { return payment_timeout_ms_; }

 private:
  boost::asio::awaitable<Outcome> Cancel(uint64_t order_id, std::optional<uint64_t> user_id) const;
  // The ledger's cancel, awaited; then the row records it.
  boost::asio::awaitable<absl::Status> ReturnStock(uint64_t activity_id, uint64_t order_id) const;

  domain::OrderRepository& repository_;
  domain::StockReservations& reservations_;
  domain::QueuedOrders& queued_;
  const base::Clock& clock_;
  const int64_t payment_timeout_ms_;
};

}  // namespace seckill::order::app
