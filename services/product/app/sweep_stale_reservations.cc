#include "services/product/app/sweep_stale_reservations.h"

#include "libs/base/await.h"
#include "spdlog/spdlog.h"

namespace seckill::product::app {

boost::asio::awaitable<int64_t> SweepStaleReservations::operator()() const {
  auto listing = catalog_.ListActivities(kActivities);
  absl::StatusOr<std::vector<domain::Activity>> activities = co_await std::move(listing);
  if (!activities.ok()) co_return 0;  // the next run tries again
  int64_t released = 0;
  for (const domain::Activity& a : *activities) {
    auto sweeping = ledger_.SweepStale(a.activity_id, ttl_ms_, kPerActivity);
    absl::StatusOr<domain::SweepResult> swept = co_await std::move(sweeping);
    if (!swept.ok() || swept->released == 0) continue;
    released_.Add(swept->released);
    spdlog::warn("activity {}: released {} stale reservations ({} units)", a.activity_id,
                 swept->released, swept->units);
    released += swept->released;
  }
  co_return released;
}

}  // namespace seckill::product::app
