#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/async.h"
#include "services/order/domain/order.h"

namespace seckill::order::domain {

enum class PayOutcome { kPaid, kAlreadyPaid, kNotFound, kNotPayable };
enum class CancelOutcome { kCancelled, kAlreadyCancelled, kNotFound, kNotCancellable };

// A message the order queue gave up on.
struct DeadLetter {
  uint64_t id = 0;
  std::string message_id;            // may be empty
  std::optional<uint64_t> order_id;  // when the body is an order
  std::string body;
  std::string reason;
  int64_t received_at_ms = 0;
  std::optional<int64_t> replayed_at_ms;
};

// An activity's units by what the stock ledger should show for them.
struct SoldUnits {
  int64_t live = 0;  // CREATED or PAID: sold
  int64_t owed = 0;  // CANCELLED, not yet returned to the ledger
};

// The database of record for orders. Each operation is awaited (an implementation on a blocking
// client runs it on worker threads); arguments passed by reference must outlive the await. Errors:
// UNAVAILABLE (store unreachable; retry), ABORTED (deadlock or lock timeout; retry), INTERNAL.
class OrderRepository {
 public:
  virtual ~OrderRepository() = default;
  // OK when stored; ALREADY_EXISTS when an order with this id exists (a replay: nothing changes).
  virtual base::AsyncStatus Insert(const Order& order, int64_t now_ms) = 0;
  // Stores every order or none, in one commit. ALREADY_EXISTS when one of them exists; any other
  // error as for Insert. The caller finds the culprit by inserting one at a time.
  virtual base::AsyncStatus InsertAll(const std::vector<Order>& orders, int64_t now_ms) = 0;
  virtual base::Async<std::optional<Order>> Find(uint64_t order_id) = 0;
  // The user's newest orders first, at most `limit`.
  virtual base::Async<std::vector<Order>> ListByUser(uint64_t user_id, int limit) = 0;
  // CREATED -> PAID for the owner; kNotFound also when another user owns the order.
  virtual base::Async<PayOutcome> MarkPaid(uint64_t order_id, uint64_t user_id, int64_t now_ms) = 0;
  virtual base::Async<std::map<OrderStatus, int64_t>> CountByStatus(uint64_t activity_id) = 0;
  // CREATED -> CANCELLED (a compare-and-set on the row: racing with MarkPaid, one wins). With a
  // user id, only the owner may (kNotFound for others); without, any (the payment deadline).
  virtual base::Async<CancelOutcome> MarkCancelled(uint64_t order_id,
                                                   std::optional<uint64_t> user_id,
                                                   int64_t now_ms) = 0;
  // The cancelled order's units are back in the stock ledger.
  virtual base::AsyncStatus MarkStockReturned(uint64_t order_id) = 0;
  virtual base::Async<SoldUnits> UnitsOf(uint64_t activity_id) = 0;
  // Activities with orders created since `since_ms` (for the periodic reconciliation).
  virtual base::Async<std::vector<uint64_t>> ActivitiesWithOrdersSince(int64_t since_ms) = 0;
  // Keeps a dead letter; a second one with the same non-empty message id is ignored (OK).
  virtual base::AsyncStatus RecordDeadLetter(const DeadLetter& letter) = 0;
  virtual base::Async<std::vector<DeadLetter>> ListDeadLetters(int limit) = 0;
  virtual base::Async<std::optional<DeadLetter>> FindDeadLetter(uint64_t id) = 0;
  virtual base::AsyncStatus MarkDeadLetterReplayed(uint64_t id, int64_t now_ms) = 0;
  // FAILED -> CREATED (a replayed order now holds its units again); false when not FAILED.
  virtual base::Async<bool> ReviveFailedOrder(uint64_t order_id, int64_t now_ms) = 0;
  // CREATED orders created before `created_before_ms`, oldest first.
  virtual base::Async<std::vector<Order>> ListUnpaidBefore(int64_t created_before_ms,
                                                           int limit) = 0;
  // CANCELLED orders whose units have not been returned yet.
  virtual base::Async<std::vector<Order>> ListCancelledAwaitingStock(int limit) = 0;
};

}  // namespace seckill::order::domain
