#pragma once

#include "boost/asio/any_io_executor.hpp"
#include "libs/base/clock.h"
#include "libs/mysql/pool.h"
#include "services/product/domain/catalog.h"

namespace seckill::product::adapters {

// Catalog on the `products` and `activities` tables (sql/migrations). Thread-safe.
class MariaDbCatalog final : public domain::Catalog {
 public:
  // Runs each statement on `blocking` (MariaDB Connector/C blocks).
  MariaDbCatalog(mysql::Pool& pool, const base::Clock& clock, boost::asio::any_io_executor blocking)
      : pool_(pool), clock_(clock), blocking_(std::move(blocking)) {}

  base::Async<uint64_t> AddProduct(const domain::Product& product) override;
  base::Async<uint64_t> AddActivity(const domain::ActivityTerms& terms) override;
  base::Async<std::optional<domain::Activity>> FindActivity(uint64_t activity_id) override;
  base::Async<std::vector<domain::Activity>> ListActivities(int limit) override;
  base::Async<std::vector<domain::LiveOrder>> LiveOrders(uint64_t activity_id) override;

 private:
  mysql::Pool& pool_;
  const base::Clock& clock_;
  boost::asio::any_io_executor blocking_;
};

}  // namespace seckill::product::adapters
