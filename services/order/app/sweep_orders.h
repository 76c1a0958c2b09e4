#pragma once

#include <mutex>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "libs/base/metrics.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/reconcile_stock.h"
#include "services/order/domain/order_repository.h"

namespace seckill::order::app {

// The order service's backstop, run every order.expiry_sweep_interval_s: cancels the unpaid
// orders a lost payment-deadline message missed, retries the stock returns still owed, and
// reports the stock drift of every activity that sold in the last hour (logged, and listed as
// seckill_order_stock_drift_units{activity}: stock minus what the books account for, as of the
// last run; 0 is healthy); a repair is the operator's call
// (POST /admin/v1/activities/{id}/reconcile). Failures are logged and left to the next run.
class SweepOrders {
 public:
  // `metrics` lists the drift from now on; this outlives its scrapes.
  SweepOrders(const CancelOrder& cancel, const ReconcileStock& reconcile,
              domain::OrderRepository& repository, const base::Clock& clock,
              base::Metrics& metrics);

  boost::asio::awaitable<void> operator()();

  // Activities that sold within this window are reconciled on each run.
  static constexpr int64_t kReconcileWindowMs = 3'600'000;

 private:
  const CancelOrder& cancel_;
  const ReconcileStock& reconcile_;
  domain::OrderRepository& repository_;
  const base::Clock& clock_;
  std::mutex mu_;
  std::vector<base::Sample> drift_;  // under mu_
};

}  // namespace seckill::order::app
