#include "services/order/app/record_order.h"

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "libs/base/status.h"
#include "services/order/app/manage_orders.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_order_repository.h"
#include "services/order/testing/in_memory_queued_orders.h"

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
  testing::InMemoryQueuedOrders queued_{clock_};
  // Records `order` as queued (accepted, not yet in the database).
  void Queue(const domain::Order& order) {
    ASSERT_TRUE(base::RunToCompletion(queued_.Add(order)).ok());
  }
  base::Metrics metrics_;
  RecordOrder record_{reservations_, repository_, queued_, clock_, metrics_};
  // Runs the use case's coroutine to its end.
  template <class Orders>
  auto Record(const RecordOrder& record, Orders orders) {
    return base::RunToCompletion(record(std::move(orders)));
  }
  template <class Orders>
  auto Record(Orders orders) {
    return Record(record_, std::move(orders));
  }
  ManageOrders manage_{repository_, queued_, clock_};
};

TEST_F(RecordOrderTest, ConfirmsThenStoresAsCreated) {
  Queue(AnOrder());
  EXPECT_EQ(Record(AnOrder()).value(), RecordOutcome::kRecorded);
  EXPECT_EQ(reservations_.confirms.size(), 1u);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(9001, 7))->status, domain::OrderStatus::kCreated);
  EXPECT_FALSE(base::RunToCompletion(queued_.Find(9001, 7))->has_value());
}

TEST_F(RecordOrderTest, TheSameMessageTwiceMakesOneOrder) {
  EXPECT_EQ(Record(AnOrder()).value(), RecordOutcome::kRecorded);
  EXPECT_EQ(Record(AnOrder()).value(), RecordOutcome::kAlreadyRecorded);
  EXPECT_EQ(base::RunToCompletion(manage_.Stats(42))->at(domain::OrderStatus::kCreated), 1);
}

// The stats read the queued orders, then the rows: an order recorded after the rows were counted
// is still counted (as QUEUED), never missed.
TEST_F(RecordOrderTest, TheStatsCountAnOrderRecordedWhileTheyAreRead) {
  Queue(AnOrder());
  repository_.after_count = [this] {
    repository_.after_count = nullptr;
    EXPECT_EQ(Record(AnOrder()).value(), RecordOutcome::kRecorded);
  };
  auto stats = base::RunToCompletion(manage_.Stats(42));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ((*stats)[domain::OrderStatus::kQueued] + (*stats)[domain::OrderStatus::kCreated], 1);
  EXPECT_EQ(base::RunToCompletion(manage_.Stats(42))->at(domain::OrderStatus::kCreated), 1);
}

TEST_F(RecordOrderTest, ReleasedReservationBecomesAFailedOrderNeverASale) {
  reservations_.confirm_answers.push_back(domain::ConfirmOutcome::kReleased);
  EXPECT_EQ(Record(AnOrder()).value(), RecordOutcome::kRecordedAsFailed);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(9001, 7))->status, domain::OrderStatus::kFailed);
}

// The ledger checks what the message claims (buyer, quantity, amount) against the reservation:
// a message that disagrees with it is refused as forged (dead-lettered) and nothing is stored;
// its neighbours in the batch are recorded. (One whose reservation the ledger lost is FAILED.)
TEST_F(RecordOrderTest, AnOrderThatIsNotItsReservationsIsRefusedAsForged) {
  reservations_.confirm_answers = {domain::ConfirmOutcome::kConfirmed,
                                   domain::ConfirmOutcome::kMismatch,
                                   domain::ConfirmOutcome::kNotFound};
  auto results = Record(std::vector<domain::Order>{AnOrder(1), AnOrder(2), AnOrder(3)});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].value(), RecordOutcome::kRecorded);
  EXPECT_TRUE(absl::IsPermissionDenied(results[1].status())) << results[1].status();
  EXPECT_EQ(results[2].value(), RecordOutcome::kRecordedAsFailed);
  EXPECT_FALSE(base::IsTransient(results[1].status()));
  EXPECT_FALSE(base::RunToCompletion(repository_.Find(2))->has_value());
  EXPECT_EQ((*base::RunToCompletion(repository_.Find(3)))->status, domain::OrderStatus::kFailed);
  // The claims sent are the messages' own.
  std::lock_guard lock(reservations_.mu_);
  ASSERT_EQ(reservations_.claims.size(), 3u);
  EXPECT_EQ(reservations_.claims[1].user_id, 7u);
  EXPECT_EQ(reservations_.claims[1].quantity, 1);
  EXPECT_EQ(reservations_.claims[1].amount_cents, 250);
}

