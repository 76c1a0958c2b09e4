#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/async.h"
#include "seckill/common/v1/refusal.pb.h"
#include "services/product/domain/activity.h"

namespace seckill::product::domain {

// Why a buyer was refused: the system's one vocabulary of refusals, a plain enum generated from
// proto/seckill/common/v1/refusal.proto. The ledger decides them and every layer passes them on
// as they are, so a new refusal needs no mapping here. REFUSAL_UNSPECIFIED: not refused.
using Refusal = common::v1::Refusal;

struct ReservationRequest {
  uint64_t activity_id = 0;
  uint64_t user_id = 0;
  uint64_t order_id = 0;
  int64_t quantity = 1;         // at least 1: the caller validated it
  std::string idempotency_key;  // empty: none; any text otherwise
  std::string traceparent;      // the W3C trace context of the work it is part of; empty: none
};

struct ReserveResult {
  Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;  // unspecified: reserved
  // The idempotency key made an order before (order_id names it); nothing changed.
  bool duplicate = false;
  uint64_t order_id = 0;  // the reservation's order
  int64_t price_cents = 0;
  int64_t remaining = 0;
};

enum class ReleaseOutcome { kReleased, kAlreadyReleased, kAlreadyConfirmed, kNotFound };
struct ReleaseResult {
  ReleaseOutcome outcome = ReleaseOutcome::kNotFound;
  int64_t quantity_returned = 0;
};

// What an order's message says of its reservation: its buyer, its units and what they cost.
// Confirming checks it against the reservation first.
struct ReservationClaim {
  uint64_t order_id = 0;
  uint64_t user_id = 0;
  int64_t quantity = 0;
  int64_t amount_cents = 0;
};

// kMismatch: the claim is not the reservation's (another buyer or quantity, or an amount other
// than its units at the activity's price): the message was not made from it, nothing changed.
enum class ConfirmOutcome { kConfirmed, kAlreadyConfirmed, kReleased, kNotFound, kMismatch };
struct ConfirmResult {
  ConfirmOutcome outcome = ConfirmOutcome::kNotFound;
  int64_t quantity = 0;
};

enum class AdjustOutcome { kAdjusted, kChanged, kNegative, kActivityNotFound };
struct AdjustResult {
  AdjustOutcome outcome = AdjustOutcome::kActivityNotFound;
  int64_t remaining = 0;
};

enum class ReviveOutcome { kRevived, kNotReleased, kRefused, kNotFound };
struct ReviveResult {
  ReviveOutcome outcome = ReviveOutcome::kNotFound;
  Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;  // why, for kRefused
};

// A live order of an activity, as the database of record has it.
struct LiveOrder {
  uint64_t order_id = 0;
  uint64_t user_id = 0;
  int64_t quantity = 0;
};

struct SweepResult {
  int64_t released = 0;  // reservations
  int64_t units = 0;     // units returned
};

struct StockSnapshot {
  bool found = false;
  int64_t stock = 0;
  int64_t remaining = 0;
  int64_t reserved = 0;  // units RESERVED, neither confirmed nor released
};

// The live stock of every activity, with a reservation per order:
//   RESERVED -> CONFIRMED (the order consumer) or RESERVED -> RELEASED (compensation).
// Every operation is atomic per activity. Replays are harmless: reserving an order id twice
// reserves once, releasing twice returns stock once. Non-blocking: each operation is awaited,
// and the awaiting coroutine resumes on its own executor. Arguments passed by reference must
// outlive the await. Errors: UNAVAILABLE (store unreachable),
// DEADLINE_EXCEEDED (no answer in time: the operation may have happened), INTERNAL.
//
// Retention: each ledger is built with a retention (kKeepForever: none). Once an activity's end
// plus the retention has passed, its per-order records (reservations, idempotency keys, buyers'
// holdings) are gone, so memory stays bounded by the sales of the last retention period: an
// operation on one of its orders then answers not found (confirm: kNotFound, so a message that
// late makes a FAILED order; cancel and release: kNotFound; revive: kNotFound). Its stock
// figures (Snapshot) stay. The retention must exceed the payment timeout (an unpaid order's
// cancellation returns its units through its record) and the time an operator needs to replay
// dead letters.
class StockLedger {
 public:
  static constexpr int64_t kKeepForever = -1;

