#include "libs/flowcontrol/hotspot.h"

#include <algorithm>

namespace seckill::flowcontrol {

HotspotLimiter::HotspotLimiter(int64_t threshold, int64_t burst, int64_t duration_ns,
                               size_t capacity,
                               std::map<std::string, int64_t, std::less<>> specific)
    : threshold_(threshold),
      burst_(burst),
      duration_ns_(duration_ns),
      capacity_(std::max<size_t>(capacity, 1)),
      per_shard_(std::max<size_t>(capacity_ / std::min<size_t>(64, capacity_), 1)),
      specific_(std::move(specific)),
      shards_(std::min<size_t>(64, capacity_)) {}

int64_t HotspotLimiter::ThresholdFor(std::string_view value) const {
  auto it = specific_.find(value);
  return it == specific_.end() ? threshold_ : it->second;
}

HotspotLimiter::Slot& HotspotLimiter::Lookup(Shard& shard, std::string_view value, int64_t now_ns,
                                             int64_t full_ns) {
  if (auto it = shard.index.find(value); it != shard.index.end()) {
    Slot& slot = shard.slots[it->second];
    slot.referenced = true;
    return slot;
  }
  size_t position;
  if (shard.slots.size() < per_shard_) {
    position = shard.slots.size();
    shard.slots.emplace_back();
  } else {
    // CLOCK: skip (and clear) recently used slots, evict the first that was not.
    while (shard.slots[shard.hand].referenced) {
      shard.slots[shard.hand].referenced = false;
      shard.hand = (shard.hand + 1) % shard.slots.size();
    }
    position = shard.hand;
    shard.hand = (shard.hand + 1) % shard.slots.size();
    shard.index.erase(shard.slots[position].key);
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  Slot& slot = shard.slots[position];
  slot.key.assign(value);
  slot.zero_time_ns = now_ns - full_ns;  // a new value starts with a full bucket
  slot.referenced = true;
  shard.index.emplace(slot.key, position);
  return slot;
}

LimitResult HotspotLimiter::TryAcquire(std::string_view value, int64_t now_ns, int64_t n) {
  const int64_t threshold = ThresholdFor(value);
  if (n <= 0) return {true, 0, 0, 0};
  if (threshold <= 0 || n > threshold + burst_) return {false, duration_ns_, 0, 0};
  // Whole unit costs only: a full bucket must hold exactly threshold + burst tokens however the
  // division rounds.
  const int64_t unit = CostNs(1, threshold, duration_ns_);
  const int64_t full = unit * (threshold + burst_);
  const int64_t cost = unit * n;
  Shard& shard = ShardFor(value);
  std::lock_guard lock(shard.mu);
  Slot& slot = Lookup(shard, value, now_ns, full);
  const int64_t start = std::max(slot.zero_time_ns, now_ns - full);
  const int64_t available = now_ns - start;
  if (available < cost) return {false, cost - available, 0, 0};
  slot.zero_time_ns = start + cost;
  return {true, 0, 0, slot.zero_time_ns};
}

void HotspotLimiter::Rollback(std::string_view value, int64_t n, int64_t state_after) {
  const int64_t threshold = ThresholdFor(value);
  Shard& shard = ShardFor(value);
  std::lock_guard lock(shard.mu);
  auto it = shard.index.find(value);
  if (it == shard.index.end()) return;
  Slot& slot = shard.slots[it->second];
  if (slot.zero_time_ns == state_after) slot.zero_time_ns -= CostNs(1, threshold, duration_ns_) * n;
}

size_t HotspotLimiter::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(const_cast<std::mutex&>(shard.mu));
    total += shard.slots.size();
  }
  return total;
}

}  // namespace seckill::flowcontrol
