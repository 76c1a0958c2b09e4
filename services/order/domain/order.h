#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

#include "libs/base/clock.h"

namespace seckill::order::domain {

// QUEUED: accepted (stock reserved, message confirmed by the broker), not yet in the database.
// CREATED: recorded by the consumer, awaiting payment. FAILED: accepted but its reservation was
// released before it could be recorded (stock returned).
enum class OrderStatus { kQueued, kCreated, kPaid, kCancelled, kFailed };

std::string_view StatusName(OrderStatus status);
std::optional<OrderStatus> ParseStatus(std::string_view name);

struct Order {
  uint64_t order_id = 0;
  uint64_t activity_id = 0;
  uint64_t user_id = 0;
  int64_t quantity = 0;
  int64_t amount_cents = 0;
  OrderStatus status = OrderStatus::kQueued;
  int64_t created_at_ms = 0;
};

inline constexpr int64_t kMaxQuantity = 1000;

// Unique 63-bit order ids, roughly time-ordered: 41 bits of milliseconds since 2024-01-01, 10
// bits of node id, 12 bits of sequence. Never blocks: when a millisecond's sequence runs out
// it borrows the next millisecond. Ids are unique per node as long as the node's clock does not
// step back across a restart by more than the restart takes. Thread-safe.
class OrderIdGenerator {
 public:
  OrderIdGenerator(const base::Clock& clock, uint16_t node_id);
  uint64_t Next();

  static constexpr int64_t kEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
  static constexpr uint16_t kMaxNodeId = 1023;

 private:
  const base::Clock& clock_;
  const uint64_t node_id_;
  std::mutex mu_;
  int64_t last_ms_ = 0;
  uint64_t sequence_ = 0;
};

}  // namespace seckill::order::domain
