#include "services/order/app/reconcile_stock.h"

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_order_repository.h"
#include "services/order/testing/in_memory_queued_orders.h"

namespace seckill::order::app {
namespace {

class ReconcileStockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 10 units: 3 sold (one paid), 1 cancelled and not yet returned, 6 remaining.
    for (uint64_t id = 1; id <= 4; ++id) {
      ASSERT_TRUE(base::RunToCompletion(
                      repository_.Insert({id, 42, id, 1, 100, domain::OrderStatus::kCreated, 5}, 5))
                      .ok());
    }
    ASSERT_TRUE(base::RunToCompletion(repository_.MarkPaid(1, 1, 6)).ok());
    ASSERT_TRUE(base::RunToCompletion(repository_.MarkCancelled(4, 4, 6)).ok());
    reservations_.ledger = {true, 10, 6, 0};
  }
  base::ManualClock clock_{1000};
  testing::FakeStockReservations reservations_;
  testing::InMemoryOrderRepository repository_;
  testing::InMemoryQueuedOrders queued_{clock_};
  ReconcileStock use_case_{repository_, reservations_, queued_};
  absl::StatusOr<StockReport> reconcile_(uint64_t activity_id, bool repair) {
    return base::RunToCompletion(use_case_(activity_id, repair));
  }
};

TEST_F(ReconcileStockTest, ConsistentBooksShowNoDrift) {
  auto report = reconcile_(42, false).value();
  EXPECT_EQ(report.sold, 3);
  EXPECT_EQ(report.owed, 1);
  EXPECT_EQ(report.drift, 0);
}

TEST_F(ReconcileStockTest, ReportsDriftAndRepairsItWhenAsked) {
  reservations_.ledger.remaining = 8;  // two decrements lost (e.g. Redis lost a second of writes)
  auto report = reconcile_(42, false).value();
  EXPECT_EQ(report.drift, -2);
  EXPECT_FALSE(report.repaired);
  EXPECT_EQ(reservations_.ledger.remaining, 8);  // reporting changes nothing
  report = reconcile_(42, true).value();
  EXPECT_TRUE(report.repaired);
  EXPECT_EQ(reservations_.ledger.remaining, 6);
  EXPECT_EQ(reconcile_(42, false).value().drift, 0);
  reservations_.ledger.remaining = 5;  // a unit stranded the other way
  EXPECT_EQ(reconcile_(42, true).value().drift, 1);
  EXPECT_EQ(reservations_.ledger.remaining, 6);
}

TEST_F(ReconcileStockTest, NoRepairWhileOrdersAreInFlight) {
  reservations_.ledger = {true, 10, 6, 1};  // one reserved: drift -1 may just be in flight
  auto report = reconcile_(42, true).value();
  EXPECT_EQ(report.drift, -1);
  EXPECT_FALSE(report.repaired);
  EXPECT_FALSE(report.note.empty());
  EXPECT_EQ(reservations_.ledger.remaining, 6);
}

// A consumer (of any instance) confirmed an order's reservation and has not committed its row:
// the unit is neither remaining, reserved nor sold, and only the queued order says where it is.
// Returning it would sell it twice.
TEST_F(ReconcileStockTest, NoRepairWhileAConfirmedOrdersRowIsNotCommittedYet) {
  reservations_.ledger = {true, 10, 5, 0};
  const domain::Order confirmed{5, 42, 5, 1, 100, domain::OrderStatus::kQueued, 900};
  ASSERT_TRUE(base::RunToCompletion(queued_.Add(confirmed)).ok());
  auto report = reconcile_(42, true).value();
  EXPECT_EQ(report.drift, 1);
  EXPECT_EQ(report.queued, 1);
  EXPECT_FALSE(report.repaired);
  EXPECT_EQ(reservations_.ledger.remaining, 5);
}

TEST_F(ReconcileStockTest, AnUnknownActivityIsReportedNotFound) {
  reservations_.ledger = {false, 0, 0, 0};
  EXPECT_FALSE(reconcile_(99, true).value().found);
}

}  // namespace
}  // namespace seckill::order::app
