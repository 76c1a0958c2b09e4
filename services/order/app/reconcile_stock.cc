#include "services/order/app/reconcile_stock.h"

#include <future>

#include "fmt/format.h"

namespace seckill::order::app {

absl::StatusOr<StockReport> ReconcileStock::operator()(uint64_t activity_id, bool repair) const {
  std::promise<absl::StatusOr<domain::LedgerSnapshot>> snapshot_promise;
  auto snapshot_future = snapshot_promise.get_future();
  reservations_.Snapshot(activity_id, [&](absl::StatusOr<domain::LedgerSnapshot> s) {
    snapshot_promise.set_value(std::move(s));
  });
  // The ledger first: a sale between the two reads must reserve, which the repair's
  // compare-and-set on `remaining` then notices.
  absl::StatusOr<domain::LedgerSnapshot> ledger = snapshot_future.get();
  if (!ledger.ok()) return ledger.status();
  StockReport report;
  report.activity_id = activity_id;
  report.found = ledger->found;
  if (!ledger->found) return report;
  auto units = repository_.UnitsOf(activity_id);
  if (!units.ok()) return units.status();
  report.stock = ledger->stock;
  report.remaining = ledger->remaining;
  report.reserved = ledger->reserved;
  report.sold = units->live;
  report.owed = units->owed;
  report.queued = pending_.CountForActivity(activity_id);
  report.drift = report.stock - (report.remaining + report.reserved + report.sold + report.owed);
  if (!repair || report.drift == 0) return report;
  if (report.reserved != 0 || report.queued != 0) {
    report.note = "orders are in flight; repair again once they have drained";
    return report;
  }
  std::promise<absl::StatusOr<domain::AdjustOutcome>> adjust_promise;
  auto adjust_future = adjust_promise.get_future();
  reservations_.Adjust(activity_id, report.remaining, report.drift, [&](absl::StatusOr<domain::AdjustOutcome> o) {
    adjust_promise.set_value(std::move(o));
  });
  absl::StatusOr<domain::AdjustOutcome> adjusted = adjust_future.get();
  if (!adjusted.ok()) return adjusted.status();
  switch (*adjusted) {
    case domain::AdjustOutcome::kAdjusted:
      report.repaired = true;
      report.remaining += report.drift;
      report.note = fmt::format("remaining moved by {}", report.drift);
      break;
    case domain::AdjustOutcome::kChanged:
      report.note = "the stock changed during the repair; nothing was changed, try again";
      break;
    case domain::AdjustOutcome::kNegative:
      report.note = "more units are accounted for than remain: manual review needed (oversell risk)";
      break;
    case domain::AdjustOutcome::kNotFound:
      report.note = "the ledger no longer knows this activity";
      break;
  }
  return report;
}

}  // namespace seckill::order::app
