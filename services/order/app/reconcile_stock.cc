#include "services/order/app/reconcile_stock.h"

#include "fmt/format.h"
#include "libs/base/await.h"

namespace seckill::order::app {

boost::asio::awaitable<absl::StatusOr<StockReport>> ReconcileStock::operator()(uint64_t activity_id,
                                                                               bool repair) const {
  auto reading = reservations_.Snapshot(activity_id);
  // The ledger first: a sale between the two reads must reserve, which the repair's
  // compare-and-set on `remaining` then notices.
  absl::StatusOr<domain::LedgerSnapshot> ledger = co_await std::move(reading);
  if (!ledger.ok()) co_return ledger.status();
  StockReport report;
  report.activity_id = activity_id;
  report.found = ledger->found;
  if (!ledger->found) co_return report;
  // The queued count before the rows (see ManageOrders::Stats): an order recorded meanwhile
  // shows as queued, which refuses a repair, rather than as neither queued nor sold.
  auto counting_queued = queued_.CountForActivity(activity_id);
  const absl::StatusOr<int64_t> queued = co_await std::move(counting_queued);
  if (!queued.ok()) co_return queued.status();
  report.queued = *queued;
  auto counting = repository_.UnitsOf(activity_id);
  auto units = co_await std::move(counting);
  if (!units.ok()) co_return units.status();
  report.stock = ledger->stock;
  report.remaining = ledger->remaining;
  report.reserved = ledger->reserved;
  report.sold = units->live;
  report.owed = units->owed;
  report.drift = report.stock - (report.remaining + report.reserved + report.sold + report.owed);
  if (!repair || report.drift == 0) co_return report;
  if (report.reserved != 0 || report.queued != 0) {
    report.note = "orders are in flight; repair again once they have drained";
    co_return report;
  }
  auto adjusting = reservations_.Adjust(activity_id, report.remaining, report.drift);
  absl::StatusOr<domain::AdjustOutcome> adjusted = co_await std::move(adjusting);
  if (!adjusted.ok()) co_return adjusted.status();
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
      report.note =
          "more units are accounted for than remain: manual review needed (oversell risk)";
      break;
    case domain::AdjustOutcome::kNotFound:
      report.note = "the ledger no longer knows this activity";
      break;
  }
  co_return report;
}

}  // namespace seckill::order::app
