#include "services/order/adapters/mariadb_order_repository.h"

#include "libs/base/await.h"

namespace seckill::order::adapters {
namespace {

constexpr char kColumns[] =
    "SELECT id, activity_id, user_id, quantity, amount_cents, status, created_at_ms FROM orders ";

int64_t Int(const std::optional<std::string>& s) { return mysql::ColumnAs<int64_t>(s); }
uint64_t Uint(const std::optional<std::string>& s) { return mysql::ColumnAs<uint64_t>(s); }

domain::Order ToOrder(const mysql::Row& row) {
  domain::Order o;
  o.order_id = Uint(row[0]);
  o.activity_id = Uint(row[1]);
  o.user_id = Uint(row[2]);
  o.quantity = Int(row[3]);
  o.amount_cents = Int(row[4]);
  o.status = domain::ParseStatus(row[5].value_or("")).value_or(domain::OrderStatus::kFailed);
  o.created_at_ms = Int(row[6]);
  return o;
}

}  // namespace

namespace {

// One multi-row INSERT of `orders`.
absl::Status InsertRows(mysql::Pool& pool, const std::vector<domain::Order>& orders,
                        int64_t now_ms) {
  if (orders.empty()) return absl::OkStatus();
  std::string sql =
      "INSERT INTO orders (id, activity_id, user_id, quantity, amount_cents, status, "
      "created_at_ms, updated_at_ms, stock_returned) VALUES ";
  std::vector<mysql::Value> params;
  params.reserve(orders.size() * 9);
  for (size_t i = 0; i < orders.size(); ++i) {
    const domain::Order& o = orders[i];
    sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for (mysql::Value v : std::initializer_list<mysql::Value>{
             o.order_id, o.activity_id, o.user_id, o.quantity, o.amount_cents,
             std::string(domain::StatusName(o.status)), o.created_at_ms, now_ms,
             // A FAILED order's reservation was released before it was recorded.
             int64_t{o.status == domain::OrderStatus::kFailed ? 1 : 0}}) {
      params.push_back(std::move(v));
    }
  }
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  return (*conn)->Execute(sql, params).status();
}

}  // namespace

base::AsyncStatus MariaDbOrderRepository::Insert(const domain::Order& o, int64_t now_ms) {
  const std::vector<domain::Order> one{o};
  auto inserting = InsertAll(one, now_ms);
  co_return co_await std::move(inserting);
}

base::AsyncStatus MariaDbOrderRepository::InsertAll(const std::vector<domain::Order>& orders,
                                                    int64_t now_ms) {
  // The statement (its own transaction, in autocommit) as a span of each order's trace.
  std::vector<tracing::Span> spans;
  if (tracer_ != nullptr) {
    spans.reserve(orders.size());
    for (const domain::Order& o : orders) {
      spans
          .emplace_back(
              tracer_->StartSpan("INSERT orders", tracing::SpanKind::kClient, o.traceparent))
          .Set("db.system", "mariadb")
          .Set("db.operation.name", "INSERT")
          .Set("db.collection.name", "orders")
          .Set("db.operation.batch.size", static_cast<int64_t>(orders.size()))
          .Set("seckill.order_id", static_cast<int64_t>(o.order_id));
    }
  }
  auto inserting = base::Offload(
      blocking_, [this, &orders, now_ms] { return InsertRows(pool_, orders, now_ms); });
  const absl::Status inserted = co_await std::move(inserting);
  // A replay's ALREADY_EXISTS is an answer the caller expects, not a failure of the database.
  if (!inserted.ok() && !absl::IsAlreadyExists(inserted)) {
    for (tracing::Span& span : spans) span.SetError(std::string(inserted.message()));
  }
  co_return inserted;
}

base::Async<std::optional<domain::Order>> MariaDbOrderRepository::Find(uint64_t order_id) {
  return base::Offload(
      blocking_, [this, order_id]() -> absl::StatusOr<std::optional<domain::Order>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows = (*conn)->Query(std::string(kColumns) + "WHERE id = ?", {order_id});
        if (!rows.ok()) return rows.status();
        if (rows->empty()) return std::optional<domain::Order>();
        return std::optional<domain::Order>(ToOrder(rows->front()));
      });
}

base::Async<std::vector<domain::Order>> MariaDbOrderRepository::ListByUser(uint64_t user_id,
                                                                           int limit) {
  return base::Offload(
      blocking_, [this, user_id, limit]() -> absl::StatusOr<std::vector<domain::Order>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows =
            (*conn)->Query(std::string(kColumns) +
                               "WHERE user_id = ? ORDER BY created_at_ms DESC, id DESC LIMIT ?",
                           {user_id, static_cast<int64_t>(limit)});
        if (!rows.ok()) return rows.status();
        std::vector<domain::Order> out;
        for (const mysql::Row& row : *rows) out.push_back(ToOrder(row));
        return out;
      });
}

