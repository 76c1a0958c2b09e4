#include "services/order/app/cancel_order.h"

#include <future>

#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

absl::StatusOr<domain::CancelOutcome> CancelOrder::CancelByBuyer(uint64_t order_id, uint64_t user_id) const {
  return Cancel(order_id, user_id);
}

absl::StatusOr<domain::CancelOutcome> CancelOrder::CancelExpired(uint64_t order_id) const {
  return Cancel(order_id, std::nullopt);
}

absl::StatusOr<domain::CancelOutcome> CancelOrder::Cancel(uint64_t order_id,
                                                          std::optional<uint64_t> user_id) const {
  auto outcome = repository_.MarkCancelled(order_id, user_id, clock_.NowMs());
  if (!outcome.ok()) return outcome.status();
  if (*outcome == domain::CancelOutcome::kNotFound) {
    // Accepted but not recorded yet: it cannot be cancelled before it exists.
    if (auto pending = pending_.Find(order_id); pending && (!user_id || pending->user_id == *user_id)) {
      return domain::CancelOutcome::kNotCancellable;
    }
    return outcome;
  }
  if (*outcome != domain::CancelOutcome::kCancelled) return outcome;
  auto order = repository_.Find(order_id);
  if (order.ok() && order->has_value()) {
    if (absl::Status returned = ReturnStock(**order); !returned.ok()) {
      spdlog::warn("order {}: cancelled, but its stock return failed ({}); the sweep retries it", order_id,
                   returned.ToString());
    }
  }
  return outcome;
}

absl::Status CancelOrder::ReturnStock(const domain::Order& order) const {
  std::promise<absl::StatusOr<domain::ReleaseOutcome>> promise;
  auto future = promise.get_future();
  reservations_.Cancel(order.activity_id, order.order_id,
                       [&promise](absl::StatusOr<domain::ReleaseOutcome> r) { promise.set_value(std::move(r)); });
  absl::StatusOr<domain::ReleaseOutcome> released = future.get();
  if (!released.ok()) return released.status();
  // Released now, or already (a retry), or unknown to the ledger (nothing to return): done.
  return repository_.MarkStockReturned(order.order_id);
}

absl::StatusOr<int> CancelOrder::SweepExpired(int limit) const {
  auto expired = repository_.ListUnpaidBefore(clock_.NowMs() - payment_timeout_ms_, limit);
  if (!expired.ok()) return expired.status();
  int cancelled = 0;
  for (const domain::Order& order : *expired) {
    auto outcome = CancelExpired(order.order_id);
    if (outcome.ok() && *outcome == domain::CancelOutcome::kCancelled) ++cancelled;
  }
  return cancelled;
}

absl::StatusOr<int> CancelOrder::RetryStockReturns(int limit) const {
  auto owed = repository_.ListCancelledAwaitingStock(limit);
  if (!owed.ok()) return owed.status();
  int returned = 0;
  for (const domain::Order& order : *owed) returned += ReturnStock(order).ok() ? 1 : 0;
  return returned;
}

}  // namespace seckill::order::app
