#include "services/order/app/sweep_orders.h"

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/order/app/manage_orders.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_order_repository.h"
#include "services/order/testing/in_memory_queued_orders.h"

namespace seckill::order::app {
namespace {

constexpr int64_t kResumeAfterMs = 60'000;

// An order instance killed between queuing an order and publishing it leaves a queued entry that
// no message will remove: the sweep records it, as the message would have been.
class SweepOrdersTest : public ::testing::Test {
 protected:
  static domain::Order AnOrder(uint64_t id) {
    return domain::Order{id, 42, 7, 1, 250, domain::OrderStatus::kQueued, 1000};
  }
  void Queue(const domain::Order& order) {
    ASSERT_TRUE(base::RunToCompletion(queued_.Add(order)).ok());
  }
  void Sweep() { base::RunToCompletion(sweep_()); }
  std::optional<domain::OrderStatus> StatusOf(uint64_t id) {
    absl::StatusOr<domain::Order> order = base::RunToCompletion(manage_.Get(id, 7));
    if (!order.ok()) return std::nullopt;
    return order->status;
  }
  bool StillQueued(uint64_t id) { return base::RunToCompletion(queued_.Find(id, 7))->has_value(); }
  int64_t LeftBehindRecorded() {
    return metrics_.Get("seckill_order_left_behind_recorded_total", "").Value();
  }

  base::ManualClock clock_{5000};
  testing::FakeStockReservations reservations_;
  testing::InMemoryOrderRepository repository_;
  testing::InMemoryQueuedOrders queued_{clock_};
  base::Metrics metrics_;
  RecordOrder record_{reservations_, repository_, queued_, clock_, metrics_};
  CancelOrder cancel_{repository_, reservations_, queued_, clock_, 900'000};
  ReconcileStock reconcile_{repository_, reservations_, queued_};
  SweepOrders sweep_{cancel_, reconcile_, record_,        repository_,
                     queued_, clock_,     kResumeAfterMs, metrics_};
  ManageOrders manage_{repository_, queued_, clock_};
};

TEST_F(SweepOrdersTest, AnOrderLeftQueuedIsRecordedOnlyOnceItIsOlderThanTheWait) {
  Queue(AnOrder(9001));
  clock_.AdvanceMs(kResumeAfterMs);
  Sweep();
  EXPECT_TRUE(reservations_.confirms.empty());  // a live publish may still be under way
  EXPECT_TRUE(StillQueued(9001));

  clock_.AdvanceMs(1);
  Sweep();
  EXPECT_EQ(reservations_.confirms, std::vector<uint64_t>{9001});
  EXPECT_EQ(StatusOf(9001), domain::OrderStatus::kCreated);
  EXPECT_FALSE(StillQueued(9001));
  EXPECT_EQ(LeftBehindRecorded(), 1);

  Sweep();  // nothing left behind any more
  EXPECT_EQ(reservations_.confirms.size(), 1u);
}

// The usual case: the product service's sweep released the unpublished reservation first.
TEST_F(SweepOrdersTest, OneWhoseReservationWasReleasedBecomesFailedNeverASale) {
  Queue(AnOrder(9001));
  clock_.AdvanceMs(kResumeAfterMs + 1);
  reservations_.confirm_answers.push_back(domain::ConfirmOutcome::kReleased);
  Sweep();
  EXPECT_EQ(StatusOf(9001), domain::OrderStatus::kFailed);
  EXPECT_FALSE(StillQueued(9001));
}

// Its message got out after all and the consumer recorded it: the sweep changes nothing.
TEST_F(SweepOrdersTest, OneItsMessageRecordedAlreadyStaysAsItIs) {
  Queue(AnOrder(9001));
  domain::Order row = AnOrder(9001);
  row.status = domain::OrderStatus::kCreated;
  ASSERT_TRUE(base::RunToCompletion(repository_.Insert(row, clock_.NowMs())).ok());
  clock_.AdvanceMs(kResumeAfterMs + 1);
  Sweep();
  EXPECT_EQ(StatusOf(9001), domain::OrderStatus::kCreated);
  EXPECT_EQ(LeftBehindRecorded(), 0);
}

// The database is down: the entry stays, and the next run records it.
TEST_F(SweepOrdersTest, ARecordingThatFailsIsTriedAgainNextRun) {
  Queue(AnOrder(9001));
  Queue(AnOrder(9002));
  clock_.AdvanceMs(kResumeAfterMs + 1);
  repository_.insert_errors.push_back(absl::UnavailableError("database down"));
  Sweep();
  EXPECT_EQ(StatusOf(9001), domain::OrderStatus::kQueued);
  EXPECT_TRUE(StillQueued(9001));
  Sweep();
  EXPECT_EQ(StatusOf(9001), domain::OrderStatus::kCreated);
  EXPECT_EQ(StatusOf(9002), domain::OrderStatus::kCreated);
  EXPECT_EQ(LeftBehindRecorded(), 2);
}

}  // namespace
}  // namespace seckill::order::app
