#include "services/order/app/record_order.h"

#include <future>

#include "libs/base/counters.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

absl::StatusOr<RecordOutcome> RecordOrder::operator()(const domain::Order& order) const {
  std::promise<absl::StatusOr<domain::ConfirmOutcome>> promise;
  auto future = promise.get_future();
  reservations_.Confirm(order.activity_id, order.order_id,
                        [&promise](absl::StatusOr<domain::ConfirmOutcome> outcome) {
                          promise.set_value(std::move(outcome));
                        });
  absl::StatusOr<domain::ConfirmOutcome> confirmed = future.get();
  if (!confirmed.ok()) return confirmed.status();

  domain::Order row = order;
  switch (*confirmed) {
    case domain::ConfirmOutcome::kConfirmed:
    case domain::ConfirmOutcome::kAlreadyConfirmed:
      row.status = domain::OrderStatus::kCreated;
      break;
    case domain::ConfirmOutcome::kReleased:
      row.status = domain::OrderStatus::kFailed;
      break;
    case domain::ConfirmOutcome::kNotFound:
      // The ledger has no such reservation (stock data lost): never sell it unaccounted.
      spdlog::warn("order {}: no reservation found for it; recording it as FAILED", order.order_id);
      row.status = domain::OrderStatus::kFailed;
      break;
  }
  absl::Status inserted = repository_.Insert(row, clock_.NowMs());
  if (absl::IsAlreadyExists(inserted)) {
    pending_.Remove(order.order_id);
    return RecordOutcome::kAlreadyRecorded;
  }
  if (!inserted.ok()) return inserted;
  pending_.Remove(order.order_id);
  if (row.status == domain::OrderStatus::kFailed) {
    static base::Counter& failed = base::Counters::Process().Get(
        "seckill_order_failed_on_arrival_total",
        "Order messages whose reservation was already released (a compensated publish that arrived)");
    failed.Add();
  }
  if (deadlines_ != nullptr && row.status == domain::OrderStatus::kCreated) deadlines_->Schedule(row);
  return row.status == domain::OrderStatus::kCreated ? RecordOutcome::kRecorded
                                                     : RecordOutcome::kRecordedAsFailed;
}

}  // namespace seckill::order::app
