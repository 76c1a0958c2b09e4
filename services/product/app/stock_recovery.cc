#include "services/product/app/stock_recovery.h"

#include <utility>
#include <vector>

#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::product::app {

void StockRecovery::Known(uint64_t activity_id) {
  std::lock_guard lock(mu_);
  known_.insert(activity_id);
}

boost::asio::awaitable<void> StockRecovery::KnowCatalog() {
  auto listing = catalog_.ListActivities(1'000'000);
  const absl::StatusOr<std::vector<domain::Activity>> activities = co_await std::move(listing);
  if (!activities.ok()) {
    spdlog::warn("stock recovery: cannot read the catalog: {}", activities.status().ToString());
    co_return;
  }
  for (const domain::Activity& a : *activities) Known(a.activity_id);
}

bool StockRecovery::IsKnown(uint64_t activity_id) const {
  std::lock_guard lock(mu_);
  return known_.contains(activity_id);
}

void StockRecovery::Gate(uint64_t activity_id) {
  std::lock_guard lock(mu_);
  if (gated_since_ms_.emplace(activity_id, clock_.NowMs()).second) {
    spdlog::warn(
        "activity {}: its stock data is missing from Redis; selling stops until it is re-seeded",
        activity_id);
  }
}

void StockRecovery::GateAll() {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMs();
  for (uint64_t id : known_) gated_since_ms_.emplace(id, now);
  spdlog::warn("Redis restarted: {} activities stop selling until they are re-seeded",
               known_.size());
}

bool StockRecovery::IsGated(uint64_t activity_id) const {
  std::lock_guard lock(mu_);
  return gated_since_ms_.contains(activity_id);
}

boost::asio::awaitable<int> StockRecovery::ReseedDue() {
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
    auto finding = catalog_.FindActivity(id);
    const absl::StatusOr<std::optional<domain::Activity>> activity = co_await std::move(finding);
    auto reading = catalog_.LiveOrders(id);
    const absl::StatusOr<std::vector<domain::LiveOrder>> live = co_await std::move(reading);
    if (!activity.ok() || !live.ok() || !activity->has_value()) continue;  // retried next time
    auto reseeding = ledger_.Reseed(id, (*activity)->terms, *live);
    absl::StatusOr<int64_t> remaining = co_await std::move(reseeding);
    if (!remaining.ok()) {
      spdlog::warn("activity {}: re-seeding failed ({}); retrying", id,
                   remaining.status().ToString());
      continue;
    }
    {
      std::lock_guard lock(mu_);
      gated_since_ms_.erase(id);
    }
    spdlog::info("activity {}: re-seeded from {} live orders, {} remaining; selling again", id,
                 live->size(), *remaining);
    ++restored;
  }
  co_return restored;
}

boost::asio::awaitable<void> StockRecovery::Check() {
  auto asking = ledger_.InstanceId();
  absl::StatusOr<std::string> instance = co_await std::move(asking);
  if (instance.ok()) {
    if (!last_instance_.empty() && *instance != last_instance_) GateAll();
    last_instance_ = *std::move(instance);
  }
  auto reseeding = ReseedDue();
  co_await std::move(reseeding);
}

}  // namespace seckill::product::app
