#pragma once

#include <mutex>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "libs/base/metrics.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/reconcile_stock.h"
#include "services/order/app/record_order.h"
#include "services/order/domain/order_repository.h"

namespace seckill::order::app {

// The order service's backstop, run every order.expiry_sweep_interval_s: records the queued
// orders an instance left behind, cancels the unpaid orders a lost payment-deadline message
// missed, retries the stock returns still owed, and reports the stock drift of every activity
// that sold in the last hour (logged, and listed as seckill_order_stock_drift_units{activity}:
// stock minus what the books account for, as of the last run; 0 is healthy); a repair is the
// operator's call (POST /admin/v1/activities/{id}/reconcile). Failures are logged and left to the
// next run.
//
// A queued order still unrecorded `resume_after_ms` after it was queued was left by an instance
// that stopped between queuing and publishing it (a live publish ends, confirmed or given up,
// within the publisher's confirm timeout, so `resume_after_ms` must exceed it): it is recorded as
// its message would have been (RecordOrder), CREATED while its reservation holds, FAILED once the
// product service's sweep has released it. Its buyer's answer was an error or none, so either is
// an outcome they may find; without this the order would show as queued, and count as stock in
// flight, until its entry expired. A message that did get out is recorded once all the same.
class SweepOrders {
 public:
  // `metrics` lists the drift from now on; this outlives its scrapes.
  SweepOrders(const CancelOrder& cancel, const ReconcileStock& reconcile, const RecordOrder& record,
              domain::OrderRepository& repository, domain::QueuedOrders& queued,
              const base::Clock& clock, int64_t resume_after_ms, base::Metrics& metrics);

  boost::asio::awaitable<void> operator()();

  static constexpr int64_t kReconcileWindowMs = 3'600'000;
  // Left-behind orders recorded per run, and per RecordOrder batch.
  static constexpr size_t kResumePerRun = 1000;
  static constexpr size_t kResumeBatch = 100;

 private:
  // Records the queued orders left behind; logs what became of them.
  boost::asio::awaitable<void> ResumeLeftBehind();

  const CancelOrder& cancel_;
  const ReconcileStock& reconcile_;
  const RecordOrder& record_;
  domain::OrderRepository& repository_;
  domain::QueuedOrders& queued_;
  const base::Clock& clock_;
  const int64_t resume_after_ms_;
  base::Counter& resumed_;
  std::mutex mu_;
  std::vector<base::Sample> drift_;  // under mu_
};

}  // namespace seckill::order::app