base::Async<domain::PayOutcome> MariaDbOrderRepository::MarkPaid(uint64_t order_id,
                                                                 uint64_t user_id, int64_t now_ms) {
  return base::Offload(
      blocking_, [this, order_id, user_id, now_ms]() -> absl::StatusOr<domain::PayOutcome> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto updated = (*conn)->Execute(
            "UPDATE orders SET status = 'PAID', updated_at_ms = ? "
            "WHERE id = ? AND user_id = ? AND status = 'CREATED'",
            {now_ms, order_id, user_id});
        if (!updated.ok()) return updated.status();
        if (updated->affected_rows == 1) return domain::PayOutcome::kPaid;
        auto rows = (*conn)->Query("SELECT status FROM orders WHERE id = ? AND user_id = ?",
                                   {order_id, user_id});
        if (!rows.ok()) return rows.status();
        if (rows->empty()) return domain::PayOutcome::kNotFound;
        if (rows->front()[0] == "PAID") return domain::PayOutcome::kAlreadyPaid;
        return domain::PayOutcome::kNotPayable;
      });
}

base::Async<std::map<domain::OrderStatus, int64_t>> MariaDbOrderRepository::CountByStatus(
    uint64_t activity_id) {
  return base::Offload(
      blocking_, [this, activity_id]() -> absl::StatusOr<std::map<domain::OrderStatus, int64_t>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows = (*conn)->Query(
            "SELECT status, COUNT(*) FROM orders WHERE activity_id = ? GROUP BY status",
            {activity_id});
        if (!rows.ok()) return rows.status();
        std::map<domain::OrderStatus, int64_t> counts;
        for (const mysql::Row& row : *rows) {
          if (auto status = domain::ParseStatus(row[0].value_or(""))) counts[*status] = Int(row[1]);
        }
        return counts;
      });
}

base::Async<domain::CancelOutcome> MariaDbOrderRepository::MarkCancelled(
    uint64_t order_id, std::optional<uint64_t> user_id, int64_t now_ms) {
  return base::Offload(
      blocking_, [this, order_id, user_id, now_ms]() -> absl::StatusOr<domain::CancelOutcome> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        // The owner condition is there or not: no value of the buyer's id means "anyone's".
        // Only the payment-time sweep (std::nullopt) may cancel an order it does not own.
        const std::string owner = user_id ? " AND user_id = ?" : "";
        std::vector<mysql::Value> update_args{now_ms, order_id};
        std::vector<mysql::Value> select_args{order_id};
        if (user_id) {
          update_args.emplace_back(*user_id);
          select_args.emplace_back(*user_id);
        }
        auto updated = (*conn)->Execute(
            "UPDATE orders SET status = 'CANCELLED', updated_at_ms = ? "
            "WHERE id = ? AND status = 'CREATED'" +
                owner,
            update_args);
        if (!updated.ok()) return updated.status();
        if (updated->affected_rows == 1) return domain::CancelOutcome::kCancelled;
        auto rows = (*conn)->Query("SELECT status FROM orders WHERE id = ?" + owner, select_args);
        if (!rows.ok()) return rows.status();
        if (rows->empty()) return domain::CancelOutcome::kNotFound;
        if (rows->front()[0] == "CANCELLED") return domain::CancelOutcome::kAlreadyCancelled;
        return domain::CancelOutcome::kNotCancellable;
      });
}

base::AsyncStatus MariaDbOrderRepository::MarkStockReturned(uint64_t order_id) {
  return base::Offload(blocking_, [this, order_id]() -> absl::Status {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)
        ->Execute("UPDATE orders SET stock_returned = 1 WHERE id = ?", {order_id})
        .status();
  });
}

namespace {

constexpr char kDeadLetterColumns[] =
    "SELECT id, message_id, order_id, body, reason, received_at_ms, replayed_at_ms FROM "
    "dead_letters ";

domain::DeadLetter ToDeadLetter(const mysql::Row& row) {
  domain::DeadLetter d;
  d.id = Uint(row[0]);
  d.message_id = row[1].value_or("");
  if (row[2]) d.order_id = Uint(row[2]);
  d.body = row[3].value_or("");
  d.reason = row[4].value_or("");
  d.received_at_ms = Int(row[5]);
  if (row[6]) d.replayed_at_ms = Int(row[6]);
  return d;
}

}  // namespace

base::AsyncStatus MariaDbOrderRepository::RecordDeadLetter(const domain::DeadLetter& d) {
  return base::Offload(blocking_, [this, &d]() -> absl::Status {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto result = (*conn)->Execute(
        "INSERT INTO dead_letters (message_id, order_id, body, reason, received_at_ms) VALUES (?, "
        "?, "
        "?, ?, ?)",
        {d.message_id.empty() ? mysql::Value(nullptr) : mysql::Value(d.message_id),
         d.order_id ? mysql::Value(*d.order_id) : mysql::Value(nullptr), d.body,
         d.reason.substr(0, 255), d.received_at_ms});
    if (absl::IsAlreadyExists(result.status())) return absl::OkStatus();  // redelivered dead letter
    return result.status();
  });
}

