#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "services/order/domain/stock_reservations.h"

namespace seckill::order::testing {

// A scripted StockReservations: answers come from queues set by the test (default: reserved,
// released, confirmed) and every call is recorded. Each call completes without suspending.
class FakeStockReservations final : public domain::StockReservations {
 public:
  // Each request takes the next scripted answer; without one it is reserved, or, for a key
  // already used, answered as a duplicate naming the key's first order (as the ledger does).
  base::AsyncEach<domain::Reservation> Reserve(
      const std::vector<domain::ReserveRequest>& requests) override {
    std::vector<absl::StatusOr<domain::Reservation>> answers;
    {
      std::lock_guard lock(mu_);
      for (const domain::ReserveRequest& request : requests) {
        reserves.push_back(request);
        absl::StatusOr<domain::Reservation> answer =
            domain::Reservation{common::v1::REFUSAL_UNSPECIFIED, false, request.order_id, 250};
        if (!reserve_answers.empty()) {
          answer = reserve_answers.front();
          reserve_answers.pop_front();
        } else if (!request.idempotency_key.empty()) {
          auto [first, fresh] =
              first_of_key_.try_emplace(request.idempotency_key, request.order_id);
          if (!fresh)
            answer = domain::Reservation{common::v1::REFUSAL_UNSPECIFIED, true, first->second, 0};
        }
        answers.push_back(std::move(answer));
      }
      ++reserve_calls;
    }
    co_return answers;
  }
  base::Async<domain::ReleaseOutcome> Release(uint64_t, uint64_t order_id) override {
    absl::StatusOr<domain::ReleaseOutcome> answer = domain::ReleaseOutcome::kReleased;
    {
      std::lock_guard lock(mu_);
      releases.push_back(order_id);
      if (!release_answers.empty()) {
        answer = release_answers.front();
        release_answers.pop_front();
      }
    }
    co_return answer;
  }
  // One confirm_answers entry per reservation; an error entry fails the whole call, as a
  // failed RPC does.
  base::Async<std::vector<domain::ConfirmOutcome>> Confirm(
      std::vector<domain::ReservationClaim> reservations) override {
    std::vector<domain::ConfirmOutcome> outcomes;
    absl::Status failed;
    {
      std::lock_guard lock(mu_);
      ++confirm_calls;
      for (const domain::ReservationClaim& r : reservations) {
        confirms.push_back(r.order_id);
        claims.push_back(r);
        absl::StatusOr<domain::ConfirmOutcome> answer = domain::ConfirmOutcome::kConfirmed;
        if (!confirm_answers.empty()) {
          answer = confirm_answers.front();
          confirm_answers.pop_front();
        }
        if (answer.ok()) {
          outcomes.push_back(*answer);
        } else if (failed.ok()) {
          failed = answer.status();
        }
      }
    }
    if (!failed.ok()) co_return failed;
    co_return std::move(outcomes);
  }

  base::Async<bool> MarkPublished(uint64_t, uint64_t order_id, std::string) override {
    {
      std::lock_guard lock(mu_);
      marked_published.push_back(order_id);
    }
    co_return true;
  }

  base::Async<domain::ReleaseOutcome> Cancel(uint64_t, uint64_t order_id) override {
    absl::StatusOr<domain::ReleaseOutcome> answer = domain::ReleaseOutcome::kReleased;
    {
      std::lock_guard lock(mu_);
      cancels.push_back(order_id);
      if (!cancel_answers.empty()) {
        answer = cancel_answers.front();
        cancel_answers.pop_front();
      }
    }
    co_return answer;
  }

  base::Async<domain::LedgerSnapshot> Snapshot(uint64_t) override {
    domain::LedgerSnapshot answer;
    {
      std::lock_guard lock(mu_);
      answer = ledger;
    }
    co_return answer;
  }
  base::Async<domain::AdjustOutcome> Adjust(uint64_t, int64_t expected, int64_t delta) override {
    domain::AdjustOutcome outcome = domain::AdjustOutcome::kAdjusted;
    {
      std::lock_guard lock(mu_);
      if (ledger.remaining != expected) {
        outcome = domain::AdjustOutcome::kChanged;
      } else if (ledger.remaining + delta < 0) {
        outcome = domain::AdjustOutcome::kNegative;
      } else {
        ledger.remaining += delta;
      }
    }
    co_return outcome;
  }

  base::Async<domain::ReviveResult> Revive(uint64_t, uint64_t order_id) override {
    absl::StatusOr<domain::ReviveResult> answer =
        domain::ReviveResult{domain::ReviveOutcome::kRevived};
    {
      std::lock_guard lock(mu_);
      revives.push_back(order_id);
      if (!revive_answers.empty()) {
        answer = revive_answers.front();
        revive_answers.pop_front();
      }
    }
    co_return answer;
  }
  std::deque<absl::StatusOr<domain::ReviveResult>> revive_answers;
  std::vector<uint64_t> revives;

  domain::LedgerSnapshot ledger{true, 0, 0, 0};  // what Snapshot reports and Adjust changes
  std::mutex mu_;
  std::deque<absl::StatusOr<domain::ReleaseOutcome>> cancel_answers;
  std::vector<uint64_t> cancels;
  std::deque<absl::StatusOr<domain::Reservation>> reserve_answers;
  std::deque<absl::StatusOr<domain::ReleaseOutcome>> release_answers;
  std::deque<absl::StatusOr<domain::ConfirmOutcome>> confirm_answers;
  std::vector<domain::ReservationClaim> claims;  // every confirm's claim, in order
  int confirm_calls = 0;
  int reserve_calls = 0;
  std::vector<domain::ReserveRequest> reserves;
  std::vector<uint64_t> releases;
  std::vector<uint64_t> confirms;
  std::vector<uint64_t> marked_published;

 private:
  std::map<std::string, uint64_t> first_of_key_;
};

}  // namespace seckill::order::testing
