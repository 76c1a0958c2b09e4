#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "libs/base/async.h"
#include "services/order/domain/order.h"

namespace seckill::order::domain {

// The orders accepted (answered QUEUED) whose rows are not committed yet, shared by every order
// instance: whichever instance a buyer's poll reaches shows the order at once, and stock
// reconciliation counts it as in flight wherever it was accepted and whoever records it.
//
// An order is added before its message is published (so it is counted before any consumer can
// confirm it) and removed once its row is committed or its publish failed. An entry whose
// instance stopped between the two (killed before publishing) is found by AddedBefore: the order
// service's sweep records it (app::SweepOrders). An entry nobody removes counts for `ttl` after it
// was added, then is forgotten. Errors: UNAVAILABLE, DEADLINE_EXCEEDED (the change may have
// happened), INTERNAL.
class QueuedOrders {
 public:
  virtual ~QueuedOrders() = default;
  virtual base::AsyncStatus Add(const Order& order) = 0;
  // Removing an order that is not there is not an error.
  virtual base::AsyncStatus Remove(const std::vector<Order>& orders) = 0;
  // The buyer's queued order `order_id`; nullopt when not queued or another buyer's.
  virtual base::Async<std::optional<Order>> Find(uint64_t order_id, uint64_t user_id) = 0;
  virtual base::Async<std::vector<Order>> ForUser(uint64_t user_id) = 0;
  virtual base::Async<int64_t> CountForActivity(uint64_t activity_id) = 0;
  // The live entries added before `before_ms`, of every buyer and activity, oldest first, at
  // most `limit`.
  virtual base::Async<std::vector<Order>> AddedBefore(int64_t before_ms, size_t limit) = 0;
};

}  // namespace seckill::order::domain
