#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/async.h"
#include "services/product/domain/activity.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::domain {

// The database of record for products and activities. Each operation is awaited (an
// implementation on a blocking client runs it on worker threads); arguments passed by reference
// must outlive the await.
// Errors: UNAVAILABLE when the store cannot be reached, INTERNAL otherwise.
class Catalog {
 public:
  virtual ~Catalog() = default;
  // The new product's id.
  virtual base::Async<uint64_t> AddProduct(const Product& product) = 0;
  // The new activity's id; FAILED_PRECONDITION when terms.product_id names no product.
  virtual base::Async<uint64_t> AddActivity(const ActivityTerms& terms) = 0;
  virtual base::Async<std::optional<Activity>> FindActivity(uint64_t activity_id) = 0;
  // Newest first, at most `limit`.
  virtual base::Async<std::vector<Activity>> ListActivities(int limit) = 0;
  // The activity's live (CREATED or PAID) orders, from the database of record: what re-seeding
  // the stock ledger after a Redis data loss starts from.
  virtual base::Async<std::vector<LiveOrder>> LiveOrders(uint64_t activity_id) = 0;
};

}  // namespace seckill::product::domain