TEST_F(RecordOrderTest, TransientErrorsAreReturnedForRetry) {
  reservations_.confirm_answers.push_back(absl::UnavailableError("product down"));
  EXPECT_TRUE(absl::IsUnavailable(Record(AnOrder()).status()));
  repository_.insert_errors.push_back(absl::UnavailableError("db down"));
  EXPECT_TRUE(absl::IsUnavailable(Record(AnOrder()).status()));
  EXPECT_EQ(Record(AnOrder()).value(), RecordOutcome::kRecorded);
}

TEST_F(RecordOrderTest, AQueuedOrderIsVisibleToItsOwnerOnly) {
  Queue(AnOrder());
  EXPECT_EQ(base::RunToCompletion(manage_.Get(9001, 7))->status, domain::OrderStatus::kQueued);
  EXPECT_TRUE(absl::IsNotFound(base::RunToCompletion(manage_.Get(9001, 8)).status()));
  EXPECT_EQ(base::RunToCompletion(manage_.Pay(9001, 7)).value(), domain::PayOutcome::kNotPayable);
  EXPECT_EQ(base::RunToCompletion(manage_.Stats(42))->at(domain::OrderStatus::kQueued), 1);
}

TEST_F(RecordOrderTest, PayingMovesCreatedToPaidOnce) {
  ASSERT_TRUE(Record(AnOrder()).ok());
  EXPECT_EQ(base::RunToCompletion(manage_.Pay(9001, 7)).value(), domain::PayOutcome::kPaid);
  EXPECT_EQ(base::RunToCompletion(manage_.Pay(9001, 7)).value(), domain::PayOutcome::kAlreadyPaid);
  EXPECT_EQ(base::RunToCompletion(manage_.Pay(9001, 8)).value(), domain::PayOutcome::kNotFound);
  EXPECT_EQ(base::RunToCompletion(manage_.Get(9001, 7))->status, domain::OrderStatus::kPaid);
}

std::vector<domain::Order> ABatch(std::initializer_list<uint64_t> ids) {
  std::vector<domain::Order> orders;
  for (uint64_t id : ids)
    orders.push_back(domain::Order{id, 42, id % 100, 1, 250, domain::OrderStatus::kQueued, 1000});
  return orders;
}

struct RecordedDeadlines final : domain::PaymentDeadlines {
  void Schedule(const std::vector<domain::Order>& orders) override {
    std::vector<uint64_t> ids;
    for (const domain::Order& o : orders) ids.push_back(o.order_id);
    scheduled.push_back(ids);
  }
  std::vector<std::vector<uint64_t>> scheduled;
};

// One schedule per batch, naming the orders it created (not the FAILED or the replayed ones).
TEST_F(RecordOrderTest, ABatchSchedulesThePaymentDeadlinesOfItsNewOrdersAtOnce) {
  RecordedDeadlines deadlines;
  RecordOrder record(reservations_, repository_, queued_, clock_, metrics_, &deadlines);
  ASSERT_TRUE(Record(record, ABatch({503})).front().ok());
  reservations_.confirm_answers = {
      domain::ConfirmOutcome::kConfirmed, domain::ConfirmOutcome::kReleased,
      domain::ConfirmOutcome::kConfirmed, domain::ConfirmOutcome::kConfirmed};
  Record(record, ABatch({501, 502, 503, 504}));
  EXPECT_EQ(deadlines.scheduled, (std::vector<std::vector<uint64_t>>{{503}, {501, 504}}));
}

