#pragma once

#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/system_executor.hpp"
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
    Relay(
        [this, request = product::domain::ReservationRequest{r.activity_id, r.user_id, r.order_id,
                                                             r.quantity, r.idempotency_key}] {
          return ledger_.Reserve(request);
        },
        std::move(done),
        [](const product::domain::ReserveResult& res) {
          return order::domain::Reservation{res.refusal, res.duplicate, res.order_id,
                                            res.price_cents};
        });
  }
  void Release(uint64_t activity, uint64_t order,
               order::domain::Callback<order::domain::ReleaseOutcome> done) override {
    Relay([this, activity, order] { return ledger_.Release(activity, order); }, std::move(done),
          &ReleaseOf);
  }
  void Cancel(uint64_t activity, uint64_t order,
              order::domain::Callback<order::domain::ReleaseOutcome> done) override {
    Relay([this, activity, order] { return ledger_.Cancel(activity, order); }, std::move(done),
          &ReleaseOf);
  }
  void Confirm(std::vector<order::domain::ReservationRef> refs,
               order::domain::Callback<std::vector<order::domain::ConfirmOutcome>> done) override {
    using P = product::domain::ConfirmOutcome;
    using O = order::domain::ConfirmOutcome;
    auto confirm_each = [this, refs = std::move(refs)]() -> base::Async<std::vector<O>> {
      std::vector<O> outcomes;
      for (const order::domain::ReservationRef& ref : refs) {
        auto confirming = ledger_.Confirm(ref.activity_id, ref.order_id);
        absl::StatusOr<product::domain::ConfirmResult> r = co_await std::move(confirming);
        if (!r.ok()) co_return r.status();
        outcomes.push_back(r->outcome == P::kConfirmed          ? O::kConfirmed
                           : r->outcome == P::kAlreadyConfirmed ? O::kAlreadyConfirmed
                           : r->outcome == P::kReleased         ? O::kReleased
                                                                : O::kNotFound);
      }
      co_return outcomes;
    };
    Relay(std::move(confirm_each), std::move(done), [](std::vector<O> o) { return o; });
  }
  void MarkPublished(uint64_t activity, uint64_t order,
                     order::domain::Callback<bool> done) override {
    Relay([this, activity, order] { return ledger_.MarkPublished(activity, order); },
          std::move(done), [](bool marked) { return marked; });
  }
  void Revive(uint64_t activity, uint64_t order,
              order::domain::Callback<order::domain::ReviveResult> done) override {
    Relay([this, activity, order] { return ledger_.Revive(activity, order); }, std::move(done),
          [](const product::domain::ReviveResult& r) {
            using P = product::domain::ReviveOutcome;
            using O = order::domain::ReviveOutcome;
            const O outcome = r.outcome == P::kRevived       ? O::kRevived
                              : r.outcome == P::kNotReleased ? O::kNotReleased
                              : r.outcome == P::kRefused     ? O::kRefused
                                                             : O::kNotFound;
            return order::domain::ReviveResult{outcome, r.refusal};
          });
  }
  void Snapshot(uint64_t activity,
                order::domain::Callback<order::domain::LedgerSnapshot> done) override {
    Relay([this, activity] { return ledger_.Snapshot(activity); }, std::move(done),
          [](const product::domain::StockSnapshot& s) {
            return order::domain::LedgerSnapshot{s.found, s.stock, s.remaining, s.reserved};
          });
  }
  void Adjust(uint64_t activity, int64_t expected, int64_t delta,
              order::domain::Callback<order::domain::AdjustOutcome> done) override {
    Relay([this, activity, expected, delta] { return ledger_.Adjust(activity, expected, delta); },
          std::move(done),
          [](const product::domain::AdjustResult& r) {
            using P = product::domain::AdjustOutcome;
            using O = order::domain::AdjustOutcome;
            return r.outcome == P::kAdjusted   ? O::kAdjusted
                   : r.outcome == P::kChanged  ? O::kChanged
                   : r.outcome == P::kNegative ? O::kNegative
                                               : O::kNotFound;
          });
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

  // Runs the ledger operation `start()` returns and hands its result, translated by `translate`,
  // to `done`. The operation's arguments live in `start`'s captures, which co_spawn keeps until
  // it ends.
  template <class Start, class Done, class Translate>
  static void Relay(Start start, Done done, Translate translate) {
    boost::asio::co_spawn(
        boost::asio::system_executor(),
        [start = std::move(start), done = std::move(done),
         translate]() mutable -> boost::asio::awaitable<void> {
          auto operation = start();
          auto result = co_await std::move(operation);
          if (!result.ok()) {
            done(result.status());
            co_return;
          }
          done(translate(*std::move(result)));
        },
        boost::asio::detached);
  }

  product::domain::StockLedger& ledger_;
};

}  // namespace seckill::testing