base::Async<std::vector<domain::DeadLetter>> MariaDbOrderRepository::ListDeadLetters(int limit) {
  return base::Offload(
      blocking_, [this, limit]() -> absl::StatusOr<std::vector<domain::DeadLetter>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows = (*conn)->Query(std::string(kDeadLetterColumns) + "ORDER BY id DESC LIMIT ?",
                                   {static_cast<int64_t>(limit)});
        if (!rows.ok()) return rows.status();
        std::vector<domain::DeadLetter> out;
        for (const mysql::Row& row : *rows) out.push_back(ToDeadLetter(row));
        return out;
      });
}

base::Async<std::optional<domain::DeadLetter>> MariaDbOrderRepository::FindDeadLetter(uint64_t id) {
  return base::Offload(
      blocking_, [this, id]() -> absl::StatusOr<std::optional<domain::DeadLetter>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows = (*conn)->Query(std::string(kDeadLetterColumns) + "WHERE id = ?", {id});
        if (!rows.ok()) return rows.status();
        if (rows->empty()) return std::optional<domain::DeadLetter>();
        return std::optional<domain::DeadLetter>(ToDeadLetter(rows->front()));
      });
}

base::AsyncStatus MariaDbOrderRepository::MarkDeadLetterReplayed(uint64_t id, int64_t now_ms) {
  return base::Offload(blocking_, [this, id, now_ms]() -> absl::Status {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)
        ->Execute("UPDATE dead_letters SET replayed_at_ms = ? WHERE id = ?", {now_ms, id})
        .status();
  });
}

base::Async<bool> MariaDbOrderRepository::ReviveFailedOrder(uint64_t order_id, int64_t now_ms) {
  return base::Offload(blocking_, [this, order_id, now_ms]() -> absl::StatusOr<bool> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto updated = (*conn)->Execute(
        "UPDATE orders SET status = 'CREATED', stock_returned = 0, updated_at_ms = ? WHERE id = ? "
        "AND status = 'FAILED'",
        {now_ms, order_id});
    if (!updated.ok()) return updated.status();
    return updated->affected_rows == 1;
  });
}

base::Async<domain::SoldUnits> MariaDbOrderRepository::UnitsOf(uint64_t activity_id) {
  return base::Offload(blocking_, [this, activity_id]() -> absl::StatusOr<domain::SoldUnits> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto rows = (*conn)->Query(
        "SELECT COALESCE(SUM(CASE WHEN status IN ('CREATED','PAID') THEN quantity END), 0), "
        "COALESCE(SUM(CASE WHEN status = 'CANCELLED' AND stock_returned = 0 THEN quantity END), 0) "
        "FROM orders WHERE activity_id = ?",
        {activity_id});
    if (!rows.ok()) return rows.status();
    return domain::SoldUnits{Int(rows->front()[0]), Int(rows->front()[1])};
  });
}

base::Async<std::vector<uint64_t>> MariaDbOrderRepository::ActivitiesWithOrdersSince(
    int64_t since_ms) {
  return base::Offload(blocking_, [this, since_ms]() -> absl::StatusOr<std::vector<uint64_t>> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto rows = (*conn)->Query("SELECT DISTINCT activity_id FROM orders WHERE created_at_ms >= ?",
                               {since_ms});
    if (!rows.ok()) return rows.status();
    std::vector<uint64_t> out;
    for (const mysql::Row& row : *rows) out.push_back(Uint(row[0]));
    return out;
  });
}

base::Async<std::vector<domain::Order>> MariaDbOrderRepository::ListUnpaidBefore(
    int64_t created_before_ms, int limit) {
  return base::Offload(
      blocking_, [this, created_before_ms, limit]() -> absl::StatusOr<std::vector<domain::Order>> {
        auto conn = pool_.Acquire();
        if (!conn.ok()) return conn.status();
        auto rows = (*conn)->Query(
            std::string(kColumns) +
                "WHERE status = 'CREATED' AND created_at_ms < ? ORDER BY created_at_ms LIMIT ?",
            {created_before_ms, static_cast<int64_t>(limit)});
        if (!rows.ok()) return rows.status();
        std::vector<domain::Order> out;
        for (const mysql::Row& row : *rows) out.push_back(ToOrder(row));
        return out;
      });
}

base::Async<std::vector<domain::Order>> MariaDbOrderRepository::ListCancelledAwaitingStock(
    int limit) {
  return base::Offload(blocking_, [this, limit]() -> absl::StatusOr<std::vector<domain::Order>> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto rows = (*conn)->Query(
        std::string(kColumns) +
            "WHERE status = 'CANCELLED' AND stock_returned = 0 ORDER BY updated_at_ms LIMIT ?",
        {static_cast<int64_t>(limit)});
    if (!rows.ok()) return rows.status();
    std::vector<domain::Order> out;
    for (const mysql::Row& row : *rows) out.push_back(ToOrder(row));
    return out;
  });
}

}  // namespace seckill::order::adapters