TEST_F(RecordOrderTest, ABatchIsConfirmedInOneCallAndStoredTogether) {
  reservations_.confirm_answers = {domain::ConfirmOutcome::kConfirmed,
                                   domain::ConfirmOutcome::kReleased,
                                   domain::ConfirmOutcome::kAlreadyConfirmed};
  auto results = Record(ABatch({101, 102, 103}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].value(), RecordOutcome::kRecorded);
  EXPECT_EQ(results[1].value(), RecordOutcome::kRecordedAsFailed);
  EXPECT_EQ(results[2].value(), RecordOutcome::kRecorded);
  EXPECT_EQ(reservations_.confirm_calls, 1);
  EXPECT_EQ(base::RunToCompletion(manage_.Stats(42))->at(domain::OrderStatus::kCreated), 2);
  EXPECT_EQ(base::RunToCompletion(manage_.Stats(42))->at(domain::OrderStatus::kFailed), 1);
}

// A row the table refuses, or a replayed one, fails the multi-row insert; each row is then
// stored on its own, so only the bad one fails and the replay is "already recorded".
TEST_F(RecordOrderTest, ARefusedRowInABatchFailsAloneItsNeighboursAreStored) {
  ASSERT_TRUE(Record(ABatch({203})).front().ok());
  repository_.refused.insert(202);
  auto results = Record(ABatch({201, 202, 203, 204}));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].value(), RecordOutcome::kRecorded);
  EXPECT_FALSE(results[1].ok());
  EXPECT_FALSE(base::IsTransient(results[1].status()));
  EXPECT_EQ(results[2].value(), RecordOutcome::kAlreadyRecorded);
  EXPECT_EQ(results[3].value(), RecordOutcome::kRecorded);
  EXPECT_EQ(base::RunToCompletion(manage_.Stats(42))->at(domain::OrderStatus::kCreated), 3);
}

TEST_F(RecordOrderTest, ATransientFailureIsEveryOrdersOfTheBatch) {
  repository_.insert_errors.push_back(absl::UnavailableError("db down"));
  for (const auto& r : Record(ABatch({301, 302}))) EXPECT_TRUE(absl::IsUnavailable(r.status()));
  reservations_.confirm_answers = {domain::ConfirmOutcome::kConfirmed,
                                   absl::UnavailableError("product down")};
  for (const auto& r : Record(ABatch({301, 302}))) EXPECT_TRUE(absl::IsUnavailable(r.status()));
  EXPECT_FALSE(base::RunToCompletion(repository_.Find(301))->has_value());
  EXPECT_FALSE(base::RunToCompletion(repository_.Find(302))->has_value());
  for (const auto& r : Record(ABatch({301, 302}))) EXPECT_EQ(r.value(), RecordOutcome::kRecorded);
}

// A confirm call refused for the whole batch (one bad reservation) is retried per order.
TEST_F(RecordOrderTest, APermanentConfirmFailureIsRetriedOneOrderAtATime) {
  reservations_.confirm_answers = {
      domain::ConfirmOutcome::kConfirmed, absl::InvalidArgumentError("bad id"),
      domain::ConfirmOutcome::kConfirmed,
      // one at a time:
      domain::ConfirmOutcome::kConfirmed, absl::InvalidArgumentError("bad id"),
      domain::ConfirmOutcome::kConfirmed};
  auto results = Record(ABatch({401, 402, 403}));
  EXPECT_EQ(reservations_.confirm_calls, 4);
  EXPECT_EQ(results[0].value(), RecordOutcome::kRecorded);
  EXPECT_TRUE(absl::IsInvalidArgument(results[1].status()));
  EXPECT_EQ(results[2].value(), RecordOutcome::kRecorded);
}

}  // namespace
}  // namespace seckill::order::app
