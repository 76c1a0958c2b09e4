#include "services/order/domain/order.h"

#include <algorithm>

#include "libs/base/status.h"

namespace seckill::order::domain {

std::string_view StatusName(OrderStatus status) {
  switch (status) {
    case OrderStatus::kQueued:
      return "QUEUED";
    case OrderStatus::kCreated:
      return "CREATED";
    case OrderStatus::kPaid:
      return "PAID";
    case OrderStatus::kCancelled:
      return "CANCELLED";
    case OrderStatus::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::optional<OrderStatus> ParseStatus(std::string_view name) {
  for (OrderStatus s : {OrderStatus::kQueued, OrderStatus::kCreated, OrderStatus::kPaid,
                        OrderStatus::kCancelled, OrderStatus::kFailed}) {
    if (StatusName(s) == name) return s;
  }
  return std::nullopt;
}

OrderIdGenerator::OrderIdGenerator(const base::Clock& clock, uint16_t node_id)
    : clock_(clock), node_id_(node_id) {
  SECKILL_CHECK(node_id <= kMaxNodeId);
}

uint64_t OrderIdGenerator::Next() {
  std::lock_guard lock(mu_);
  const int64_t now = std::max<int64_t>(clock_.NowMs() - kEpochMs, 0);
  if (now > last_ms_) {
    last_ms_ = now;
    sequence_ = 0;
  } else if (++sequence_ > 0xFFF) {
    ++last_ms_;  // borrow the next millisecond rather than wait for it
    sequence_ = 0;
  }
  return (static_cast<uint64_t>(last_ms_) << 22) | (node_id_ << 12) | sequence_;
}

}  // namespace seckill::order::domain
