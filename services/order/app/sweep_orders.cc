#include "services/order/app/sweep_orders.h"

#include <map>
#include <string>

#include "fmt/format.h"
#include "libs/base/await.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

SweepOrders::SweepOrders(const CancelOrder& cancel, const ReconcileStock& reconcile,
                         const RecordOrder& record, domain::OrderRepository& repository,
                         domain::QueuedOrders& queued, const base::Clock& clock,
                         int64_t resume_after_ms, base::Metrics& metrics)
    : cancel_(cancel),
      reconcile_(reconcile),
      record_(record),
      repository_(repository),
      queued_(queued),
      clock_(clock),
      resume_after_ms_(resume_after_ms),
      resumed_(metrics.Get("seckill_order_left_behind_recorded_total",
                           "Orders still queued after order.resume_queued_after_s that the "
                           "sweep recorded, as CREATED or FAILED: left unpublished by an "
                           "instance that stopped, or their messages that far behind")) {
  metrics.AddCollector("seckill_order_stock_drift_units",
                       "Each recent sale's stock minus the units its books account for (remaining, "
                       "reserved, sold, owed) at the last sweep, nothing in flight; 0 is healthy",
                       base::Metrics::Type::kGauge, [this] {
                         std::lock_guard lock(mu_);
                         return drift_;
                       });
}

boost::asio::awaitable<void> SweepOrders::ResumeLeftBehind() {
  auto listing = queued_.AddedBefore(clock_.NowMs() - resume_after_ms_, kResumePerRun);
  absl::StatusOr<std::vector<domain::Order>> left = co_await std::move(listing);
  if (!left.ok()) {
    spdlog::warn("sweep: listing the queued orders left behind failed: {}",
                 left.status().ToString());
    co_return;
  }
  std::map<std::string, int> outcomes;
  for (size_t at = 0; at < left->size(); at += kResumeBatch) {
    const auto from = left->begin() + static_cast<ptrdiff_t>(at);
    std::vector<domain::Order> batch(
        from, from + static_cast<ptrdiff_t>(std::min(kResumeBatch, left->size() - at)));
    auto recording = record_(std::move(batch));
    for (const absl::StatusOr<RecordOutcome>& outcome : co_await std::move(recording)) {
      if (!outcome.ok()) {
        ++outcomes[std::string(absl::StatusCodeToString(outcome.status().code()))];
        continue;
      }
      switch (*outcome) {
        case RecordOutcome::kRecorded:
          ++outcomes["CREATED"];
          resumed_.Add();
          break;
        case RecordOutcome::kRecordedAsFailed:
          ++outcomes["FAILED"];
          resumed_.Add();
          break;
        case RecordOutcome::kAlreadyRecorded:
          ++outcomes["recorded already"];
          break;
      }
    }
  }
  if (left->empty()) co_return;
  std::string tally;
  for (const auto& [outcome, count] : outcomes) {
    tally += fmt::format("{}{} {}", tally.empty() ? "" : ", ", count, outcome);
  }
  spdlog::warn(
      "sweep: {} queued orders were still not in the database {} s after they were accepted "
      "(their instance stopped before publishing them, or the consumers are that far behind); "
      "recording them: {}",
      left->size(), resume_after_ms_ / 1000, tally);
}

boost::asio::awaitable<void> SweepOrders::operator()() {
  auto resuming = ResumeLeftBehind();
  co_await std::move(resuming);
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
