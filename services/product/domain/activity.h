#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace seckill::product::domain {

struct Product {
  uint64_t product_id = 0;
  std::string name;
  std::string description;
  int64_t price_cents = 0;
};

// What an operator sets for a flash sale of one product.
struct ActivityTerms {
  uint64_t product_id = 0;
  std::string title;
  int64_t price_cents = 0;
  int64_t stock = 0;
  int64_t start_at_ms = 0;  // UTC epoch milliseconds; buying opens at this instant
  int64_t end_at_ms = 0;    // buying closes at this instant (exclusive)
  int64_t limit_per_user = 1;
};

struct Activity {
  uint64_t activity_id = 0;
  ActivityTerms terms;
};

enum class ActivityStatus { kUpcoming, kActive, kSoldOut, kEnded };

inline constexpr int64_t kMaxStock = 10'000'000;
inline constexpr int64_t kMaxLimitPerUser = 1000;
inline constexpr int64_t kMaxPriceCents = 1'000'000'000'00;

// INVALID_ARGUMENT naming the first bad field.
absl::Status ValidateProduct(const Product& product);
absl::Status ValidateTerms(const ActivityTerms& terms);

// The status a buyer sees at `now_ms` with `remaining` units left.
ActivityStatus StatusAt(const ActivityTerms& terms, int64_t remaining, int64_t now_ms);

}  // namespace seckill::product::domain
