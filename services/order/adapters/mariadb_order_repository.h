#pragma once

#include "boost/asio/any_io_executor.hpp"
#include "libs/mysql/pool.h"
#include "libs/tracing/tracer.h"
#include "services/order/domain/order_repository.h"

namespace seckill::order::adapters {

// OrderRepository on the `orders` table. The primary key is the order id, so a replayed
// message collides and is reported as ALREADY_EXISTS. Thread-safe.
class MariaDbOrderRepository final : public domain::OrderRepository {
 public:
  // Runs each statement on `blocking` (MariaDB Connector/C blocks). With a `tracer`, each insert
  // is a client span (db.*) in the trace of every order it writes.
  MariaDbOrderRepository(mysql::Pool& pool, boost::asio::any_io_executor blocking,
                         tracing::Tracer* tracer = nullptr)
      : pool_(pool), blocking_(std::move(blocking)), tracer_(tracer) {}

  base::AsyncStatus Insert(const domain::Order& order, int64_t now_ms) override;
  // One multi-row INSERT in autocommit: InnoDB rolls the whole statement back on any error.
  base::AsyncStatus InsertAll(const std::vector<domain::Order>& orders, int64_t now_ms) override;
  base::Async<std::optional<domain::Order>> Find(uint64_t order_id) override;
  base::Async<std::vector<domain::Order>> ListByUser(uint64_t user_id, int limit) override;
  base::Async<domain::PayOutcome> MarkPaid(uint64_t order_id, uint64_t user_id,
                                           int64_t now_ms) override;
  base::Async<std::map<domain::OrderStatus, int64_t>> CountByStatus(uint64_t activity_id) override;
  base::Async<domain::CancelOutcome> MarkCancelled(uint64_t order_id,
                                                   std::optional<uint64_t> user_id,
                                                   int64_t now_ms) override;
  base::AsyncStatus MarkStockReturned(uint64_t order_id) override;
  base::Async<domain::SoldUnits> UnitsOf(uint64_t activity_id) override;
  base::AsyncStatus RecordDeadLetter(const domain::DeadLetter& letter) override;
  base::Async<std::vector<domain::DeadLetter>> ListDeadLetters(int limit) override;
  base::Async<std::optional<domain::DeadLetter>> FindDeadLetter(uint64_t id) override;
  base::AsyncStatus MarkDeadLetterReplayed(uint64_t id, int64_t now_ms) override;
  base::Async<bool> ReviveFailedOrder(uint64_t order_id, int64_t now_ms) override;
  base::Async<std::vector<uint64_t>> ActivitiesWithOrdersSince(int64_t since_ms) override;
  base::Async<std::vector<domain::Order>> ListUnpaidBefore(int64_t created_before_ms,
                                                           int limit) override;
  base::Async<std::vector<domain::Order>> ListCancelledAwaitingStock(int limit) override;

 private:
  mysql::Pool& pool_;
  boost::asio::any_io_executor blocking_;
  tracing::Tracer* tracer_;
};

}  // namespace seckill::order::adapters
