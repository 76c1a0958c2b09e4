#pragma once

#include <vector>

#include "services/order/domain/order.h"

namespace seckill::order::domain {

// Arranges for unpaid orders to be cancelled when their payment time runs out, for all the
// orders given at once (one consumer batch). Best effort: the periodic sweep
// (CancelOrder::SweepExpired) is the backstop, so a lost schedule only delays a cancellation.
// Non-blocking; thread-safe.
class PaymentDeadlines {
 public:
  virtual ~PaymentDeadlines() = default;
  virtual void Schedule(const std::vector<Order>& orders) = 0;
};

}  // namespace seckill::order::domain
