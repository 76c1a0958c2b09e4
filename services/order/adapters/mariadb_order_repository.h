#pragma once

#include "libs/mysql/pool.h"
#include "services/order/domain/order_repository.h"

namespace seckill::order::adapters {

// OrderRepository on the `orders` table. The primary key is the order id, so a replayed
// message collides and is reported as ALREADY_EXISTS. Thread-safe.
class MariaDbOrderRepository final : public domain::OrderRepository {
 public:
  explicit MariaDbOrderRepository(mysql::Pool& pool) : pool_(pool) {}

  absl::Status Insert(const domain::Order& order, int64_t now_ms) override;
  // One multi-row INSERT in autocommit: InnoDB rolls the whole statement back on any error.
  absl::Status InsertAll(const std::vector<domain::Order>& orders, int64_t now_ms) override;
  absl::StatusOr<std::optional<domain::Order>> Find(uint64_t order_id) override;
  absl::StatusOr<std::vector<domain::Order>> ListByUser(uint64_t user_id, int limit) override;
  absl::StatusOr<domain::PayOutcome> MarkPaid(uint64_t order_id, uint64_t user_id,
                                              int64_t now_ms) override;
  absl::StatusOr<std::map<domain::OrderStatus, int64_t>> CountByStatus(
      uint64_t activity_id) override;
  absl::StatusOr<domain::CancelOutcome> MarkCancelled(uint64_t order_id,
                                                      std::optional<uint64_t> user_id,
                                                      int64_t now_ms) override;
  absl::Status MarkStockReturned(uint64_t order_id) override;
  absl::StatusOr<domain::SoldUnits> UnitsOf(uint64_t activity_id) override;
  absl::Status RecordDeadLetter(const domain::DeadLetter& letter) override;
  absl::StatusOr<std::vector<domain::DeadLetter>> ListDeadLetters(int limit) override;
  absl::StatusOr<std::optional<domain::DeadLetter>> FindDeadLetter(uint64_t id) override;
  absl::Status MarkDeadLetterReplayed(uint64_t id, int64_t now_ms) override;
  absl::StatusOr<bool> ReviveFailedOrder(uint64_t order_id, int64_t now_ms) override;
  absl::StatusOr<std::vector<uint64_t>> ActivitiesWithOrdersSince(int64_t since_ms) override;
  absl::StatusOr<std::vector<domain::Order>> ListUnpaidBefore(int64_t created_before_ms,
                                                              int limit) override;
  absl::StatusOr<std::vector<domain::Order>> ListCancelledAwaitingStock(int limit) override;

 private:
  mysql::Pool& pool_;
};

}  // namespace seckill::order::adapters
