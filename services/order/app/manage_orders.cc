#include "services/order/app/manage_orders.h"

#include <algorithm>
#include <set>

namespace seckill::order::app {

base::Async<domain::Order> ManageOrders::Get(uint64_t order_id, uint64_t user_id) const {
  auto finding = repository_.Find(order_id);
  const absl::StatusOr<std::optional<domain::Order>> found = co_await std::move(finding);
  if (!found.ok()) co_return found.status();
  if (found->has_value() && (*found)->user_id == user_id) co_return **found;
  if (!found->has_value()) {
    auto finding_queued = queued_.Find(order_id, user_id);
    absl::StatusOr<std::optional<domain::Order>> queued = co_await std::move(finding_queued);
    if (!queued.ok()) co_return queued.status();
    if (queued->has_value()) co_return **queued;
  }
  co_return absl::NotFoundError("order not found");
}

base::Async<std::vector<domain::Order>> ManageOrders::List(uint64_t user_id) const {
  constexpr int kLimit = 100;
  auto listing = repository_.ListByUser(user_id, kLimit);
  absl::StatusOr<std::vector<domain::Order>> orders = co_await std::move(listing);
  if (!orders.ok()) co_return orders.status();
  std::set<uint64_t> recorded;
  for (const domain::Order& o : *orders) recorded.insert(o.order_id);
  auto listing_queued = queued_.ForUser(user_id);
  absl::StatusOr<std::vector<domain::Order>> queued = co_await std::move(listing_queued);
  if (!queued.ok()) co_return queued.status();
  for (const domain::Order& o : *queued) {
    if (!recorded.contains(o.order_id)) orders->push_back(o);
  }
  std::sort(orders->begin(), orders->end(), [](const auto& a, const auto& b) {
    return a.created_at_ms != b.created_at_ms ? a.created_at_ms > b.created_at_ms
                                              : a.order_id > b.order_id;
  });
  if (orders->size() > kLimit) orders->resize(kLimit);
  co_return orders;
}

base::Async<domain::PayOutcome> ManageOrders::Pay(uint64_t order_id, uint64_t user_id) const {
  auto paying = repository_.MarkPaid(order_id, user_id, clock_.NowMs());
  const absl::StatusOr<domain::PayOutcome> outcome = co_await std::move(paying);
  if (!outcome.ok()) co_return outcome.status();
  if (*outcome == domain::PayOutcome::kNotFound) {
    auto finding_queued = queued_.Find(order_id, user_id);
    absl::StatusOr<std::optional<domain::Order>> queued = co_await std::move(finding_queued);
    if (!queued.ok()) co_return queued.status();
    if (queued->has_value()) co_return domain::PayOutcome::kNotPayable;
  }
  co_return outcome;
}

base::Async<std::map<domain::OrderStatus, int64_t>> ManageOrders::Stats(
    uint64_t activity_id) const {
  // The queued count first: an order leaves it only after its row is committed, so an order
  // recorded meanwhile is counted twice at worst (QUEUED and its row), never missed.
  auto counting_queued = queued_.CountForActivity(activity_id);
  const absl::StatusOr<int64_t> queued = co_await std::move(counting_queued);
  if (!queued.ok()) co_return queued.status();
  auto counting = repository_.CountByStatus(activity_id);
  absl::StatusOr<std::map<domain::OrderStatus, int64_t>> counts = co_await std::move(counting);
  if (!counts.ok()) co_return counts.status();
  (*counts)[domain::OrderStatus::kQueued] += *queued;
  co_return counts;
}

}  // namespace seckill::order::app
