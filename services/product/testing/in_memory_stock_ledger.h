#pragma once

#include <map>
#include <mutex>
#include <string>

#include "libs/base/clock.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::testing {

// A StockLedger in process memory with the same semantics as the Redis Functions; the shared
// contract suite (stock_ledger_contract.h) runs against both. Callbacks run inline.
class InMemoryStockLedger final : public domain::StockLedger {
 public:
  explicit InMemoryStockLedger(const base::Clock& clock,
                               int64_t retention_ms = domain::StockLedger::kKeepForever)
      : clock_(clock), retention_ms_(retention_ms) {}

  base::Async<bool> Seed(uint64_t activity_id, const domain::ActivityTerms& terms) override;
  base::Async<domain::ReserveResult> Reserve(const domain::ReservationRequest& request) override;
  base::Async<domain::ReleaseResult> Release(uint64_t activity_id, uint64_t order_id) override;
  base::Async<domain::ConfirmResult> Confirm(uint64_t activity_id,
                                             const domain::ReservationClaim& claim) override;
  base::Async<domain::ReleaseResult> Cancel(uint64_t activity_id, uint64_t order_id) override;
  base::Async<bool> MarkPublished(uint64_t activity_id, uint64_t order_id) override;
  base::Async<domain::StockSnapshot> Snapshot(uint64_t activity_id) override;
  base::Async<domain::AdjustResult> Adjust(uint64_t activity_id, int64_t expected_remaining,
                                           int64_t delta) override;
  base::Async<domain::ReviveResult> Revive(uint64_t activity_id, uint64_t order_id) override;
  base::Async<int64_t> Reseed(uint64_t activity_id, const domain::ActivityTerms& terms,
                              const std::vector<domain::LiveOrder>& live) override;
  base::Async<domain::SweepResult> SweepStale(uint64_t activity_id, int64_t older_than_ms,
                                              int64_t limit) override;
  base::Async<std::string> InstanceId() override;
  // As a store restart looks to its clients: another instance id (the data stays).
  void Restart();

 private:
  enum class State { kReserved, kConfirmed, kReleased };
  struct Reservation {
    uint64_t user_id;
    int64_t quantity;
    State state;
    std::string idempotency_key;
    int64_t reserved_at_ms = 0;
    bool published = false;
  };
  struct Ledger {
    domain::ActivityTerms terms;
    int64_t remaining = 0;
    int64_t inflight = 0;
    std::map<uint64_t, int64_t> held;  // user -> units
    std::map<uint64_t, Reservation> reservations;
    std::map<std::pair<uint64_t, std::string>, uint64_t> idempotency;
  };

  // RESERVED or CONFIRMED -> RELEASED: the units go back and the buyer and key are free.
  static void ReturnUnits(Ledger& l, Reservation& res);
  // The activity's ledger (null: none), its per-order records dropped once the retention after
  // its end has passed, as Redis expires them. Call under the lock.
  Ledger* Find(uint64_t activity_id);
  // Runs fn(ledger, reservation) under the lock when both exist; false when either does not.
  template <class Fn>
  bool WithReservation(uint64_t activity_id, uint64_t order_id, Fn fn) {
    std::lock_guard lock(mu_);
    Ledger* ledger = Find(activity_id);
    if (ledger == nullptr) return false;
    auto rit = ledger->reservations.find(order_id);
    if (rit == ledger->reservations.end()) return false;
    fn(*ledger, rit->second);
    return true;
  }

  const base::Clock& clock_;
  const int64_t retention_ms_;
  int instance_ = 1;
  std::mutex mu_;
  std::map<uint64_t, Ledger> ledgers_;
};

}  // namespace seckill::product::testing
