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

OrderIdGenerator::OrderIdGenerator(const base::Clock& clock, const NodeIdSource& nodes)
    : clock_(clock), nodes_(nodes) {}

std::optional<uint64_t> OrderIdGenerator::Next() {
  const std::optional<uint16_t> node = nodes_.Current();
  if (!node) return std::nullopt;
  SECKILL_CHECK(*node <= kMaxNodeId);
  const uint64_t node_bits = *node;
  std::lock_guard lock(mu_);
  const int64_t now = std::max<int64_t>(clock_.NowMs() - kEpochMs, 0);
  if (now > last_ms_) {
    last_ms_ = now;
    sequence_ = 0;
  } else if (++sequence_ > 0xFFF) {
    ++last_ms_;  // borrow the next millisecond rather than wait for it
    sequence_ = 0;
  }
  return (static_cast<uint64_t>(last_ms_) << 22) | (node_bits << 12) | sequence_;
}

}  // namespace seckill::order::domain
