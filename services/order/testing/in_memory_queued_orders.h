#pragma once

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "libs/base/clock.h"
#include "services/order/domain/queued_orders.h"

namespace seckill::order::testing {

// QueuedOrders in one process's memory, with the Redis adapter's semantics (the contract test
// runs both); `add_errors` are returned by the next Add calls first (an unreachable store).
class InMemoryQueuedOrders final : public domain::QueuedOrders {
 public:
  explicit InMemoryQueuedOrders(const base::Clock& clock, int64_t ttl_ms = 600'000)
      : clock_(clock), ttl_ms_(ttl_ms) {}

  base::AsyncStatus Add(const domain::Order& order) override {
    std::lock_guard lock(mu_);
    if (!add_errors.empty()) {
      absl::Status error = add_errors.front();
      add_errors.pop_front();
      co_return error;
    }
    entries_[order.order_id] = Entry{order, clock_.NowMs()};
    co_return absl::OkStatus();
  }
  base::AsyncStatus Remove(const std::vector<domain::Order>& orders) override {
    std::lock_guard lock(mu_);
    for (const domain::Order& order : orders) entries_.erase(order.order_id);
    co_return absl::OkStatus();
  }
  base::Async<std::optional<domain::Order>> Find(uint64_t order_id, uint64_t user_id) override {
    std::lock_guard lock(mu_);
    auto it = entries_.find(order_id);
    if (it == entries_.end() || !Live(it->second) || it->second.order.user_id != user_id)
      co_return std::optional<domain::Order>();
    co_return std::optional<domain::Order>(it->second.order);
  }
  base::Async<std::vector<domain::Order>> ForUser(uint64_t user_id) override {
    std::lock_guard lock(mu_);
    std::vector<domain::Order> out;
    for (const auto& [id, entry] : entries_) {
      if (entry.order.user_id == user_id && Live(entry)) out.push_back(entry.order);
    }
    co_return out;
  }
  base::Async<int64_t> CountForActivity(uint64_t activity_id) override {
    std::lock_guard lock(mu_);
    int64_t count = 0;
    for (const auto& [id, entry] : entries_) {
      count += entry.order.activity_id == activity_id && Live(entry);
    }
    co_return count;
  }

  base::Async<std::vector<domain::Order>> AddedBefore(int64_t before_ms, size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<const Entry*> found;
    for (const auto& [id, entry] : entries_) {
      if (Live(entry) && entry.added_at_ms < before_ms) found.push_back(&entry);
    }
    std::ranges::sort(found, {}, &Entry::added_at_ms);
    std::vector<domain::Order> out;
    for (size_t i = 0; i < found.size() && i < limit; ++i) out.push_back(found[i]->order);
    co_return out;
  }

  std::deque<absl::Status> add_errors;

 private:
  struct Entry {
    domain::Order order;
    int64_t added_at_ms;
  };
  bool Live(const Entry& entry) const { return clock_.NowMs() - entry.added_at_ms < ttl_ms_; }

  const base::Clock& clock_;
  const int64_t ttl_ms_;
  std::mutex mu_;
  std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace seckill::order::testing
