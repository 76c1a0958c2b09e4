#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/gather.h"
#include "seckill/common/v1/refusal.pb.h"
#include "services/product/domain/activity.h"

namespace seckill::product::domain {

template <class T>
using Callback = std::function<void(absl::StatusOr<T>)>;

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

enum class ConfirmOutcome { kConfirmed, kAlreadyConfirmed, kReleased, kNotFound };
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
// reserves once, releasing twice returns stock once. Non-blocking: callbacks run on the
// ledger's own thread and must not block. Errors: UNAVAILABLE (store unreachable),
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
  virtual void Seed(uint64_t activity_id, const ActivityTerms& terms, Callback<bool> done) = 0;
  virtual void Reserve(const ReservationRequest& request, Callback<ReserveResult> done) = 0;
  virtual void Release(uint64_t activity_id, uint64_t order_id, Callback<ReleaseResult> done) = 0;
  virtual void Confirm(uint64_t activity_id, uint64_t order_id, Callback<ConfirmResult> done) = 0;
  // The order's message is safely with the broker: its consumer (or its dead letter) will
  // resolve the reservation, so SweepStale must not release it. True when a RESERVED
  // reservation was marked; false when it was not RESERVED or does not exist.
  virtual void MarkPublished(uint64_t activity_id, uint64_t order_id, Callback<bool> done) = 0;

  // Many calls of one kind for one activity (every request's activity_id is `activity_id`):
  // each answered as its single call would be, in order, each atomic on its own, or one error
  // for all. A store that can answers them in one round trip (the Redis ledger: one FCALL);
  // these defaults make the single calls.
  virtual void ReserveMany(uint64_t /*activity_id*/,
                           const std::vector<ReservationRequest>& requests,
                           Callback<std::vector<ReserveResult>> done) {
    ForEach<ReserveResult>(
        requests,
        [&](const ReservationRequest& r, Callback<ReserveResult> slot) {
          Reserve(r, std::move(slot));
        },
        std::move(done));
  }
  virtual void ConfirmMany(uint64_t activity_id, const std::vector<uint64_t>& order_ids,
                           Callback<std::vector<ConfirmResult>> done) {
    ForEach<ConfirmResult>(
        order_ids,
        [&](uint64_t id, Callback<ConfirmResult> slot) {
          Confirm(activity_id, id, std::move(slot));
        },
        std::move(done));
  }
  virtual void MarkPublishedMany(uint64_t activity_id, const std::vector<uint64_t>& order_ids,
                                 Callback<std::vector<bool>> done) {
    ForEach<bool>(
        order_ids,
        [&](uint64_t id, Callback<bool> slot) { MarkPublished(activity_id, id, std::move(slot)); },
        std::move(done));
  }
  // A cancelled order's units come back: CONFIRMED (or RESERVED) -> RELEASED, once. Reports
  // kReleased with the quantity, kAlreadyReleased (0), or kNotFound.
  virtual void Cancel(uint64_t activity_id, uint64_t order_id, Callback<ReleaseResult> done) = 0;
  virtual void Snapshot(uint64_t activity_id, Callback<StockSnapshot> done) = 0;
  // Repair: remaining += delta, only if remaining is still `expected_remaining` (kChanged
  // otherwise) and the result is not negative (kNegative).
  virtual void Adjust(uint64_t activity_id, int64_t expected_remaining, int64_t delta,
                      Callback<AdjustResult> done) = 0;
  // Releases reservations still RESERVED `older_than_ms` after they were made and never marked
  // published (at most `limit`): stock stranded by a service that died between reserve and
  // publish, or by a publish whose outcome never resolved.
  // Rebuilds an activity's ledger from the database of record (after Redis lost data):
  // remaining = stock minus the live orders' units; each live order a CONFIRMED reservation.
  virtual void Reseed(uint64_t activity_id, const ActivityTerms& terms,
                      const std::vector<LiveOrder>& live, Callback<int64_t> done) = 0;
  // Replay of a dead-lettered order: RELEASED -> CONFIRMED, taking its units again if they are
  // available and the buyer is within the limit (kRefused: sold out or over the limit).
  // Idempotent (a second call: kNotReleased).
  virtual void Revive(uint64_t activity_id, uint64_t order_id, Callback<ReviveResult> done) = 0;
  // An id of the store's running instance: it changes when the store restarts (which may have
  // lost its last writes: the recovery then gates every activity).
  virtual void InstanceId(Callback<std::string> done) = 0;
  virtual void SweepStale(uint64_t activity_id, int64_t older_than_ms, int64_t limit,
                          Callback<SweepResult> done) = 0;

 private:
  // The defaults of the *Many calls: `one(input, slot)` for each input, joined in order.
  template <class T, class Input, class One>
  static void ForEach(const std::vector<Input>& inputs, One one, Callback<std::vector<T>> done) {
    if (inputs.empty()) return done(std::vector<T>{});
    auto gather = base::Gather<T>::Of(inputs.size(), std::move(done));
    for (size_t i = 0; i < inputs.size(); ++i) one(inputs[i], base::Gather<T>::Slot(gather, i));
  }
};

}  // namespace seckill::product::domain
