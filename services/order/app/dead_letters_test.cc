#include "services/order/app/dead_letters.h"

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_order_repository.h"

namespace seckill::order::app {
namespace {

class DeadLettersTest : public ::testing::Test {
 protected:
  domain::Order AnOrder(uint64_t id) {
    return {id, 42, 7, 1, 250, domain::OrderStatus::kQueued, 5};
  }
  base::ManualClock clock_{1000};
  testing::FakeStockReservations reservations_;
  testing::InMemoryOrderRepository repository_;
  DeadLetters letters_{repository_, reservations_, clock_};
  absl::Status Receive(std::string message_id, std::string body, std::optional<domain::Order> order,
                       std::string reason, DeadLetters::Letter kind = DeadLetters::Letter::kWhole) {
    // Named values only: GCC 12 mishandles prvalues passed to a coroutine (docs/adr/0001).
    return base::RunToCompletion(letters_.Receive(std::move(message_id), std::move(body),
                                                  std::move(order), std::move(reason), kind));
  }
  absl::StatusOr<ReplayOutcome> Replay(uint64_t id) {
    absl::StatusOr<ReplayResult> result = ReplayResultOf(id);
    if (!result.ok()) return result.status();
    return result->outcome;
  }
  absl::StatusOr<ReplayResult> ReplayResultOf(uint64_t id) {
    return base::RunToCompletion(letters_.Replay(id));
  }
};

TEST_F(DeadLettersTest, AnOrderNeverRecordedBecomesFailedWithItsStockReturnedOnce) {
  ASSERT_TRUE(Receive("m1", "body", AnOrder(11), "rejected").ok());
  ASSERT_TRUE(Receive("m1", "body", AnOrder(11), "rejected").ok());  // redelivered
  EXPECT_EQ((*base::RunToCompletion(repository_.Find(11)))->status, domain::OrderStatus::kFailed);
  EXPECT_EQ(reservations_.cancels, (std::vector<uint64_t>{11, 11}));  // idempotent in the ledger
  EXPECT_EQ(base::RunToCompletion(letters_.List(10))->size(), 1u);
}

// A letter whose order disagrees with its reservation (buyer, quantity or amount) was not made
// from it: kept naming no order, no order failed, no stock returned.
TEST_F(DeadLettersTest, ALetterThatIsNotItsReservationsMovesNoStock) {
  reservations_.confirm_answers.push_back(domain::ConfirmOutcome::kMismatch);
  ASSERT_TRUE(Receive("m9", "body", AnOrder(19), "rejected").ok());
  EXPECT_FALSE(base::RunToCompletion(repository_.Find(19))->has_value());
  EXPECT_TRUE(reservations_.cancels.empty());
  auto kept = base::RunToCompletion(letters_.List(10));
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_FALSE(kept->front().order_id.has_value());
  EXPECT_NE(kept->front().reason.find("forged"), std::string::npos);
}

TEST_F(DeadLettersTest, AnOrderRecordedAfterAllKeepsItsUnits) {
  domain::Order recorded = AnOrder(12);
  recorded.status = domain::OrderStatus::kCreated;
  ASSERT_TRUE(base::RunToCompletion(repository_.Insert(recorded, 5)).ok());
  ASSERT_TRUE(Receive("m2", "body", AnOrder(12), "delivery limit").ok());
  EXPECT_EQ((*base::RunToCompletion(repository_.Find(12)))->status, domain::OrderStatus::kCreated);
  EXPECT_TRUE(reservations_.cancels.empty());
  EXPECT_EQ(Replay(1).value(), ReplayOutcome::kAlreadyLive);
}

TEST_F(DeadLettersTest, ARecordedMemberOfADeadLetteredBatchIsNoDeadLetter) {
  domain::Order recorded = AnOrder(15);
  recorded.status = domain::OrderStatus::kCreated;
  ASSERT_TRUE(base::RunToCompletion(repository_.Insert(recorded, 5)).ok());
  using Letter = DeadLetters::Letter;
  ASSERT_TRUE(Receive("15", "body", AnOrder(15), "its batch", Letter::kBatchMember).ok());
  ASSERT_TRUE(Receive("16", "body", AnOrder(16), "its batch", Letter::kBatchMember).ok());
  EXPECT_EQ((*base::RunToCompletion(repository_.Find(15)))->status, domain::OrderStatus::kCreated);
  EXPECT_EQ((*base::RunToCompletion(repository_.Find(16)))->status, domain::OrderStatus::kFailed);
  EXPECT_EQ(reservations_.cancels, (std::vector<uint64_t>{16}));
  ASSERT_EQ(base::RunToCompletion(letters_.List(10))->size(), 1u);
  EXPECT_EQ((*base::RunToCompletion(letters_.List(10)))[0].order_id, 16u);
}

TEST_F(DeadLettersTest, ReplayMakesTheOrderOnceAndPoisonCannotBeReplayed) {
  ASSERT_TRUE(Receive("m3", "body", AnOrder(13), "rejected").ok());
  EXPECT_EQ(Replay(1).value(), ReplayOutcome::kReplayed);
  EXPECT_EQ((*base::RunToCompletion(repository_.Find(13)))->status, domain::OrderStatus::kCreated);
  EXPECT_EQ(Replay(1).value(), ReplayOutcome::kAlreadyReplayed);
  EXPECT_EQ(reservations_.revives.size(), 1u);
  ASSERT_TRUE(Receive("", "\xff garbage", std::nullopt, "rejected").ok());
  EXPECT_EQ(Replay(2).value(), ReplayOutcome::kNotAnOrder);
  EXPECT_EQ(Replay(99).value(), ReplayOutcome::kNotFound);
}

TEST_F(DeadLettersTest, AnOversizedBodyIsKeptCutAndSaysSo) {
  const std::string body(DeadLetters::kMaxKeptBodyBytes + 10, 'z');
  ASSERT_TRUE(Receive("big", body, std::nullopt, "not an OrderPlaced message").ok());
  auto kept = base::RunToCompletion(repository_.FindDeadLetter(1));
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->body.size(), DeadLetters::kMaxKeptBodyBytes);
  EXPECT_EQ((*kept)->reason.rfind("body cut to 1048576 of 1048586 bytes", 0), 0u)
      << (*kept)->reason;
}

TEST_F(DeadLettersTest, ReplayWhenTheUnitsAreGoneKeepsTheOrderFailed) {
  ASSERT_TRUE(Receive("m4", "body", AnOrder(14), "rejected").ok());
  reservations_.revive_answers.push_back(
      domain::ReviveResult{domain::ReviveOutcome::kRefused, common::v1::REFUSAL_SOLD_OUT});
  absl::StatusOr<ReplayResult> replayed = ReplayResultOf(1);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->outcome, ReplayOutcome::kRefused);
  EXPECT_EQ(replayed->refusal, common::v1::REFUSAL_SOLD_OUT);
  EXPECT_EQ((*base::RunToCompletion(repository_.Find(14)))->status, domain::OrderStatus::kFailed);
  EXPECT_FALSE((*base::RunToCompletion(letters_.List(10)))[0].replayed_at_ms.has_value());
}

}  // namespace
}  // namespace seckill::order::app
