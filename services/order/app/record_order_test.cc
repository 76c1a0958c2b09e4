#include "services/order/app/record_order.h"

#include "gtest/gtest.h"
#include "services/order/app/manage_orders.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_order_repository.h"

namespace seckill::order::app {
namespace {

class RecordOrderTest : public ::testing::Test {
 protected:
  domain::Order AnOrder(uint64_t id = 9001) {
    return domain::Order{id, 42, 7, 1, 250, domain::OrderStatus::kQueued, 1000};
  }
  base::ManualClock clock_{5000};
  testing::FakeStockReservations reservations_;
  testing::InMemoryOrderRepository repository_;
  PendingOrders pending_{clock_};
  RecordOrder record_{reservations_, repository_, pending_, clock_};
  ManageOrders manage_{repository_, pending_, clock_};
};

TEST_F(RecordOrderTest, ConfirmsThenStoresAsCreated) {
  pending_.Add(AnOrder());
  EXPECT_EQ(record_(AnOrder()).value(), RecordOutcome::kRecorded);
  EXPECT_EQ(reservations_.confirms.size(), 1u);
  EXPECT_EQ(manage_.Get(9001, 7)->status, domain::OrderStatus::kCreated);
  EXPECT_FALSE(pending_.Find(9001).has_value());
}

TEST_F(RecordOrderTest, TheSameMessageTwiceMakesOneOrder) {
  EXPECT_EQ(record_(AnOrder()).value(), RecordOutcome::kRecorded);
  EXPECT_EQ(record_(AnOrder()).value(), RecordOutcome::kAlreadyRecorded);
  EXPECT_EQ(manage_.Stats(42)->at(domain::OrderStatus::kCreated), 1);
}

TEST_F(RecordOrderTest, ReleasedReservationBecomesAFailedOrderNeverASale) {
  reservations_.confirm_answers.push_back(domain::ConfirmOutcome::kReleased);
  EXPECT_EQ(record_(AnOrder()).value(), RecordOutcome::kRecordedAsFailed);
  EXPECT_EQ(manage_.Get(9001, 7)->status, domain::OrderStatus::kFailed);
}

TEST_F(RecordOrderTest, TransientErrorsAreReturnedForRetry) {
  reservations_.confirm_answers.push_back(absl::UnavailableError("product down"));
  EXPECT_TRUE(absl::IsUnavailable(record_(AnOrder()).status()));
  repository_.insert_errors.push_back(absl::UnavailableError("db down"));
  EXPECT_TRUE(absl::IsUnavailable(record_(AnOrder()).status()));
  EXPECT_EQ(record_(AnOrder()).value(), RecordOutcome::kRecorded);
}

TEST_F(RecordOrderTest, PendingOrderIsVisibleAsQueuedToItsOwnerOnly) {
  pending_.Add(AnOrder());
  EXPECT_EQ(manage_.Get(9001, 7)->status, domain::OrderStatus::kQueued);
  EXPECT_TRUE(absl::IsNotFound(manage_.Get(9001, 8).status()));
  EXPECT_EQ(manage_.Pay(9001, 7).value(), domain::PayOutcome::kNotPayable);
  EXPECT_EQ(manage_.Stats(42)->at(domain::OrderStatus::kQueued), 1);
}

TEST_F(RecordOrderTest, PayingMovesCreatedToPaidOnce) {
  ASSERT_TRUE(record_(AnOrder()).ok());
  EXPECT_EQ(manage_.Pay(9001, 7).value(), domain::PayOutcome::kPaid);
  EXPECT_EQ(manage_.Pay(9001, 7).value(), domain::PayOutcome::kAlreadyPaid);
  EXPECT_EQ(manage_.Pay(9001, 8).value(), domain::PayOutcome::kNotFound);
  EXPECT_EQ(manage_.Get(9001, 7)->status, domain::OrderStatus::kPaid);
}

}  // namespace
}  // namespace seckill::order::app
