#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "seckill/common/v1/refusal.pb.h"

namespace seckill::gateway::domain {

enum class ActivityStatus { kUpcoming, kActive, kSoldOut, kEnded };

constexpr std::string_view ActivityStatusName(ActivityStatus s) {
  switch (s) {
    case ActivityStatus::kUpcoming:
      return "UPCOMING";
    case ActivityStatus::kActive:
      return "ACTIVE";
    case ActivityStatus::kSoldOut:
      return "SOLD_OUT";
    case ActivityStatus::kEnded:
      return "ENDED";
  }
  return "UNKNOWN";
}

// An activity as buyers see it: what the product service answered, held by the gateway for a
// bounded time (app/activity_cache.h).
struct Activity {
  uint64_t activity_id = 0;
  uint64_t product_id = 0;
  std::string title;
  int64_t price_cents = 0;
  int64_t stock = 0;
  int64_t remaining = 0;
  int64_t start_at_ms = 0;
  int64_t end_at_ms = 0;
  int64_t limit_per_user = 0;
  ActivityStatus status = ActivityStatus::kActive;
};

// Why an order was refused: the system's one vocabulary (proto/seckill/common/v1/refusal.proto),
// whether the stock ledger decided it or the gateway knew it already. REFUSAL_UNSPECIFIED: not
// refused.
using Refusal = common::v1::Refusal;

}  // namespace seckill::gateway::domain
