#pragma once

#include <cstdint>
#include <string>

namespace seckill::gateway::domain {

// An order as its buyer sees it, as the order service answered. The gateway only shows an
// order's status, so it keeps the order service's name for it (QUEUED, CREATED, PAID,
// CANCELLED, FAILED).
struct Order {
  uint64_t order_id = 0;
  uint64_t activity_id = 0;
  uint64_t user_id = 0;
  int64_t quantity = 0;
  int64_t amount_cents = 0;
  std::string status;
  int64_t created_at_ms = 0;
};

}  // namespace seckill::gateway::domain
