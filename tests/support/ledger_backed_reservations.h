#pragma once

#include "libs/base/gather.h"
#include "services/order/domain/stock_reservations.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::testing {

// The order service's view of the stock (StockReservations) served straight by a product-side
// StockLedger, without the gRPC hop: lets a cross-service test run the order use cases against
// the real Redis Functions.
class LedgerBackedReservations final : public order::domain::StockReservations {
 public:
  explicit LedgerBackedReservations(product::domain::StockLedger& ledger) : ledger_(ledger) {}

  void Reserve(const order::domain::ReserveRequest& r,
               order::domain::Callback<order::domain::Reservation> done) override {
    ledger_.Reserve({r.activity_id, r.user_id, r.order_id, r.quantity, r.idempotency_key},
                    [done = std::move(done)](absl::StatusOr<product::domain::ReserveResult> res) {
                      if (!res.ok()) return done(res.status());
                      done(order::domain::Reservation{res->refusal, res->duplicate, res->order_id,
                                                      res->price_cents});
                    });
  }
  void Release(uint64_t activity, uint64_t order,
               order::domain::Callback<order::domain::ReleaseOutcome> done) override {
    ledger_.Release(activity, order, Releases(std::move(done)));
  }
  void Cancel(uint64_t activity, uint64_t order,
              order::domain::Callback<order::domain::ReleaseOutcome> done) override {
    ledger_.Cancel(activity, order, Releases(std::move(done)));
  }
  void Confirm(std::vector<order::domain::ReservationRef> refs,
               order::domain::Callback<std::vector<order::domain::ConfirmOutcome>> done) override {
    using P = product::domain::ConfirmOutcome;
    using O = order::domain::ConfirmOutcome;
    using Confirms = base::Gather<product::domain::ConfirmResult>;
    auto gather = Confirms::Of(
        refs.size(),
        [done = std::move(done)](absl::StatusOr<std::vector<product::domain::ConfirmResult>> rs) {
          if (!rs.ok()) return done(rs.status());
          std::vector<O> outcomes;
          for (const product::domain::ConfirmResult& r : *rs) {
            outcomes.push_back(r.outcome == P::kConfirmed          ? O::kConfirmed
                               : r.outcome == P::kAlreadyConfirmed ? O::kAlreadyConfirmed
                               : r.outcome == P::kReleased         ? O::kReleased
                                                                   : O::kNotFound);
          }
          done(std::move(outcomes));
        });
    for (size_t i = 0; i < refs.size(); ++i) {
      ledger_.Confirm(refs[i].activity_id, refs[i].order_id, Confirms::Slot(gather, i));
    }
  }
  void MarkPublished(uint64_t activity, uint64_t order,
                     order::domain::Callback<bool> done) override {
    ledger_.MarkPublished(activity, order, std::move(done));
  }
  void Revive(uint64_t activity, uint64_t order,
              order::domain::Callback<order::domain::ReviveResult> done) override {
    ledger_.Revive(activity, order,
                   [done = std::move(done)](absl::StatusOr<product::domain::ReviveResult> r) {
                     if (!r.ok()) return done(r.status());
                     using P = product::domain::ReviveOutcome;
                     using O = order::domain::ReviveOutcome;
                     O outcome = O::kNotFound;
                     switch (r->outcome) {
                       case P::kRevived:
                         outcome = O::kRevived;
                         break;
                       case P::kNotReleased:
                         outcome = O::kNotReleased;
                         break;
                       case P::kRefused:
                         outcome = O::kRefused;
                         break;
                       case P::kNotFound:
                         break;
                     }
                     done(order::domain::ReviveResult{outcome, r->refusal});
                   });
  }
  void Snapshot(uint64_t activity,
                order::domain::Callback<order::domain::LedgerSnapshot> done) override {
    ledger_.Snapshot(
        activity, [done = std::move(done)](absl::StatusOr<product::domain::StockSnapshot> s) {
          if (!s.ok()) return done(s.status());
          done(order::domain::LedgerSnapshot{s->found, s->stock, s->remaining, s->reserved});
        });
  }
  void Adjust(uint64_t activity, int64_t expected, int64_t delta,
              order::domain::Callback<order::domain::AdjustOutcome> done) override {
    ledger_.Adjust(activity, expected, delta,
                   [done = std::move(done)](absl::StatusOr<product::domain::AdjustResult> r) {
                     if (!r.ok()) return done(r.status());
                     using P = product::domain::AdjustOutcome;
                     using O = order::domain::AdjustOutcome;
                     switch (r->outcome) {
                       case P::kAdjusted:
                         return done(O::kAdjusted);
                       case P::kChanged:
                         return done(O::kChanged);
                       case P::kNegative:
                         return done(O::kNegative);
                       case P::kActivityNotFound:
                         return done(O::kNotFound);
                     }
                   });
  }

 private:
  static product::domain::Callback<product::domain::ReleaseResult> Releases(
      order::domain::Callback<order::domain::ReleaseOutcome> done) {
    return [done = std::move(done)](absl::StatusOr<product::domain::ReleaseResult> r) {
      if (!r.ok()) return done(r.status());
      using P = product::domain::ReleaseOutcome;
      using O = order::domain::ReleaseOutcome;
      switch (r->outcome) {
        case P::kReleased:
          return done(O::kReleased);
        case P::kAlreadyReleased:
          return done(O::kAlreadyReleased);
        case P::kAlreadyConfirmed:
          return done(O::kAlreadyConfirmed);
        case P::kNotFound:
          return done(O::kNotFound);
      }
    };
  }

  product::domain::StockLedger& ledger_;
};

}  // namespace seckill::testing
