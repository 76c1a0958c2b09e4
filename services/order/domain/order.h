#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
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
  // Where the work on it now sits in its trace (a W3C traceparent; empty: none): the parent of
  // the spans of what is done for it. Carried, never stored.
  std::string traceparent;
};

inline constexpr int64_t kMaxQuantity = 1000;

// Where an instance's node id (its part of every order id) comes from: fixed by configuration,
// or leased (through service discovery) so that no two live instances hold the same one.
// nullopt while the instance holds none (its lease lapsed): it must then mint no id, since
// another instance may hold its last one. Thread-safe.
class NodeIdSource {
 public:
  virtual ~NodeIdSource() = default;
  virtual std::optional<uint16_t> Current() const = 0;
};

// A node id set by configuration (order.node_id): unique only if the operator made it so.
class FixedNodeId final : public NodeIdSource {
 public:
  explicit FixedNodeId(uint16_t node_id) : node_id_(node_id) {}
  std::optional<uint16_t> Current() const override { return node_id_; }

 private:
  uint16_t node_id_;
};

// Unique 63-bit order ids, roughly time-ordered: 41 bits of milliseconds since 2024-01-01, 10
// bits of node id, 12 bits of sequence. Never blocks: when a millisecond's sequence runs out
// it borrows the next millisecond. Ids are unique per node as long as the node's clock does not
// step back across a restart by more than the restart takes, and across nodes as long as no two
// hold the same node id at once (NodeIdSource). Thread-safe.
class OrderIdGenerator {
 public:
  // `nodes` outlives the generator; every id it answers must be at most kMaxNodeId.
  OrderIdGenerator(const base::Clock& clock, const NodeIdSource& nodes);
  // nullopt while the node id source has none.
  std::optional<uint64_t> Next();

  static constexpr int64_t kEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
  static constexpr uint16_t kMaxNodeId = 1023;

 private:
  const base::Clock& clock_;
  const NodeIdSource& nodes_;
  std::mutex mu_;
  int64_t last_ms_ = 0;
  uint64_t sequence_ = 0;
};

}  // namespace seckill::order::domain
