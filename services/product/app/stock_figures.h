#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "libs/base/metrics.h"
#include "services/product/domain/catalog.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::app {

// The live stock of the sales an operator watches, for the dashboards:
// seckill_activity_stock_units{activity, state} with state remaining, reserved (held by an order
// not yet recorded) and sold (confirmed), for each of the newest kActivities activities that has
// not ended more than kEndedShownMs ago. Refresh() (every second, a periodic task) reads them
// from the catalog and the ledger; a scrape lists the last figures read, never waiting on I/O.
class StockFigures {
 public:
  static constexpr int kActivities = 50;
  static constexpr int64_t kEndedShownMs = 3'600'000;

  // `metrics` lists the figures from now on; this outlives its scrapes.
  StockFigures(domain::Catalog& catalog, domain::StockLedger& ledger, const base::Clock& clock,
               base::Metrics& metrics);

  // On failure the last figures stay (and the failure is logged).
  boost::asio::awaitable<void> Refresh();

 private:
  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
  const base::Clock& clock_;
  std::mutex mu_;
  std::vector<base::Sample> samples_;  // under mu_
};

}  // namespace seckill::product::app
