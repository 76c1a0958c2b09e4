#include "services/order/app/sweep_orders.h"

#include "libs/base/await.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

SweepOrders::SweepOrders(const CancelOrder& cancel, const ReconcileStock& reconcile,
                         domain::OrderRepository& repository, const base::Clock& clock,
                         base::Metrics& metrics)
    : cancel_(cancel), reconcile_(reconcile), repository_(repository), clock_(clock) {
  metrics.AddCollector("seckill_order_stock_drift_units",
                       "Each recent sale's stock minus the units its books account for (remaining, "
                       "reserved, sold, owed) at the last sweep, nothing in flight; 0 is healthy",
                       base::Metrics::Type::kGauge, [this] {
                         std::lock_guard lock(mu_);
                         return drift_;
                       });
}

boost::asio::awaitable<void> SweepOrders::operator()() {
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
  std::vector<base::Sample> drift;
  for (uint64_t activity : *active) {
    auto reconciling = reconcile_(activity, /*repair=*/false);
    absl::StatusOr<StockReport> report = co_await std::move(reconciling);
    // With orders in flight the books are between two steps: no figure rather than a false one.
    if (!report.ok() || report->reserved != 0 || report->queued != 0) continue;
    drift.push_back({{{"activity", std::to_string(activity)}}, static_cast<double>(report->drift)});
    if (report->drift != 0) {
      spdlog::warn(
          "reconciliation: activity {} drifts by {} (stock {}, remaining {}, sold {}, owed {}); "
          "repair with POST /admin/v1/activities/{}/reconcile {{\"repair\":true}}",
          activity, report->drift, report->stock, report->remaining, report->sold, report->owed,
          activity);
    }
  }
  std::lock_guard lock(mu_);
  drift_ = std::move(drift);
}

}  // namespace seckill::order::app
