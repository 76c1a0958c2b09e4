#include "services/order/app/cancel_order.h"

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/order/app/manage_orders.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_order_repository.h"
#include "services/order/testing/in_memory_queued_orders.h"

namespace seckill::order::app {
namespace {

using domain::CancelOutcome;
using domain::OrderStatus;

class CancelOrderTest : public ::testing::Test {
 protected:
  void Record(uint64_t id, uint64_t user, int64_t created_at_ms) {
    const domain::Order order{id, 42, user, 1, 250, OrderStatus::kCreated, created_at_ms};
    ASSERT_TRUE(base::RunToCompletion(repository_.Insert(order, created_at_ms)).ok());
  }
  base::ManualClock clock_{1'000'000};
  testing::FakeStockReservations reservations_;
  testing::InMemoryOrderRepository repository_;
  testing::InMemoryQueuedOrders queued_{clock_};
  CancelOrder use_case_{repository_, reservations_, queued_, clock_,
                        /*payment_timeout_ms=*/15 * 60 * 1000};
  // The use case's coroutines, run to their end.
  struct {
    CancelOrder& c;
    CancelOrder::Outcome CancelByBuyer(uint64_t id, uint64_t user) {
      return base::RunToCompletion(c.CancelByBuyer(id, user));
    }
    CancelOrder::Outcome CancelExpired(uint64_t id) {
      return base::RunToCompletion(c.CancelExpired(id));
    }
    absl::StatusOr<int> SweepExpired() { return base::RunToCompletion(c.SweepExpired()); }
    absl::StatusOr<int> RetryStockReturns() { return base::RunToCompletion(c.RetryStockReturns()); }
  } cancel_{use_case_};
  ManageOrders manage_{repository_, queued_, clock_};
};

TEST_F(CancelOrderTest, BuyerCancelReturnsTheStockOnce) {
  Record(1, 7, clock_.NowMs());
  EXPECT_EQ(cancel_.CancelByBuyer(1, 7).value(), CancelOutcome::kCancelled);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(1, 7))->status, OrderStatus::kCancelled);
  EXPECT_EQ(reservations_.cancels, std::vector<uint64_t>{1});
  EXPECT_TRUE(base::RunToCompletion(repository_.ListCancelledAwaitingStock(10))->empty());
  EXPECT_EQ(cancel_.CancelByBuyer(1, 7).value(), CancelOutcome::kAlreadyCancelled);
  EXPECT_EQ(reservations_.cancels.size(), 1u);
}

TEST_F(CancelOrderTest, OnlyTheOwnerAndOnlyUnpaidRecordedOrders) {
  Record(1, 7, clock_.NowMs());
  EXPECT_EQ(cancel_.CancelByBuyer(1, 8).value(), CancelOutcome::kNotFound);
  ASSERT_EQ(base::RunToCompletion(manage_.Pay(1, 7)).value(), domain::PayOutcome::kPaid);
  EXPECT_EQ(cancel_.CancelByBuyer(1, 7).value(), CancelOutcome::kNotCancellable);
  const domain::Order queued{2, 42, 7, 1, 250, OrderStatus::kQueued, clock_.NowMs()};
  ASSERT_TRUE(base::RunToCompletion(queued_.Add(queued)).ok());
  EXPECT_EQ(cancel_.CancelByBuyer(2, 7).value(),
            CancelOutcome::kNotCancellable);  // not recorded yet
  EXPECT_TRUE(reservations_.cancels.empty());
}

TEST_F(CancelOrderTest, PayingACancelledOrderIsRefused) {
  Record(1, 7, clock_.NowMs());
  ASSERT_EQ(cancel_.CancelByBuyer(1, 7).value(), CancelOutcome::kCancelled);
  EXPECT_EQ(base::RunToCompletion(manage_.Pay(1, 7)).value(), domain::PayOutcome::kNotPayable);
}

TEST_F(CancelOrderTest, AFailedStockReturnIsRetriedByTheSweep) {
  Record(1, 7, clock_.NowMs());
  reservations_.cancel_answers.push_back(absl::UnavailableError("product service down"));
  EXPECT_EQ(cancel_.CancelByBuyer(1, 7).value(), CancelOutcome::kCancelled);  // the cancel stands
  EXPECT_EQ(base::RunToCompletion(repository_.ListCancelledAwaitingStock(10))->size(), 1u);
  EXPECT_EQ(cancel_.RetryStockReturns().value(), 1);
  EXPECT_TRUE(base::RunToCompletion(repository_.ListCancelledAwaitingStock(10))->empty());
}

TEST_F(CancelOrderTest, UnpaidOrdersPastTheDeadlineAreSweptPaidOnesAreNot) {
  Record(1, 7, clock_.NowMs());
  Record(2, 8, clock_.NowMs());
  Record(3, 9, clock_.NowMs() + 10 * 60 * 1000);
  ASSERT_EQ(base::RunToCompletion(manage_.Pay(2, 8)).value(), domain::PayOutcome::kPaid);
  clock_.AdvanceMs(16 * 60 * 1000);
  EXPECT_EQ(cancel_.SweepExpired().value(), 1);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(1, 7))->status, OrderStatus::kCancelled);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(2, 8))->status, OrderStatus::kPaid);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(3, 9))->status,
            OrderStatus::kCreated);  // its 15 minutes are not over
  EXPECT_EQ(cancel_.CancelExpired(2).value(), CancelOutcome::kNotCancellable);  // a late deadline
}

// An expiry message says the deadline passed; the order's own creation time decides. A forged
// (or early) one for a fresh order cancels nothing.
TEST_F(CancelOrderTest, AnExpiryBeforeTheOrdersOwnDeadlineCancelsNothing) {
  Record(1, 7, clock_.NowMs());
  clock_.AdvanceMs(15 * 60 * 1000 - 1);
  EXPECT_EQ(cancel_.CancelExpired(1).value(), CancelOutcome::kNotCancellable);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(1, 7))->status, OrderStatus::kCreated);
  EXPECT_TRUE(reservations_.cancels.empty());
  clock_.AdvanceMs(1);
  EXPECT_EQ(cancel_.CancelExpired(1).value(), CancelOutcome::kCancelled);
  EXPECT_EQ(reservations_.cancels, std::vector<uint64_t>{1});
}

}  // namespace
}  // namespace seckill::order::app
