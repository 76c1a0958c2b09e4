#include "services/product/app/stock_recovery.h"

#include <future>
#include <vector>

#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::product::app {

void StockRecovery::Known(uint64_t activity_id) {
  std::lock_guard lock(mu_);
  known_.insert(activity_id);
}

bool StockRecovery::IsKnown(uint64_t activity_id) const {
  std::lock_guard lock(mu_);
  return known_.contains(activity_id);
}

void StockRecovery::Gate(uint64_t activity_id) {
  std::lock_guard lock(mu_);
  if (gated_since_ms_.emplace(activity_id, clock_.NowMs()).second) {
    spdlog::warn("activity {}: its stock data is missing from Redis; selling stops until it is re-seeded",
                 activity_id);
  }
}

void StockRecovery::GateAll() {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMs();
  for (uint64_t id : known_) gated_since_ms_.emplace(id, now);
  spdlog::warn("Redis restarted: {} activities stop selling until they are re-seeded", known_.size());
}

bool StockRecovery::IsGated(uint64_t activity_id) const {
  std::lock_guard lock(mu_);
  return gated_since_ms_.contains(activity_id);
}

int StockRecovery::ReseedDue() {
  std::vector<uint64_t> due;
  {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMs();
    for (const auto& [id, since] : gated_since_ms_) {
      if (now - since >= grace_ms_) due.push_back(id);
    }
  }
  int restored = 0;
  for (uint64_t id : due) {
    auto activity = catalog_.FindActivity(id);
    auto live = catalog_.LiveOrders(id);
    if (!activity.ok() || !live.ok() || !activity->has_value()) continue;  // retried next time
    std::promise<absl::StatusOr<int64_t>> promise;
    auto future = promise.get_future();
    ledger_.Reseed(id, (*activity)->terms, *live, [&promise](absl::StatusOr<int64_t> r) { promise.set_value(std::move(r)); });
    absl::StatusOr<int64_t> remaining = future.get();
    if (!remaining.ok()) {
      spdlog::warn("activity {}: re-seeding failed ({}); retrying", id, remaining.status().ToString());
      continue;
    }
    {
      std::lock_guard lock(mu_);
      gated_since_ms_.erase(id);
    }
    spdlog::info("activity {}: re-seeded from {} live orders, {} remaining; selling again", id, live->size(), *remaining);
    ++restored;
  }
  return restored;
}

}  // namespace seckill::product::app
