#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "libs/base/clock.h"
#include "services/order/domain/order.h"

namespace seckill::order::app {

// Orders this process accepted (answered QUEUED) that the consumer has not recorded yet, so a
// buyer can see them at once. Entries leave when recorded, or after `ttl_ms` (the database is
// the record by then). Process-local: with several order instances, another instance answers
// from the database only. Thread-safe.
class PendingOrders {
 public:
  PendingOrders(const base::Clock& clock, int64_t ttl_ms = 600'000)
      : clock_(clock), ttl_ms_(ttl_ms) {}

  void Add(const domain::Order& order);
  void Remove(uint64_t order_id);
  std::optional<domain::Order> Find(uint64_t order_id) const;
  std::vector<domain::Order> ForUser(uint64_t user_id) const;
  int64_t CountForActivity(uint64_t activity_id) const;

 private:
  struct Entry {
    domain::Order order;
    int64_t added_at_ms;
  };
  void ExpireLocked(int64_t now_ms);

  const base::Clock& clock_;
  const int64_t ttl_ms_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Entry> entries_;
  int64_t next_expiry_check_ms_ = 0;
};

}  // namespace seckill::order::app
