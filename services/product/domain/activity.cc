#include "services/product/domain/activity.h"

namespace seckill::product::domain {

absl::Status ValidateProduct(const Product& p) {
  if (p.name.empty() || p.name.size() > 200) {
    return absl::InvalidArgumentError("name must be 1 to 200 characters");
  }
  if (p.description.size() > 10000) {
    return absl::InvalidArgumentError("description must be at most 10000 characters");
  }
  if (p.price_cents < 0 || p.price_cents > kMaxPriceCents) {
    return absl::InvalidArgumentError("price_cents must be between 0 and 100000000000");
  }
  return absl::OkStatus();
}

absl::Status ValidateTerms(const ActivityTerms& t) {
  if (t.product_id == 0) return absl::InvalidArgumentError("product_id is required");
  if (t.title.empty() || t.title.size() > 200) {
    return absl::InvalidArgumentError("title must be 1 to 200 characters");
  }
  if (t.price_cents < 0 || t.price_cents > kMaxPriceCents) {
    return absl::InvalidArgumentError("price_cents must be between 0 and 100000000000");
  }
  if (t.stock < 1 || t.stock > kMaxStock) {
    return absl::InvalidArgumentError("stock must be between 1 and 10000000");
  }
  if (t.end_at_ms <= t.start_at_ms)
    return absl::InvalidArgumentError("end_at must be after start_at");
  if (t.limit_per_user < 1 || t.limit_per_user > kMaxLimitPerUser) {
    return absl::InvalidArgumentError("limit_per_user must be between 1 and 1000");
  }
  return absl::OkStatus();
}

ActivityStatus StatusAt(const ActivityTerms& terms, int64_t remaining, int64_t now_ms) {
  if (now_ms >= terms.end_at_ms) return ActivityStatus::kEnded;
  if (now_ms < terms.start_at_ms) return ActivityStatus::kUpcoming;
  if (remaining <= 0) return ActivityStatus::kSoldOut;
  return ActivityStatus::kActive;
}

}  // namespace seckill::product::domain
