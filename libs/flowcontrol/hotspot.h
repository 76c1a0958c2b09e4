#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "libs/flowcontrol/rate_limiters.h"

namespace seckill::flowcontrol {

// Per-value limits (Sentinel's hotspot / param-flow rule, QPS): each value of a request
// attribute (the user, the activity, the client IP) gets its own token bucket of
// `threshold + burst` refilled at `threshold` per `duration`, or the threshold named for it in
// `specific`. At most `capacity` values are remembered: beyond that the least recently used
// (CLOCK) is evicted and counted, and comes back as a new value. Thread-safe: 64 shards, each
// with a short mutex around lookup and the bucket update.
class HotspotLimiter {
 public:
  HotspotLimiter(int64_t threshold, int64_t burst, int64_t duration_ns, size_t capacity,
                 std::map<std::string, int64_t, std::less<>> specific = {});

  LimitResult TryAcquire(std::string_view value, int64_t now_ns, int64_t n);
  void Rollback(std::string_view value, int64_t n, int64_t state_after);

  size_t size() const;
  uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }
  size_t capacity() const { return capacity_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Slot {
    std::string key;
    int64_t zero_time_ns = 0;
    bool referenced = false;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, size_t, Hash, std::equal_to<>> index;
    std::vector<Slot> slots;
    size_t hand = 0;
  };
  int64_t ThresholdFor(std::string_view value) const;
  Shard& ShardFor(std::string_view value) { return shards_[Hash{}(value) % shards_.size()]; }
  // The slot for `value`, inserting (and evicting when full) as needed. Shard lock held.
  Slot& Lookup(Shard& shard, std::string_view value, int64_t now_ns, int64_t full_ns);

  const int64_t threshold_, burst_, duration_ns_;
  const size_t capacity_;
  const size_t per_shard_;
  const std::map<std::string, int64_t, std::less<>> specific_;
  std::vector<Shard> shards_;
  std::atomic<uint64_t> evictions_{0};
};

}  // namespace seckill::flowcontrol
