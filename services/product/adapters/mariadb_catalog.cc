#include "services/product/adapters/mariadb_catalog.h"

#include <charconv>

#include "libs/base/await.h"

namespace seckill::product::adapters {
namespace {

constexpr char kActivityColumns[] =
    "SELECT id, product_id, title, price_cents, stock, start_at_ms, end_at_ms, limit_per_user "
    "FROM activities ";

int64_t Int(const std::optional<std::string>& s) {
  int64_t v = 0;
  if (s) std::from_chars(s->data(), s->data() + s->size(), v);
  return v;
}

domain::Activity ToActivity(const mysql::Row& row) {
  domain::Activity a;
  a.activity_id = static_cast<uint64_t>(Int(row[0]));
  a.terms.product_id = static_cast<uint64_t>(Int(row[1]));
  a.terms.title = row[2].value_or("");
  a.terms.price_cents = Int(row[3]);
  a.terms.stock = Int(row[4]);
  a.terms.start_at_ms = Int(row[5]);
  a.terms.end_at_ms = Int(row[6]);
  a.terms.limit_per_user = Int(row[7]);
  return a;
}

}  // namespace

base::Async<uint64_t> MariaDbCatalog::AddProduct(const domain::Product& p) {
  return base::Offload(blocking_, [this, &p]() -> absl::StatusOr<uint64_t> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto result = (*conn)->Execute(
        "INSERT INTO products (name, description, price_cents, created_at_ms) VALUES (?, ?, ?, ?)",
        {p.name, p.description, p.price_cents, clock_.NowMs()});
    if (!result.ok()) return result.status();
    return result->last_insert_id;
  });
}

base::Async<uint64_t> MariaDbCatalog::AddActivity(const domain::ActivityTerms& t) {
  return base::Offload(blocking_, [this, &t]() -> absl::StatusOr<uint64_t> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto exists = (*conn)->Query("SELECT 1 FROM products WHERE id = ?", {t.product_id});
    if (!exists.ok()) return exists.status();
    if (exists->empty()) return absl::FailedPreconditionError("product not found");
    auto result = (*conn)->Execute(
        "INSERT INTO activities (product_id, title, price_cents, stock, start_at_ms, end_at_ms, "
        "limit_per_user, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {t.product_id, t.title, t.price_cents, t.stock, t.start_at_ms, t.end_at_ms,
         t.limit_per_user, clock_.NowMs()});
    if (!result.ok()) return result.status();
    return result->last_insert_id;
  });
}

base::Async<std::optional<domain::Activity>> MariaDbCatalog::FindActivity(uint64_t id) {
  return base::Offload(blocking_, [this, id]() -> absl::StatusOr<std::optional<domain::Activity>> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto rows = (*conn)->Query(std::string(kActivityColumns) + "WHERE id = ?", {id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return std::optional<domain::Activity>();
    return std::optional<domain::Activity>(ToActivity(rows->front()));
  });
}

base::Async<std::vector<domain::Activity>> MariaDbCatalog::ListActivities(int limit) {
  return base::Offload(blocking_, [this, limit]() -> absl::StatusOr<std::vector<domain::Activity>> {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    auto rows = (*conn)->Query(std::string(kActivityColumns) + "ORDER BY id DESC LIMIT ?",
                               {static_cast<int64_t>(limit)});
    if (!rows.ok()) return rows.status();
    std::vector<domain::Activity> out;
    out.reserve(rows->size());
    for (const mysql::Row& row : *rows) out.push_back(ToActivity(row));
    return out;
  });
}

// Reads the order service's table: the one place the product service does, for recovery only
// (the orders are the record of what was sold when Redis has lost it).
base::Async<std::vector<domain::LiveOrder>> MariaDbCatalog::LiveOrders(uint64_t activity_id) {
  return base::Offload(blocking_,
                       [this, activity_id]() -> absl::StatusOr<std::vector<domain::LiveOrder>> {
                         auto conn = pool_.Acquire();
                         if (!conn.ok()) return conn.status();
                         auto rows = (*conn)->Query(
                             "SELECT id, user_id, quantity FROM orders WHERE activity_id = ? AND "
                             "status IN ('CREATED', "
                             "'PAID')",
                             {activity_id});
                         if (!rows.ok()) return rows.status();
                         std::vector<domain::LiveOrder> out;
                         for (const mysql::Row& row : *rows) {
                           out.push_back({static_cast<uint64_t>(Int(row[0])),
                                          static_cast<uint64_t>(Int(row[1])), Int(row[2])});
                         }
                         return out;
                       });
}

}  // namespace seckill::product::adapters
