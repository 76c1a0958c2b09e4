#pragma once

#include <memory>

#include "libs/base/clock.h"
#include "libs/redis/async_client.h"
#include "services/order/domain/queued_orders.h"

namespace seckill::order::adapters {

// QueuedOrders in Redis, shared by every order instance. Keys under one hash tag (so one Redis
// Cluster node holds them all; they are few, the orders in flight):
//   {queued}:u:<user_id>      hash: order_id -> "activity|quantity|amount|created_ms|added_ms"
//   {queued}:a:<activity_id>  sorted set: order_id scored by added_ms
//   {queued}:all              sorted set: "order_id|user_id" scored by added_ms (AddedBefore)
// Add and Remove are each one EVAL (atomic); entries older than the TTL are skipped when read,
// trimmed from an activity's set on its next Add and from the set of all by AddedBefore, and the
// buyers' and activities' keys expire a TTL after their last Add. The ACL
// user needs +eval, +hget, +hgetall, +zcount, +zrangebyscore and what the scripts run (+hset,
// +hdel, +pexpire, +zadd, +zrem, +zremrangebyscore), on ~{queued}:* only.
class RedisQueuedOrders final : public domain::QueuedOrders {
 public:
  RedisQueuedOrders(std::shared_ptr<redis::AsyncClient> client, const base::Clock& clock,
                    int64_t ttl_ms = 600'000)
      : client_(std::move(client)), clock_(clock), ttl_ms_(ttl_ms) {}

  base::AsyncStatus Add(const domain::Order& order) override;
  base::AsyncStatus Remove(const std::vector<domain::Order>& orders) override;
  base::Async<std::optional<domain::Order>> Find(uint64_t order_id, uint64_t user_id) override;
  base::Async<std::vector<domain::Order>> ForUser(uint64_t user_id) override;
  base::Async<int64_t> CountForActivity(uint64_t activity_id) override;
  base::Async<std::vector<domain::Order>> AddedBefore(int64_t before_ms, size_t limit) override;

 private:
  // The reply of one command; an error reply is an error status.
  base::Async<redis::Reply> Call(std::vector<std::string> command) const;

  std::shared_ptr<redis::AsyncClient> client_;
  const base::Clock& clock_;
  const int64_t ttl_ms_;
};

}  // namespace seckill::order::adapters
