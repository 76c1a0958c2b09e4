#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "services/order/domain/order.h"

namespace seckill::order::domain {

enum class PayOutcome { kPaid, kAlreadyPaid, kNotFound, kNotPayable };
enum class CancelOutcome { kCancelled, kAlreadyCancelled, kNotFound, kNotCancellable };

// An activity's units by what the stock ledger should show for them.
struct SoldUnits {
  int64_t live = 0;  // CREATED or PAID: sold
  int64_t owed = 0;  // CANCELLED, not yet returned to the ledger
};

// The database of record for orders. Blocking: call from worker threads. Errors: UNAVAILABLE
// (store unreachable; retry), ABORTED (deadlock or lock timeout; retry), INTERNAL.
class OrderRepository {
 public:
  virtual ~OrderRepository() = default;
  // OK when stored; ALREADY_EXISTS when an order with this id exists (a replay: nothing changes).
  virtual absl::Status Insert(const Order& order, int64_t now_ms) = 0;
  virtual absl::StatusOr<std::optional<Order>> Find(uint64_t order_id) = 0;
  // The user's newest orders first, at most `limit`.
  virtual absl::StatusOr<std::vector<Order>> ListByUser(uint64_t user_id, int limit) = 0;
  // CREATED -> PAID for the owner; kNotFound also when another user owns the order.
  virtual absl::StatusOr<PayOutcome> MarkPaid(uint64_t order_id, uint64_t user_id, int64_t now_ms) = 0;
  virtual absl::StatusOr<std::map<OrderStatus, int64_t>> CountByStatus(uint64_t activity_id) = 0;
  // CREATED -> CANCELLED (a compare-and-set on the row: racing with MarkPaid, one wins). With a
  // user id, only the owner may (kNotFound for others); without, any (the payment deadline).
  virtual absl::StatusOr<CancelOutcome> MarkCancelled(uint64_t order_id, std::optional<uint64_t> user_id,
                                                      int64_t now_ms) = 0;
  // The cancelled order's units are back in the stock ledger.
  virtual absl::Status MarkStockReturned(uint64_t order_id) = 0;
  virtual absl::StatusOr<SoldUnits> UnitsOf(uint64_t activity_id) = 0;
  // Activities with orders created since `since_ms` (for the periodic reconciliation).
  virtual absl::StatusOr<std::vector<uint64_t>> ActivitiesWithOrdersSince(int64_t since_ms) = 0;
  // CREATED orders created before `created_before_ms`, oldest first.
  virtual absl::StatusOr<std::vector<Order>> ListUnpaidBefore(int64_t created_before_ms, int limit) = 0;
  // CANCELLED orders whose units have not been returned yet.
  virtual absl::StatusOr<std::vector<Order>> ListCancelledAwaitingStock(int limit) = 0;
};

}  // namespace seckill::order::domain
