#pragma once

#include <string>

#include "absl/status/status.h"
#include "libs/base/async.h"
#include "services/order/domain/order.h"

namespace seckill::order::domain {

// Hands an accepted order to the durable queue; awaited (the arguments must outlive the await):
// OK once the broker has it; UNAVAILABLE when it certainly does not; DEADLINE_EXCEEDED
// when that is unknown (it may still be delivered).
class OrderEventPublisher {
 public:
  virtual ~OrderEventPublisher() = default;
  virtual base::AsyncStatus Publish(const Order& order, const std::string& traceparent) = 0;
};

}  // namespace seckill::order::domain
