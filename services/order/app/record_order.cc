#include "services/order/app/record_order.h"

#include "libs/base/await.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

boost::asio::awaitable<absl::StatusOr<RecordOutcome>> RecordOrder::operator()(
    domain::Order order) const {
  std::vector<domain::Order> one;
  one.push_back(std::move(order));
  auto recording = (*this)(std::move(one));
  Results recorded = co_await std::move(recording);
  co_return std::move(recorded.front());
}

boost::asio::awaitable<RecordOrder::Results> RecordOrder::operator()(
    std::vector<domain::Order> orders) const {
  if (orders.empty()) co_return Results{};
  std::vector<domain::ReservationClaim> claims;
  claims.reserve(orders.size());
  for (const domain::Order& o : orders) {
    claims.push_back(
        {o.activity_id, o.order_id, o.user_id, o.quantity, o.amount_cents, o.traceparent});
  }
  auto confirming = reservations_.Confirm(std::move(claims));
  absl::StatusOr<std::vector<domain::ConfirmOutcome>> confirmed = co_await std::move(confirming);
  if (!confirmed.ok()) {
    if (orders.size() == 1 || base::IsTransient(confirmed.status())) {
      co_return Results(orders.size(), confirmed.status());
    }
    Results results;
    for (const domain::Order& o : orders) {
      auto recording = (*this)(o);
      results.push_back(co_await std::move(recording));
    }
    co_return results;
  }

  // An order whose reservation says otherwise, or that has none, was not made from a
  // reservation: it is refused (dead-lettered) and nothing is stored or moved for it.
  Results results(orders.size());
  std::vector<domain::Order> rows;
  std::vector<size_t> where;  // each row's order
  rows.reserve(orders.size());
  for (size_t i = 0; i < orders.size(); ++i) {
    if (absl::Status forged = Forged(orders[i], (*confirmed)[i]); !forged.ok()) {
      results[i] = forged;
      continue;
    }
    rows.push_back(RowFor(orders[i], (*confirmed)[i]));
    where.push_back(i);
  }
  auto storing = StoreAll(rows, clock_.NowMs());
  Results stored = co_await std::move(storing);
  // The new CREATED orders' payment deadlines, in one schedule.
  std::vector<domain::Order> created;
  std::vector<domain::Order> in_database;
  for (size_t j = 0; j < rows.size(); ++j) {
    if (stored[j].ok()) in_database.push_back(rows[j]);
    if (stored[j].ok() && *stored[j] == RecordOutcome::kRecorded) created.push_back(rows[j]);
    results[where[j]] = std::move(stored[j]);
  }
  if (deadlines_ != nullptr && !created.empty()) deadlines_->Schedule(created);
  auto unqueuing = queued_.Remove(in_database);
  if (absl::Status removed = co_await std::move(unqueuing); !removed.ok()) {
    // Their rows answer for them already; the entries only linger until they expire.
    spdlog::warn("{} recorded orders: removing them from the queued orders failed: {}",
                 in_database.size(), removed.ToString());
  }
  co_return results;
}

boost::asio::awaitable<RecordOrder::Results> RecordOrder::StoreAll(
    const std::vector<domain::Order>& rows, int64_t now_ms) const {
  Results results;
  results.reserve(rows.size());
  if (rows.size() > 1) {
    auto inserting = repository_.InsertAll(rows, now_ms);
    const absl::Status inserted = co_await std::move(inserting);
    if (inserted.ok()) {
      for (const domain::Order& row : rows) results.push_back(Finish(row));
      co_return results;
    }
    if (base::IsTransient(inserted)) co_return Results(rows.size(), inserted);
  }
  // One row, or a batch with a replay or a row the table refuses: each row on its own finds it.
  for (const domain::Order& row : rows) {
    auto storing = Store(row, now_ms);
    results.push_back(co_await std::move(storing));
  }
  co_return results;
}

absl::Status RecordOrder::Forged(const domain::Order& order, domain::ConfirmOutcome confirmed) {
  if (confirmed != domain::ConfirmOutcome::kMismatch) return absl::OkStatus();
  spdlog::error(
      "order {}: its message disagrees with its reservation (buyer, quantity or amount); refused "
      "as forged",
      order.order_id);
  return absl::PermissionDeniedError(
      "forged: the message's buyer, quantity or amount is not its reservation's");
}

domain::Order RecordOrder::RowFor(const domain::Order& order, domain::ConfirmOutcome confirmed) {
  domain::Order row = order;
  switch (confirmed) {
    case domain::ConfirmOutcome::kConfirmed:
    case domain::ConfirmOutcome::kAlreadyConfirmed:
      row.status = domain::OrderStatus::kCreated;
      break;
    case domain::ConfirmOutcome::kReleased:
      spdlog::warn("order {}: its reservation was released before recording; storing it as FAILED",
                   order.order_id);
      row.status = domain::OrderStatus::kFailed;
      break;
    case domain::ConfirmOutcome::kNotFound:
      // The services' own message (it is signed) whose reservation the ledger lost (Redis lost
      // data): never sold unaccounted, and its buyer, who was told it was accepted, sees FAILED.
      spdlog::warn("order {}: no reservation found for it; storing it as FAILED", order.order_id);
      row.status = domain::OrderStatus::kFailed;
      break;
    case domain::ConfirmOutcome::kMismatch:
      row.status = domain::OrderStatus::kFailed;  // Forged() refused it before
      break;
  }
  return row;
}

boost::asio::awaitable<absl::StatusOr<RecordOutcome>> RecordOrder::Store(const domain::Order& row,
                                                                         int64_t now_ms) const {
  auto inserting = repository_.Insert(row, now_ms);
  const absl::Status inserted = co_await std::move(inserting);
  if (absl::IsAlreadyExists(inserted)) co_return RecordOutcome::kAlreadyRecorded;
  if (!inserted.ok()) co_return inserted;
  co_return Finish(row);
}

RecordOutcome RecordOrder::Finish(const domain::Order& row) const {
  if (row.status == domain::OrderStatus::kFailed) {
    failed_on_arrival_.Add();
    return RecordOutcome::kRecordedAsFailed;
  }
  recorded_.Add();
  return RecordOutcome::kRecorded;
}

}  // namespace seckill::order::app
