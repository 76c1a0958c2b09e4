#include "services/order/app/manage_orders.h"

#include <algorithm>
#include <set>

namespace seckill::order::app {

absl::StatusOr<domain::Order> ManageOrders::Get(uint64_t order_id, uint64_t user_id) const {
  auto found = repository_.Find(order_id);
  if (!found.ok()) return found.status();
  if (found->has_value() && (*found)->user_id == user_id) return **found;
  if (!found->has_value()) {
    if (auto pending = pending_.Find(order_id); pending && pending->user_id == user_id) {
      return *pending;
    }
  }
  return absl::NotFoundError("order not found");
}

absl::StatusOr<std::vector<domain::Order>> ManageOrders::List(uint64_t user_id) const {
  constexpr int kLimit = 100;
  auto orders = repository_.ListByUser(user_id, kLimit);
  if (!orders.ok()) return orders.status();
  std::set<uint64_t> recorded;
  for (const domain::Order& o : *orders) recorded.insert(o.order_id);
  for (const domain::Order& o : pending_.ForUser(user_id)) {
    if (!recorded.contains(o.order_id)) orders->push_back(o);
  }
  std::sort(orders->begin(), orders->end(), [](const auto& a, const auto& b) {
    return a.created_at_ms != b.created_at_ms ? a.created_at_ms > b.created_at_ms
                                              : a.order_id > b.order_id;
  });
  if (orders->size() > kLimit) orders->resize(kLimit);
  return orders;
}

absl::StatusOr<domain::PayOutcome> ManageOrders::Pay(uint64_t order_id, uint64_t user_id) const {
  auto outcome = repository_.MarkPaid(order_id, user_id, clock_.NowMs());
  if (!outcome.ok()) return outcome.status();
  if (*outcome == domain::PayOutcome::kNotFound) {
    if (auto pending = pending_.Find(order_id); pending && pending->user_id == user_id) {
      return domain::PayOutcome::kNotPayable;
    }
  }
  return outcome;
}

absl::StatusOr<std::map<domain::OrderStatus, int64_t>> ManageOrders::Stats(
    uint64_t activity_id) const {
  auto counts = repository_.CountByStatus(activity_id);
  if (!counts.ok()) return counts.status();
  (*counts)[domain::OrderStatus::kQueued] += pending_.CountForActivity(activity_id);
  return counts;
}

}  // namespace seckill::order::app
