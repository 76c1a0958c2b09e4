#pragma once

#include <string>

#include "boost/asio/awaitable.hpp"
#include "services/order/domain/order_repository.h"
#include "services/order/domain/queued_orders.h"
#include "services/order/domain/stock_reservations.h"

namespace seckill::order::app {

// One activity's books: the ledger (Redis, through the product service) against the orders
// (the database of record). They agree when
//   stock == remaining + reserved + sold + owed
// (sold: CREATED or PAID units; owed: cancelled units not yet returned). drift = stock minus the
// right-hand side: positive means units went missing (they can no longer sell), negative means
// more is accounted than exists (an oversell risk).
struct StockReport {
  uint64_t activity_id = 0;
  bool found = false;
  int64_t stock = 0, remaining = 0, reserved = 0, sold = 0, owed = 0, queued = 0;
  int64_t drift = 0;
  bool repaired = false;
  std::string note;  // why a repair was not made, when asked for
};

// Checks, and on request repairs, the stock books of one activity. A repair moves `remaining`
// by the drift, only when nothing is in flight (nothing reserved or queued) and only if
// `remaining` is still what was read (a compare-and-set), so a sale racing the repair makes it
// refuse rather than miscount. A coroutine: it awaits the ledger and the repository.
class ReconcileStock {
 public:
  ReconcileStock(domain::OrderRepository& repository, domain::StockReservations& reservations,
                 domain::QueuedOrders& queued)
      : repository_(repository), reservations_(reservations), queued_(queued) {}

  boost::asio::awaitable<absl::StatusOr<StockReport>> operator()(uint64_t activity_id,
                                                                 bool repair) const;

 private:
  domain::OrderRepository& repository_;
  domain::StockReservations& reservations_;
  domain::QueuedOrders& queued_;
};

}  // namespace seckill::order::app
