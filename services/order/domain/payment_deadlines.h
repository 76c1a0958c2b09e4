#pragma once

#include "services/order/domain/order.h"

namespace seckill::order::domain {

// Arranges for an unpaid order to be cancelled when its payment time runs out. Best effort:
// the periodic sweep (CancelOrder::SweepExpired) is the backstop, so a lost schedule only
// delays a cancellation. Non-blocking; thread-safe.
class PaymentDeadlines {
 public:
  virtual ~PaymentDeadlines() = default;
  virtual void Schedule(const Order& order) = 0;
};

}  // namespace seckill::order::domain
