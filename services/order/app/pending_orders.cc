#include "services/order/app/pending_orders.h"

namespace seckill::order::app {

void PendingOrders::Add(const domain::Order& order) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMs();
  ExpireLocked(now);
  entries_[order.order_id] = Entry{order, now};
}

void PendingOrders::Remove(uint64_t order_id) {
  std::lock_guard lock(mu_);
  entries_.erase(order_id);
}

std::optional<domain::Order> PendingOrders::Find(uint64_t order_id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(order_id);
  if (it == entries_.end() || clock_.NowMs() - it->second.added_at_ms > ttl_ms_)
    return std::nullopt;
  return it->second.order;
}

std::vector<domain::Order> PendingOrders::ForUser(uint64_t user_id) const {
  std::lock_guard lock(mu_);
  std::vector<domain::Order> out;
  for (const auto& [id, entry] : entries_) {
    if (entry.order.user_id == user_id) out.push_back(entry.order);
  }
  return out;
}

int64_t PendingOrders::CountForActivity(uint64_t activity_id) const {
  std::lock_guard lock(mu_);
  int64_t count = 0;
  for (const auto& [id, entry] : entries_) count += entry.order.activity_id == activity_id;
  return count;
}

void PendingOrders::ExpireLocked(int64_t now_ms) {
  // A full scan at most once a second keeps Add O(1) amortised.
  if (now_ms < next_expiry_check_ms_) return;
  next_expiry_check_ms_ = now_ms + 1000;
  std::erase_if(entries_, [&](const auto& kv) { return now_ms - kv.second.added_at_ms > ttl_ms_; });
}

}  // namespace seckill::order::app
