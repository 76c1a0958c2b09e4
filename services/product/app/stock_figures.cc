#include "services/product/app/stock_figures.h"

#include <string>

#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::product::app {

StockFigures::StockFigures(domain::Catalog& catalog, domain::StockLedger& ledger,
                           const base::Clock& clock, base::Metrics& metrics)
    : catalog_(catalog), ledger_(ledger), clock_(clock) {
  metrics.AddCollector(
      "seckill_activity_stock_units",
      "Units of each current sale by state: remaining (on sale), reserved (held by an order not "
      "yet recorded), sold (confirmed); read from the ledger every second",
      base::Metrics::Type::kGauge, [this] {
        std::lock_guard lock(mu_);
        return samples_;
      });
}

boost::asio::awaitable<void> StockFigures::Refresh() {
  auto listing = catalog_.ListActivities(kActivities);
  absl::StatusOr<std::vector<domain::Activity>> activities = co_await std::move(listing);
  if (!activities.ok()) {
    spdlog::warn("stock figures not refreshed: {}", base::Message(activities.status()));
    co_return;
  }
  const int64_t now = clock_.NowMs();
  std::vector<base::Sample> samples;
  for (const domain::Activity& activity : *activities) {
    if (activity.terms.end_at_ms + kEndedShownMs < now) continue;
    auto reading = ledger_.Snapshot(activity.activity_id);
    absl::StatusOr<domain::StockSnapshot> stock = co_await std::move(reading);
    if (!stock.ok()) {
      spdlog::warn("stock figures not refreshed: {}", base::Message(stock.status()));
      co_return;
    }
    if (!stock->found) continue;  // not in the ledger (yet): nothing to show
    const std::string id = std::to_string(activity.activity_id);
    const int64_t sold = stock->stock - stock->remaining - stock->reserved;
    for (const auto& [state, units] :
         {std::pair{"remaining", stock->remaining}, std::pair{"reserved", stock->reserved},
          std::pair{"sold", sold}}) {
      samples.push_back({{{"activity", id}, {"state", state}}, static_cast<double>(units)});
    }
  }
  std::lock_guard lock(mu_);
  samples_ = std::move(samples);
}

}  // namespace seckill::product::app
