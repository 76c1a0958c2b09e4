#pragma once

#include <map>
#include <vector>

#include "libs/base/clock.h"
#include "services/order/domain/order_repository.h"
#include "services/order/domain/queued_orders.h"

namespace seckill::order::app {

// Reading and paying orders, for their owners: coroutines that await the repository. Orders
// accepted but not yet recorded (by any instance) are reported as QUEUED.
class ManageOrders {
 public:
  ManageOrders(domain::OrderRepository& repository, domain::QueuedOrders& queued,
               const base::Clock& clock)
      : repository_(repository), queued_(queued), clock_(clock) {}

  // NOT_FOUND when there is no such order or another user owns it.
  base::Async<domain::Order> Get(uint64_t order_id, uint64_t user_id) const;
  // Newest first, at most 100.
  base::Async<std::vector<domain::Order>> List(uint64_t user_id) const;
  // A QUEUED order is not payable yet (kNotPayable); paying a PAID order again is kAlreadyPaid.
  base::Async<domain::PayOutcome> Pay(uint64_t order_id, uint64_t user_id) const;
  base::Async<std::map<domain::OrderStatus, int64_t>> Stats(uint64_t activity_id) const;

 private:
  domain::OrderRepository& repository_;
  domain::QueuedOrders& queued_;
  const base::Clock& clock_;
};

}  // namespace seckill::order::app
