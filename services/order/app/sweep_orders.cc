#include "services/order/app/sweep_orders.h"

#include "libs/base/await.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

boost::asio::awaitable<void> SweepOrders::operator()() const {
  auto sweeping = cancel_.SweepExpired();
  absl::StatusOr<int> expired = co_await std::move(sweeping);
  if (expired.ok() && *expired > 0)
    spdlog::info("expiry sweep: cancelled {} unpaid orders", *expired);
  auto retrying = cancel_.RetryStockReturns();
  absl::StatusOr<int> returned = co_await std::move(retrying);
  if (returned.ok() && *returned > 0) {
    spdlog::info("expiry sweep: returned the stock of {} cancelled orders", *returned);
  }
  auto listing = repository_.ActivitiesWithOrdersSince(clock_.NowMs() - kReconcileWindowMs);
  absl::StatusOr<std::vector<uint64_t>> active = co_await std::move(listing);
  if (!active.ok()) co_return;
  for (uint64_t activity : *active) {
    auto reconciling = reconcile_(activity, /*repair=*/false);
    absl::StatusOr<StockReport> report = co_await std::move(reconciling);
    if (report.ok() && report->drift != 0 && report->reserved == 0 && report->queued == 0) {
      spdlog::warn(
          "reconciliation: activity {} drifts by {} (stock {}, remaining {}, sold {}, owed {}); "
          "repair with POST /admin/v1/activities/{}/reconcile {{\"repair\":true}}",
          activity, report->drift, report->stock, report->remaining, report->sold, report->owed,
          activity);
    }
  }
}

}  // namespace seckill::order::app
