#pragma once

#include "services/order/domain/stock_reservations.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::testing {

// The order service's view of the stock (StockReservations) served straight by a product-side
// StockLedger, without the gRPC hop: lets a cross-service test run the order use cases against
// the real Redis Functions.
class LedgerBackedReservations final : public order::domain::StockReservations {
 public:
  explicit LedgerBackedReservations(product::domain::StockLedger& ledger) : ledger_(ledger) {}

  base::AsyncEach<order::domain::Reservation> Reserve(
      const std::vector<order::domain::ReserveRequest>& requests) override {
    std::vector<absl::StatusOr<order::domain::Reservation>> answers;
    for (const order::domain::ReserveRequest& r : requests) {
      const product::domain::ReservationRequest request{r.activity_id, r.user_id, r.order_id,
                                                        r.quantity, r.idempotency_key};
      auto reserving = ledger_.Reserve(request);
      const absl::StatusOr<product::domain::ReserveResult> res = co_await std::move(reserving);
      if (!res.ok()) {
        answers.push_back(res.status());
        continue;
      }
      answers.push_back(order::domain::Reservation{res->refusal, res->duplicate, res->order_id,
                                                   res->price_cents});
    }
    co_return answers;
  }
  base::Async<order::domain::ReleaseOutcome> Release(uint64_t activity, uint64_t order) override {
    auto releasing = ledger_.Release(activity, order);
    const absl::StatusOr<product::domain::ReleaseResult> r = co_await std::move(releasing);
    if (!r.ok()) co_return r.status();
    co_return ReleaseOf(*r);
  }
  base::Async<order::domain::ReleaseOutcome> Cancel(uint64_t activity, uint64_t order) override {
    auto cancelling = ledger_.Cancel(activity, order);
    const absl::StatusOr<product::domain::ReleaseResult> r = co_await std::move(cancelling);
    if (!r.ok()) co_return r.status();
    co_return ReleaseOf(*r);
  }
  base::Async<std::vector<order::domain::ConfirmOutcome>> Confirm(
      std::vector<order::domain::ReservationClaim> refs) override {
    using P = product::domain::ConfirmOutcome;
    using O = order::domain::ConfirmOutcome;
    std::vector<O> outcomes;
    for (const order::domain::ReservationClaim& ref : refs) {
      auto confirming = ledger_.Confirm(
          ref.activity_id, {ref.order_id, ref.user_id, ref.quantity, ref.amount_cents});
      const absl::StatusOr<product::domain::ConfirmResult> r = co_await std::move(confirming);
      if (!r.ok()) co_return r.status();
      outcomes.push_back(r->outcome == P::kConfirmed          ? O::kConfirmed
                         : r->outcome == P::kAlreadyConfirmed ? O::kAlreadyConfirmed
                         : r->outcome == P::kReleased         ? O::kReleased
                         : r->outcome == P::kMismatch         ? O::kMismatch
                                                              : O::kNotFound);
    }
    co_return outcomes;
  }
  base::Async<bool> MarkPublished(uint64_t activity, uint64_t order, std::string) override {
    auto marking = ledger_.MarkPublished(activity, order);
    co_return co_await std::move(marking);
  }
  base::Async<order::domain::ReviveResult> Revive(uint64_t activity, uint64_t order) override {
    using P = product::domain::ReviveOutcome;
    using O = order::domain::ReviveOutcome;
    auto reviving = ledger_.Revive(activity, order);
    const absl::StatusOr<product::domain::ReviveResult> r = co_await std::move(reviving);
    if (!r.ok()) co_return r.status();
    const O outcome = r->outcome == P::kRevived       ? O::kRevived
                      : r->outcome == P::kNotReleased ? O::kNotReleased
                      : r->outcome == P::kRefused     ? O::kRefused
                                                      : O::kNotFound;
    co_return order::domain::ReviveResult{outcome, r->refusal};
  }
  base::Async<order::domain::LedgerSnapshot> Snapshot(uint64_t activity) override {
    auto reading = ledger_.Snapshot(activity);
    const absl::StatusOr<product::domain::StockSnapshot> s = co_await std::move(reading);
    if (!s.ok()) co_return s.status();
    co_return order::domain::LedgerSnapshot{s->found, s->stock, s->remaining, s->reserved};
  }
  base::Async<order::domain::AdjustOutcome> Adjust(uint64_t activity, int64_t expected,
                                                   int64_t delta) override {
    using P = product::domain::AdjustOutcome;
    using O = order::domain::AdjustOutcome;
    auto adjusting = ledger_.Adjust(activity, expected, delta);
    const absl::StatusOr<product::domain::AdjustResult> r = co_await std::move(adjusting);
    if (!r.ok()) co_return r.status();
    co_return r->outcome == P::kAdjusted ? O::kAdjusted
    : r->outcome == P::kChanged          ? O::kChanged
    : r->outcome == P::kNegative         ? O::kNegative
                                         : O::kNotFound;
  }

 private:
  static order::domain::ReleaseOutcome ReleaseOf(const product::domain::ReleaseResult& r) {
    using P = product::domain::ReleaseOutcome;
    using O = order::domain::ReleaseOutcome;
    return r.outcome == P::kReleased           ? O::kReleased
           : r.outcome == P::kAlreadyReleased  ? O::kAlreadyReleased
           : r.outcome == P::kAlreadyConfirmed ? O::kAlreadyConfirmed
                                               : O::kNotFound;
  }

  product::domain::StockLedger& ledger_;
};

}  // namespace seckill::testing
