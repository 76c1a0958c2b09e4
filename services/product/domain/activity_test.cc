#include "services/product/domain/activity.h"

#include "gtest/gtest.h"

namespace seckill::product::domain {
namespace {

ActivityTerms Valid() { return ActivityTerms{1, "Phone sale", 99900, 100, 1000, 2000, 1}; }

TEST(ActivityTest, ValidTermsPass) { EXPECT_TRUE(ValidateTerms(Valid()).ok()); }

TEST(ActivityTest, RejectsEachBadField) {
  auto with = [](auto mutate) {
    ActivityTerms t = Valid();
    mutate(t);
    return ValidateTerms(t);
  };
  EXPECT_FALSE(with([](ActivityTerms& t) { t.product_id = 0; }).ok());
  EXPECT_FALSE(with([](ActivityTerms& t) { t.title = ""; }).ok());
  EXPECT_FALSE(with([](ActivityTerms& t) { t.price_cents = -1; }).ok());
  EXPECT_FALSE(with([](ActivityTerms& t) { t.stock = 0; }).ok());
  EXPECT_FALSE(with([](ActivityTerms& t) { t.stock = kMaxStock + 1; }).ok());
  EXPECT_FALSE(with([](ActivityTerms& t) { t.end_at_ms = t.start_at_ms; }).ok());
  EXPECT_FALSE(with([](ActivityTerms& t) { t.limit_per_user = 0; }).ok());
  EXPECT_EQ(with([](ActivityTerms& t) { t.stock = 0; }).message(),
            "stock must be between 1 and 10000000");
}

TEST(ActivityTest, StatusFollowsTheWindowAndTheStock) {
  const ActivityTerms t = Valid();
  EXPECT_EQ(StatusAt(t, 5, 999), ActivityStatus::kUpcoming);
  EXPECT_EQ(StatusAt(t, 5, 1000), ActivityStatus::kActive);
  EXPECT_EQ(StatusAt(t, 0, 1500), ActivityStatus::kSoldOut);
  EXPECT_EQ(StatusAt(t, 5, 2000), ActivityStatus::kEnded);
  EXPECT_EQ(StatusAt(t, 0, 2500), ActivityStatus::kEnded);
}

}  // namespace
}  // namespace seckill::product::domain
