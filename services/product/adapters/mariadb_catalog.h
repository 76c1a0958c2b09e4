#pragma once

#include "libs/base/clock.h"
#include "libs/mysql/pool.h"
#include "services/product/domain/catalog.h"

namespace seckill::product::adapters {

// Catalog on the `products` and `activities` tables (sql/migrations). Thread-safe.
class MariaDbCatalog final : public domain::Catalog {
 public:
  MariaDbCatalog(mysql::Pool& pool, const base::Clock& clock) : pool_(pool), clock_(clock) {}

  absl::StatusOr<uint64_t> AddProduct(const domain::Product& product) override;
  absl::StatusOr<uint64_t> AddActivity(const domain::ActivityTerms& terms) override;
  absl::StatusOr<std::optional<domain::Activity>> FindActivity(uint64_t activity_id) override;
  absl::StatusOr<std::vector<domain::Activity>> ListActivities(int limit) override;
  absl::StatusOr<std::vector<domain::LiveOrder>> LiveOrders(uint64_t activity_id) override;

 private:
  mysql::Pool& pool_;
  const base::Clock& clock_;
};

}  // namespace seckill::product::adapters
