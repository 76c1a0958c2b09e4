#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/async.h"
#include "seckill/common/v1/refusal.pb.h"

namespace seckill::order::domain {

// Why a buyer was refused: the system's one vocabulary of refusals
// (proto/seckill/common/v1/refusal.proto), decided by the stock owner and passed on by this
// service as it is. REFUSAL_UNSPECIFIED: not refused.
using Refusal = common::v1::Refusal;

struct ReserveRequest {
  uint64_t activity_id = 0;
  uint64_t user_id = 0;
  uint64_t order_id = 0;
  int64_t quantity = 1;  // 1 to kMaxQuantity: the caller validated it
  std::string idempotency_key;
  std::string traceparent;
};

struct Reservation {
  Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;  // unspecified: reserved
  // The idempotency key made an order before: order_id names it, and nothing was reserved now.
  bool duplicate = false;
  uint64_t order_id = 0;
  int64_t price_cents = 0;
};

// One reservation, named by its activity and the order that made it, with what the order's
// message claims of it: its buyer, its units and what they cost.
struct ReservationClaim {
  uint64_t activity_id = 0;
  uint64_t order_id = 0;
  uint64_t user_id = 0;
  int64_t quantity = 0;
  int64_t amount_cents = 0;
  std::string traceparent;  // the trace of the work that confirms it (empty: none)
};

enum class ReleaseOutcome { kReleased, kAlreadyReleased, kAlreadyConfirmed, kNotFound };
// kMismatch: the claim is not the reservation's; nothing changed.
enum class ConfirmOutcome { kConfirmed, kAlreadyConfirmed, kReleased, kNotFound, kMismatch };

struct LedgerSnapshot {
  bool found = false;
  int64_t stock = 0, remaining = 0, reserved = 0;
};
enum class AdjustOutcome { kAdjusted, kChanged, kNegative, kNotFound };
enum class ReviveOutcome { kRevived, kNotReleased, kRefused, kNotFound };
struct ReviveResult {
  ReviveOutcome outcome = ReviveOutcome::kNotFound;
  Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;  // why, for kRefused
};

// The stock owner (the product service), seen from the order service. Non-blocking: each
// operation is awaited; arguments passed by reference must outlive the await. Errors: UNAVAILABLE,
// DEADLINE_EXCEEDED (the call may have taken effect), INTERNAL.
class StockReservations {
 public:
  virtual ~StockReservations() = default;
  // Reserves for many orders in one go (the requests travel together), each on its own: one
  // may be refused or fail while the next is reserved. One answer per request, in their order.
  virtual base::AsyncEach<Reservation> Reserve(const std::vector<ReserveRequest>& requests) = 0;
  // Compensation; idempotent.
  virtual base::Async<ReleaseOutcome> Release(uint64_t activity_id, uint64_t order_id) = 0;
  // The order's message is confirmed by the broker: the stock owner's sweep of stale
  // reservations leaves this one to the consumer. Idempotent; an implementation keeps trying
  // through a short outage. If it still fails, the sweep may later release the reservation and
  // the order ends FAILED (stock returned), never oversold.
  // `traceparent`: the trace of the work that publishes it (empty: none).
  virtual base::Async<bool> MarkPublished(uint64_t activity_id, uint64_t order_id,
                                          std::string traceparent) = 0;
  // RESERVED -> CONFIRMED before recording the orders, for many reservations in one call (each
  // on its own, not one transaction), each only when its claim is the reservation's (the stock
  // owner checks it: kMismatch); idempotent. The outcomes are in the order of `reservations`.
  // An error is for the whole call; some may have been confirmed anyway.
  virtual base::Async<std::vector<ConfirmOutcome>> Confirm(
      std::vector<ReservationClaim> reservations) = 0;
  // A cancelled order's units go back (CONFIRMED or RESERVED -> RELEASED); idempotent.
  virtual base::Async<ReleaseOutcome> Cancel(uint64_t activity_id, uint64_t order_id) = 0;
  // Replay of a dead-lettered order: its released units are taken again (RELEASED ->
  // CONFIRMED) if available (kRefused: sold out or over the limit); idempotent.
  virtual base::Async<ReviveResult> Revive(uint64_t activity_id, uint64_t order_id) = 0;
  // The ledger's figures for one activity, in one consistent read.
  virtual base::Async<LedgerSnapshot> Snapshot(uint64_t activity_id) = 0;
  // remaining += delta if remaining is still `expected_remaining` and stays >= 0.
  virtual base::Async<AdjustOutcome> Adjust(uint64_t activity_id, int64_t expected_remaining,
                                            int64_t delta) = 0;
};

}  // namespace seckill::order::domain
