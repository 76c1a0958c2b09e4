#pragma once

#include <cstdint>

#include "boost/asio/awaitable.hpp"
#include "libs/base/metrics.h"
#include "services/product/domain/catalog.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::app {

// Returns stock stranded by reservations nobody resolved (an order service that died between
// reserve and publish): in the newest kActivities activities, a reservation still RESERVED
// `ttl_ms` after it was made and never marked published is released. Run every
// stock.sweep_interval_s.
class SweepStaleReservations {
 public:
  // Counts the reservations it releases into `metrics`, which must outlive it.
  SweepStaleReservations(domain::Catalog& catalog, domain::StockLedger& ledger, int64_t ttl_ms,
                         base::Metrics& metrics)
      : catalog_(catalog),
        ledger_(ledger),
        ttl_ms_(ttl_ms),
        released_(metrics.Get("seckill_product_stale_reservations_released_total",
                              "Reservations left RESERVED past the TTL (their order service died) "
                              "whose stock the sweep returned")) {}

  // Returns the reservations released.
  boost::asio::awaitable<int64_t> operator()() const;

  static constexpr int kActivities = 100;
  static constexpr int64_t kPerActivity = 1000;  // per run

 private:
  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
  const int64_t ttl_ms_;
  base::Counter& released_;
};

}  // namespace seckill::product::app
