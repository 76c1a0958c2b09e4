#include "services/order/app/place_order.h"

#include "gtest/gtest.h"
#include "services/order/testing/fake_order_event_publisher.h"
#include "services/order/testing/fake_stock_reservations.h"

namespace seckill::order::app {
namespace {

using domain::ReserveOutcome;

class PlaceOrderTest : public ::testing::Test {
 protected:
  absl::StatusOr<PlaceOrderResult> Place(PlaceOrderRequest request) {
    absl::StatusOr<PlaceOrderResult> out = absl::UnknownError("not called");
    place_(request, [&](absl::StatusOr<PlaceOrderResult> r) { out = std::move(r); });
    return out;
  }
  base::ManualClock clock_{domain::OrderIdGenerator::kEpochMs + 5000};
  testing::FakeStockReservations reservations_;
  testing::FakeOrderEventPublisher publisher_;
  domain::OrderIdGenerator ids_{clock_, 1};
  PendingOrders pending_{clock_};
  PlaceOrder place_{reservations_, publisher_, ids_, pending_, clock_};
};

TEST_F(PlaceOrderTest, QueuedOnlyAfterThePublishIsConfirmed) {
  auto result = Place({42, 7, 2, "", ""});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome, PlaceOrderOutcome::kQueued);
  ASSERT_EQ(publisher_.published.size(), 1u);
  const domain::Order& order = publisher_.published[0];
  EXPECT_EQ(order.order_id, result->order_id);
  EXPECT_EQ(order.amount_cents, 500);  // 2 x 250, the price the stock step returned
  EXPECT_EQ(pending_.Find(order.order_id)->status, domain::OrderStatus::kQueued);
  EXPECT_TRUE(reservations_.releases.empty());
  // The broker holds it: the stale-reservation sweep must leave it to the consumer.
  EXPECT_EQ(reservations_.marked_published, std::vector<uint64_t>{order.order_id});
}

TEST_F(PlaceOrderTest, FailedPublishReleasesTheStockAndAnswersUnavailable) {
  publisher_.answers.push_back(absl::UnavailableError("broker down"));
  auto result = Place({42, 7, 1, "", ""});
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  ASSERT_EQ(reservations_.releases.size(), 1u);
  EXPECT_EQ(reservations_.releases[0], reservations_.reserves[0].order_id);
  EXPECT_FALSE(pending_.Find(reservations_.reserves[0].order_id).has_value());
  EXPECT_TRUE(reservations_.marked_published.empty());
}

TEST_F(PlaceOrderTest, UnknownPublishOutcomeIsAlsoCompensated) {
  publisher_.answers.push_back(absl::DeadlineExceededError("no confirm"));
  auto result = Place({42, 7, 1, "", ""});
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_EQ(reservations_.releases.size(), 1u);
}

TEST_F(PlaceOrderTest, ReserveTimeoutReleasesWhatMayHaveBeenReserved) {
  reservations_.reserve_answers.push_back(absl::DeadlineExceededError("slow redis"));
  auto result = Place({42, 7, 1, "", ""});
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_EQ(reservations_.releases.size(), 1u);
  EXPECT_TRUE(publisher_.published.empty());
}

TEST_F(PlaceOrderTest, BusinessRefusalsAreOutcomesAndPublishNothing) {
  const std::pair<ReserveOutcome, PlaceOrderOutcome> cases[] = {
      {ReserveOutcome::kSoldOut, PlaceOrderOutcome::kSoldOut},
      {ReserveOutcome::kActivityNotFound, PlaceOrderOutcome::kActivityNotFound},
      {ReserveOutcome::kPurchaseLimit, PlaceOrderOutcome::kPurchaseLimit},
      {ReserveOutcome::kNotStarted, PlaceOrderOutcome::kNotStarted},
      {ReserveOutcome::kEnded, PlaceOrderOutcome::kEnded},
      {ReserveOutcome::kRestoring, PlaceOrderOutcome::kRestoring},
  };
  for (const auto& [reserve, expected] : cases) {
    reservations_.reserve_answers.push_back(domain::Reservation{reserve, 0, 0});
    auto result = Place({42, 7, 1, "", ""});
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->outcome, expected);
  }
  EXPECT_TRUE(publisher_.published.empty());
  EXPECT_TRUE(reservations_.releases.empty());
}

TEST_F(PlaceOrderTest, RepeatedIdempotencyKeyAnswersTheFirstOrderWithoutPublishing) {
  reservations_.reserve_answers.push_back(
      domain::Reservation{ReserveOutcome::kDuplicateRequest, 12345, 250});
  auto result = Place({42, 7, 1, "key", ""});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome, PlaceOrderOutcome::kQueued);
  EXPECT_EQ(result->order_id, 12345u);
  EXPECT_TRUE(publisher_.published.empty());
}

TEST_F(PlaceOrderTest, QuantityOutsideTheRangeIsRefusedBeforeTouchingStock) {
  EXPECT_EQ(Place({42, 7, 0, "", ""})->outcome, PlaceOrderOutcome::kInvalidQuantity);
  EXPECT_EQ(Place({42, 7, domain::kMaxQuantity + 1, "", ""})->outcome,
            PlaceOrderOutcome::kInvalidQuantity);
  EXPECT_TRUE(reservations_.reserves.empty());
}

}  // namespace
}  // namespace seckill::order::app
