#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/order/domain/order.h"

namespace seckill::order::domain {

// Hands an accepted order to the durable queue. `done` runs once, on any thread, and must not
// block: OK once the broker has it; UNAVAILABLE when it certainly does not; DEADLINE_EXCEEDED
// when that is unknown (it may still be delivered).
class OrderEventPublisher {
 public:
  virtual ~OrderEventPublisher() = default;
  virtual void Publish(const Order& order, const std::string& traceparent,
                       std::function<void(absl::Status)> done) = 0;
};

}  // namespace seckill::order::domain
