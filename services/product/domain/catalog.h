#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "services/product/domain/activity.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::domain {

// The database of record for products and activities. Blocking: call from worker threads.
// Errors: UNAVAILABLE when the store cannot be reached, INTERNAL otherwise.
class Catalog {
 public:
  virtual ~Catalog() = default;
  // The new product's id.
  virtual absl::StatusOr<uint64_t> AddProduct(const Product& product) = 0;
  // The new activity's id; FAILED_PRECONDITION when terms.product_id names no product.
  virtual absl::StatusOr<uint64_t> AddActivity(const ActivityTerms& terms) = 0;
  virtual absl::StatusOr<std::optional<Activity>> FindActivity(uint64_t activity_id) = 0;
  // Newest first, at most `limit`.
  virtual absl::StatusOr<std::vector<Activity>> ListActivities(int limit) = 0;
  // The activity's live (CREATED or PAID) orders, from the database of record: what re-seeding
  // the stock ledger after a Redis data loss starts from.
  virtual absl::StatusOr<std::vector<LiveOrder>> LiveOrders(uint64_t activity_id) = 0;
};

}  // namespace seckill::product::domain
