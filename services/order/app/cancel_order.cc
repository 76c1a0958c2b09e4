#include "services/order/app/cancel_order.h"

#include "libs/base/await.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

boost::asio::awaitable<CancelOrder::Outcome> CancelOrder::CancelByBuyer(uint64_t order_id,
                                                                        uint64_t user_id) const {
  auto cancelling = Cancel(order_id, user_id);
  co_return co_await std::move(cancelling);
}

boost::asio::awaitable<CancelOrder::Outcome> CancelOrder::CancelExpired(uint64_t order_id) const {
  // The message says the deadline passed; the order's own creation time decides.
  auto finding = repository_.Find(order_id);
  absl::StatusOr<std::optional<domain::Order>> order = co_await std::move(finding);
  if (!order.ok()) co_return order.status();
  if (order->has_value() && (*order)->created_at_ms + payment_timeout_ms_ > clock_.NowMs()) {
    spdlog::warn("order {}: an expiry before its payment deadline; ignored", order_id);
    co_return domain::CancelOutcome::kNotCancellable;
  }
  auto cancelling = Cancel(order_id, std::nullopt);
  co_return co_await std::move(cancelling);
}

boost::asio::awaitable<CancelOrder::Outcome> CancelOrder::Cancel(
    uint64_t order_id, std::optional<uint64_t> user_id) const {
  auto marking = repository_.MarkCancelled(order_id, user_id, clock_.NowMs());
  Outcome outcome = co_await std::move(marking);
  if (!outcome.ok()) co_return outcome;
  if (*outcome == domain::CancelOutcome::kNotFound) {
    // A buyer's order accepted but not recorded yet: it cannot be cancelled before it exists.
    // (An expiry is scheduled only once the row exists.)
    if (!user_id) co_return outcome;
    auto finding_queued = queued_.Find(order_id, *user_id);
    absl::StatusOr<std::optional<domain::Order>> queued = co_await std::move(finding_queued);
    if (!queued.ok()) co_return queued.status();
    if (queued->has_value()) co_return domain::CancelOutcome::kNotCancellable;
    co_return outcome;
  }
  if (*outcome != domain::CancelOutcome::kCancelled) co_return outcome;
  auto finding = repository_.Find(order_id);
  absl::StatusOr<std::optional<domain::Order>> order = co_await std::move(finding);
  if (order.ok() && order->has_value()) {
    auto returning = ReturnStock((*order)->activity_id, order_id);
    if (absl::Status returned = co_await std::move(returning); !returned.ok()) {
      spdlog::warn("order {}: cancelled, but its stock return failed ({}); the sweep retries it",
                   order_id, returned.ToString());
    }
  }
  co_return outcome;
}

boost::asio::awaitable<absl::Status> CancelOrder::ReturnStock(uint64_t activity_id,
                                                              uint64_t order_id) const {
  auto cancelling = reservations_.Cancel(activity_id, order_id);
  absl::StatusOr<domain::ReleaseOutcome> released = co_await std::move(cancelling);
  if (!released.ok()) co_return released.status();
  // Released now, or already (a retry), or unknown to the ledger (nothing to return): done.
  auto marking = repository_.MarkStockReturned(order_id);
  co_return co_await std::move(marking);
}

boost::asio::awaitable<absl::StatusOr<int>> CancelOrder::SweepExpired(int limit) const {
  auto listing = repository_.ListUnpaidBefore(clock_.NowMs() - payment_timeout_ms_, limit);
  absl::StatusOr<std::vector<domain::Order>> expired = co_await std::move(listing);
  if (!expired.ok()) co_return expired.status();
  int cancelled = 0;
  for (const domain::Order& order : *expired) {
    auto cancelling = CancelExpired(order.order_id);
    Outcome outcome = co_await std::move(cancelling);
    if (outcome.ok() && *outcome == domain::CancelOutcome::kCancelled) ++cancelled;
  }
  co_return cancelled;
}

boost::asio::awaitable<absl::StatusOr<int>> CancelOrder::RetryStockReturns(int limit) const {
  auto listing = repository_.ListCancelledAwaitingStock(limit);
  absl::StatusOr<std::vector<domain::Order>> owed = co_await std::move(listing);
  if (!owed.ok()) co_return owed.status();
  int returned = 0;
  for (const domain::Order& order : *owed) {
    auto returning = ReturnStock(order.activity_id, order.order_id);
    returned += (co_await std::move(returning)).ok() ? 1 : 0;
  }
  co_return returned;
}

}  // namespace seckill::order::app