  virtual ~StockLedger() = default;
  // Creates the activity's ledger with its full stock; true when created, false when it
  // existed already (then nothing changes).
  virtual base::Async<bool> Seed(uint64_t activity_id, const ActivityTerms& terms) = 0;
  virtual base::Async<ReserveResult> Reserve(const ReservationRequest& request) = 0;
  virtual base::Async<ReleaseResult> Release(uint64_t activity_id, uint64_t order_id) = 0;
  virtual base::Async<ConfirmResult> Confirm(uint64_t activity_id,
                                             const ReservationClaim& claim) = 0;
  // The order's message is safely with the broker: its consumer (or its dead letter) will
  // resolve the reservation, so SweepStale must not release it. True when a RESERVED
  // reservation was marked; false when it was not RESERVED or does not exist.
  virtual base::Async<bool> MarkPublished(uint64_t activity_id, uint64_t order_id) = 0;

  // Many calls of one kind for one activity (every request's activity_id is `activity_id`):
  // each answered as its single call would be, in order, each atomic on its own, or one error
  // for all. A store that can answers them in one round trip (the Redis ledger: one FCALL);
  // these defaults make the single calls, one after the other.
  virtual base::Async<std::vector<ReserveResult>> ReserveMany(
      uint64_t /*activity_id*/, const std::vector<ReservationRequest>& requests) {
    auto reserve = [this](const ReservationRequest& request) { return Reserve(request); };
    return OneByOne<ReserveResult>(requests, reserve);
  }
  virtual base::Async<std::vector<ConfirmResult>> ConfirmMany(
      uint64_t activity_id, const std::vector<ReservationClaim>& claims) {
    auto confirm = [this, activity_id](const ReservationClaim& claim) {
      return Confirm(activity_id, claim);
    };
    return OneByOne<ConfirmResult>(claims, confirm);
  }
  virtual base::Async<std::vector<bool>> MarkPublishedMany(uint64_t activity_id,
                                                           const std::vector<uint64_t>& order_ids) {
    auto mark = [this, activity_id](uint64_t order_id) {
      return MarkPublished(activity_id, order_id);
    };
    return OneByOne<bool>(order_ids, mark);
  }
  // A cancelled order's units come back: CONFIRMED (or RESERVED) -> RELEASED, once. Reports
  // kReleased with the quantity, kAlreadyReleased (0), or kNotFound.
  virtual base::Async<ReleaseResult> Cancel(uint64_t activity_id, uint64_t order_id) = 0;
  virtual base::Async<StockSnapshot> Snapshot(uint64_t activity_id) = 0;
  // Repair: remaining += delta, only if remaining is still `expected_remaining` (kChanged
  // otherwise) and the result is not negative (kNegative).
  virtual base::Async<AdjustResult> Adjust(uint64_t activity_id, int64_t expected_remaining,
                                           int64_t delta) = 0;
  // Rebuilds an activity's ledger from the database of record (after Redis lost data):
  // remaining = stock minus the live orders' units; each live order a CONFIRMED reservation.
  // Answers the remaining stock.
  virtual base::Async<int64_t> Reseed(uint64_t activity_id, const ActivityTerms& terms,
                                      const std::vector<LiveOrder>& live) = 0;
  // Replay of a dead-lettered order: RELEASED -> CONFIRMED, taking its units again if they are
  // available and the buyer is within the limit (kRefused: sold out or over the limit).
  // Idempotent (a second call: kNotReleased).
  virtual base::Async<ReviveResult> Revive(uint64_t activity_id, uint64_t order_id) = 0;
  // An id of the store's running instance: it changes when the store restarts (which may have
  // lost its last writes: the recovery then gates every activity).
  virtual base::Async<std::string> InstanceId() = 0;
  // Releases reservations still RESERVED `older_than_ms` after they were made and never marked
  // published (at most `limit`): stock stranded by a service that died between reserve and
  // publish, or by a publish whose outcome never resolved.
  virtual base::Async<SweepResult> SweepStale(uint64_t activity_id, int64_t older_than_ms,
                                              int64_t limit) = 0;

 private:
  // The defaults of the *Many calls: `one(input)` awaited for each input in turn.
  template <class T, class Input, class One>
  static base::Async<std::vector<T>> OneByOne(const std::vector<Input>& inputs, One one) {
    std::vector<T> results;
    results.reserve(inputs.size());
    for (const Input& input : inputs) {
      auto asking = one(input);
      absl::StatusOr<T> result = co_await std::move(asking);
      if (!result.ok()) co_return result.status();
      results.push_back(*std::move(result));
    }
    co_return results;
  }
};

}  // namespace seckill::product::domain
