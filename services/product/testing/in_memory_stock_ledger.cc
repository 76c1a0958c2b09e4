#include "services/product/testing/in_memory_stock_ledger.h"

#include <algorithm>

namespace seckill::product::testing {

using domain::ConfirmOutcome;
using domain::ReleaseOutcome;

void InMemoryStockLedger::ReturnUnits(Ledger& l, Reservation& res) {
  if (res.state == State::kReserved) l.inflight -= res.quantity;
  res.state = State::kReleased;
  l.remaining += res.quantity;
  l.held[res.user_id] -= res.quantity;
  if (!res.idempotency_key.empty()) l.idempotency.erase({res.user_id, res.idempotency_key});
}

InMemoryStockLedger::Ledger* InMemoryStockLedger::Find(uint64_t activity_id) {
  auto it = ledgers_.find(activity_id);
  if (it == ledgers_.end()) return nullptr;
  Ledger& l = it->second;
  if (retention_ms_ != kKeepForever && clock_.NowMs() >= l.terms.end_at_ms + retention_ms_) {
    l.held.clear();
    l.reservations.clear();
    l.idempotency.clear();
  }
  return &l;
}

base::Async<bool> InMemoryStockLedger::Seed(uint64_t activity_id,
                                            const domain::ActivityTerms& terms) {
  bool created = false;
  {
    std::lock_guard lock(mu_);
    if (!ledgers_.contains(activity_id)) {
      Ledger& ledger = ledgers_[activity_id];
      ledger.terms = terms;
      ledger.remaining = terms.stock;
      created = true;
    }
  }
  co_return created;
}

base::Async<domain::ReserveResult> InMemoryStockLedger::Reserve(
    const domain::ReservationRequest& r) {
  if (r.quantity < 1) co_return absl::InternalError("seckill_reserve: quantity below 1");
  domain::ReserveResult result;
  result.order_id = r.order_id;
  {
    std::lock_guard lock(mu_);
    Ledger* ledger = Find(r.activity_id);
    if (ledger == nullptr) {
      result.refusal = common::v1::REFUSAL_ACTIVITY_NOT_FOUND;
    } else {
      Ledger& l = *ledger;
      result.price_cents = l.terms.price_cents;
      const int64_t now = clock_.NowMs();
      auto idem = l.idempotency.find({r.user_id, r.idempotency_key});
      if (!r.idempotency_key.empty() && idem != l.idempotency.end()) {
        result.duplicate = true;
        result.order_id = idem->second;
      } else if (l.reservations.contains(r.order_id)) {
        // A replay: reserved already, nothing changes.
      } else if (now < l.terms.start_at_ms) {
        result.refusal = common::v1::REFUSAL_NOT_STARTED;
      } else if (now >= l.terms.end_at_ms) {
        result.refusal = common::v1::REFUSAL_ENDED;
      } else if (l.held[r.user_id] + r.quantity > l.terms.limit_per_user) {
        result.refusal = common::v1::REFUSAL_PURCHASE_LIMIT;
      } else if (l.remaining < r.quantity) {
        result.refusal = common::v1::REFUSAL_SOLD_OUT;
      } else {
        l.remaining -= r.quantity;
        l.inflight += r.quantity;
        l.held[r.user_id] += r.quantity;
        l.reservations[r.order_id] =
            Reservation{r.user_id, r.quantity, State::kReserved, r.idempotency_key, now};
        if (!r.idempotency_key.empty()) l.idempotency[{r.user_id, r.idempotency_key}] = r.order_id;
      }
      result.remaining = l.remaining;
    }
  }
  co_return result;
}

base::Async<domain::ReleaseResult> InMemoryStockLedger::Release(uint64_t activity_id,
                                                                uint64_t order_id) {
  domain::ReleaseResult result;
  WithReservation(activity_id, order_id, [&](Ledger& l, Reservation& res) {
    if (res.state == State::kReleased) {
      result.outcome = ReleaseOutcome::kAlreadyReleased;
    } else if (res.state == State::kConfirmed) {
      result.outcome = ReleaseOutcome::kAlreadyConfirmed;
    } else {
      ReturnUnits(l, res);
      result = {ReleaseOutcome::kReleased, res.quantity};
    }
  });
  co_return result;
}

base::Async<domain::ReleaseResult> InMemoryStockLedger::Cancel(uint64_t activity_id,
                                                               uint64_t order_id) {
  domain::ReleaseResult result;
  WithReservation(activity_id, order_id, [&](Ledger& l, Reservation& res) {
    if (res.state == State::kReleased) {
      result.outcome = ReleaseOutcome::kAlreadyReleased;
    } else {
      ReturnUnits(l, res);
      result = {ReleaseOutcome::kReleased, res.quantity};
    }
  });
  co_return result;
}

base::Async<domain::ConfirmResult> InMemoryStockLedger::Confirm(
    uint64_t activity_id, const domain::ReservationClaim& claim) {
  domain::ConfirmResult result;
  WithReservation(activity_id, claim.order_id, [&](Ledger& l, Reservation& res) {
    result.quantity = res.quantity;
    if (claim.user_id != res.user_id || claim.quantity != res.quantity ||
        claim.amount_cents != l.terms.price_cents * res.quantity) {
      result.outcome = ConfirmOutcome::kMismatch;
    } else if (res.state == State::kConfirmed) {
      result.outcome = ConfirmOutcome::kAlreadyConfirmed;
    } else if (res.state == State::kReleased) {
      result.outcome = ConfirmOutcome::kReleased;
    } else {
      res.state = State::kConfirmed;
      l.inflight -= res.quantity;
      result.outcome = ConfirmOutcome::kConfirmed;
    }
  });
  co_return result;
}

base::Async<domain::StockSnapshot> InMemoryStockLedger::Snapshot(uint64_t activity_id) {
  domain::StockSnapshot snapshot;
  {
    std::lock_guard lock(mu_);
    auto it = ledgers_.find(activity_id);
    if (it != ledgers_.end()) {
      snapshot = {true, it->second.terms.stock, it->second.remaining, it->second.inflight};
    }
  }
  co_return snapshot;
}

base::Async<domain::AdjustResult> InMemoryStockLedger::Adjust(uint64_t activity_id,
                                                              int64_t expected_remaining,
                                                              int64_t delta) {
  domain::AdjustResult result;
  {
    std::lock_guard lock(mu_);
    auto it = ledgers_.find(activity_id);
    if (it != ledgers_.end()) {
      Ledger& l = it->second;
      result.remaining = l.remaining;
      if (l.remaining != expected_remaining) {
        result.outcome = domain::AdjustOutcome::kChanged;
      } else if (l.remaining + delta < 0) {
        result.outcome = domain::AdjustOutcome::kNegative;
      } else {
        l.remaining += delta;
        result = {domain::AdjustOutcome::kAdjusted, l.remaining};
      }
    }
  }
  co_return result;
}

base::Async<domain::ReviveResult> InMemoryStockLedger::Revive(uint64_t activity_id,
                                                              uint64_t order_id) {
  using domain::ReviveOutcome;
  domain::ReviveResult result;
  WithReservation(activity_id, order_id, [&](Ledger& l, Reservation& res) {
    if (res.state != State::kReleased) {
      result.outcome = ReviveOutcome::kNotReleased;
    } else if (l.held[res.user_id] + res.quantity > l.terms.limit_per_user) {
      result = {ReviveOutcome::kRefused, common::v1::REFUSAL_PURCHASE_LIMIT};
    } else if (l.remaining < res.quantity) {
      result = {ReviveOutcome::kRefused, common::v1::REFUSAL_SOLD_OUT};
    } else {
      l.remaining -= res.quantity;
      l.held[res.user_id] += res.quantity;
      res.state = State::kConfirmed;
      result.outcome = ReviveOutcome::kRevived;
    }
  });
  co_return result;
}

base::Async<int64_t> InMemoryStockLedger::Reseed(uint64_t activity_id,
                                                 const domain::ActivityTerms& terms,
                                                 const std::vector<domain::LiveOrder>& live) {
  int64_t remaining = 0;
  {
    std::lock_guard lock(mu_);
    Ledger fresh;
    fresh.terms = terms;
    int64_t sold = 0;
    for (const domain::LiveOrder& o : live) {
      sold += o.quantity;
      fresh.held[o.user_id] += o.quantity;
      fresh.reservations[o.order_id] =
          Reservation{o.user_id, o.quantity, State::kConfirmed, "", clock_.NowMs()};
    }
    fresh.remaining = remaining = std::max<int64_t>(terms.stock - sold, 0);
    ledgers_[activity_id] = std::move(fresh);
  }
  co_return remaining;
}

base::Async<bool> InMemoryStockLedger::MarkPublished(uint64_t activity_id, uint64_t order_id) {
  bool marked = false;
  WithReservation(activity_id, order_id, [&](Ledger&, Reservation& res) {
    if (res.state != State::kReserved) return;
    res.published = true;
    marked = true;
  });
  co_return marked;
}

base::Async<domain::SweepResult> InMemoryStockLedger::SweepStale(uint64_t activity_id,
                                                                 int64_t older_than_ms,
                                                                 int64_t limit) {
  domain::SweepResult result;
  {
    std::lock_guard lock(mu_);
    if (Ledger* ledger = Find(activity_id); ledger != nullptr) {
      Ledger& l = *ledger;
      const int64_t cutoff = clock_.NowMs() - older_than_ms;
      for (auto& [order_id, res] : l.reservations) {
        if (result.released >= limit) break;
        if (res.state != State::kReserved || res.published || res.reserved_at_ms > cutoff) continue;
        ReturnUnits(l, res);
        ++result.released;
        result.units += res.quantity;
      }
    }
  }
  co_return result;
}

base::Async<std::string> InMemoryStockLedger::InstanceId() {
  std::string id;
  {
    std::lock_guard lock(mu_);
    id = "in-memory-" + std::to_string(instance_);
  }
  co_return std::move(id);
}

void InMemoryStockLedger::Restart() {
  std::lock_guard lock(mu_);
  ++instance_;
}

}  // namespace seckill::product::testing
