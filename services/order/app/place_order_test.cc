#include "services/order/app/place_order.h"

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/order/testing/fake_order_event_publisher.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_queued_orders.h"

namespace seckill::order::app {
namespace {

class PlaceOrderTest : public ::testing::Test {
 protected:
  // Starts placing `request`; the answer is there once the fakes have answered (Settle).
  std::shared_ptr<std::optional<absl::StatusOr<PlaceOrderResult>>> Start(
      PlaceOrderRequest request) {
    auto out = std::make_shared<std::optional<absl::StatusOr<PlaceOrderResult>>>();
    auto placing = place_(std::move(request));
    boost::asio::co_spawn(io_, std::move(placing),
                          [out](std::exception_ptr e, absl::StatusOr<PlaceOrderResult> r) {
                            if (e) std::rethrow_exception(e);
                            *out = std::move(r);
                          });
    Settle();
    return out;
  }
  // Runs what the fakes' answers made ready (they answer inline, or when a test fires them).
  void Settle() {
    io_.restart();
    io_.poll();
  }
  // Starts placing `requests` as one batch; its answers are there once every order is settled.
  std::shared_ptr<std::optional<PlaceOrder::Results>> StartMany(
      std::vector<PlaceOrderRequest> requests) {
    auto out = std::make_shared<std::optional<PlaceOrder::Results>>();
    auto placing = place_(std::move(requests));
    boost::asio::co_spawn(io_, std::move(placing),
                          [out](std::exception_ptr e, PlaceOrder::Results r) {
                            if (e) std::rethrow_exception(e);
                            *out = std::move(r);
                          });
    Settle();
    return out;
  }
  absl::StatusOr<PlaceOrderResult> Place(PlaceOrderRequest request) {
    auto out = Start(std::move(request));
    if (!out->has_value()) return absl::UnknownError("no answer");
    return **out;
  }
  // The buyer's queued order `order_id`, if any.
  std::optional<domain::Order> Queued(uint64_t order_id, uint64_t user_id) {
    return *base::RunToCompletion(queued_.Find(order_id, user_id));
  }
  boost::asio::io_context io_;
  base::ManualClock clock_{domain::OrderIdGenerator::kEpochMs + 5000};
  testing::FakeStockReservations reservations_;
  testing::FakeOrderEventPublisher publisher_;
  const domain::FixedNodeId node_{1};
  domain::OrderIdGenerator ids_{clock_, node_};
  testing::InMemoryQueuedOrders queued_{clock_};
  base::Metrics metrics_;
  PlaceOrder place_{reservations_, publisher_, ids_, queued_, clock_, metrics_};
};

TEST_F(PlaceOrderTest, QueuedOnlyAfterThePublishIsConfirmed) {
  auto result = Place({42, 7, 2, "", ""});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->refusal, common::v1::REFUSAL_UNSPECIFIED);
  ASSERT_EQ(publisher_.published.size(), 1u);
  const domain::Order& order = publisher_.published[0];
  EXPECT_EQ(order.order_id, result->order_id);
  EXPECT_EQ(order.amount_cents, 500);  // 2 x 250, the price the stock step returned
  EXPECT_EQ(Queued(order.order_id, 7)->status, domain::OrderStatus::kQueued);
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
  EXPECT_FALSE(Queued(reservations_.reserves[0].order_id, 7).has_value());
  EXPECT_TRUE(reservations_.marked_published.empty());
}

TEST_F(PlaceOrderTest, AnOrderThatCannotBeRecordedAsQueuedIsNotPublishedAndItsStockReturns) {
  queued_.add_errors.push_back(absl::UnavailableError("redis down"));
  auto result = Place({42, 7, 1, "", ""});
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_TRUE(publisher_.published.empty());
  ASSERT_EQ(reservations_.releases.size(), 1u);
  EXPECT_EQ(reservations_.releases[0], reservations_.reserves[0].order_id);
  EXPECT_FALSE(Queued(reservations_.reserves[0].order_id, 7).has_value());
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

TEST_F(PlaceOrderTest, EveryRefusalIsAnsweredAsItIsAndPublishesNothing) {
  for (int r = common::v1::Refusal_MIN + 1; r <= common::v1::Refusal_MAX; ++r) {
    if (!common::v1::Refusal_IsValid(r)) continue;
    const auto refusal = static_cast<domain::Refusal>(r);
    reservations_.reserve_answers.push_back(domain::Reservation{refusal, false, 0, 0});
    auto result = Place({42, 7, 1, "", ""});
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->refusal, refusal) << common::v1::Refusal_Name(refusal);
  }
  EXPECT_TRUE(publisher_.published.empty());
  EXPECT_TRUE(reservations_.releases.empty());
}

TEST_F(PlaceOrderTest, RepeatedIdempotencyKeyAnswersTheFirstOrderWithoutPublishing) {
  reservations_.reserve_answers.push_back(
      domain::Reservation{common::v1::REFUSAL_UNSPECIFIED, true, 12345, 250});
  auto result = Place({42, 7, 1, "key", ""});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->refusal, common::v1::REFUSAL_UNSPECIFIED);
  EXPECT_EQ(result->order_id, 12345u);
  EXPECT_TRUE(publisher_.published.empty());
}

// A batch reserves in one call; each order is answered on its own: a refusal or a failed
// reservation as it is, a reserved order after its publish, a repeated key with its first order.
TEST_F(PlaceOrderTest, ABatchReservesInOneCallAndAnswersEachOrderOnItsOwn) {
  reservations_.reserve_answers.push_back(
      domain::Reservation{common::v1::REFUSAL_SOLD_OUT, false, 0, 0});
  reservations_.reserve_answers.push_back(absl::UnavailableError("ledger down"));
  auto out = StartMany({{42, 1, 1, "", ""},
                        {42, 2, 1, "", ""},
                        {42, 3, 1, "", ""},
                        {42, 4, 1, "key", ""},
                        {42, 4, 1, "key", ""}});
  ASSERT_TRUE(out->has_value());
  const PlaceOrder::Results& answers = **out;
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(reservations_.reserve_calls, 1);
  ASSERT_TRUE(answers[0].ok());
  EXPECT_EQ(answers[0]->refusal, common::v1::REFUSAL_SOLD_OUT);
  EXPECT_TRUE(absl::IsUnavailable(answers[1].status()));
  ASSERT_TRUE(answers[2].ok());
  EXPECT_EQ(answers[2]->order_id, reservations_.reserves[2].order_id);
  ASSERT_TRUE(answers[3].ok());
  ASSERT_TRUE(answers[4].ok());
  EXPECT_EQ(answers[4]->order_id, answers[3]->order_id) << "a repeated key names its first order";
  EXPECT_EQ(publisher_.published.size(), 2u);  // orders 3 and 4's first, once
  EXPECT_TRUE(reservations_.releases.empty());
}

// The same key twice in one batch: the repeat waits for the first's confirm, inside the same
// batch, and the batch is answered when the confirm comes (no order waits on its own batch).
TEST_F(PlaceOrderTest, ARepeatedKeyInTheSameBatchWaitsForTheFirstsConfirm) {
  publisher_.hold = true;
  auto out = StartMany({{42, 4, 1, "key", ""}, {42, 4, 1, "key", ""}});
  EXPECT_FALSE(out->has_value());
  ASSERT_EQ(publisher_.held.size(), 1u);
  publisher_.held[0](absl::OkStatus());
  Settle();
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((**out)[0].ok());
  ASSERT_TRUE((**out)[1].ok());
  EXPECT_EQ((**out)[1]->order_id, (**out)[0]->order_id);
}

// A repeated key that arrives while the first request's publish is unconfirmed waits for it: a
// 202 is only ever the answer of a confirmed publish.
class PlaceOrderInFlightTest : public PlaceOrderTest {
 protected:
  // The first request reserved and is publishing; the second, same key, is told of its order.
  void FirstInFlightThenDuplicate() {
    publisher_.hold = true;
    first_ = Start({42, 7, 1, "key", ""});
    ASSERT_EQ(publisher_.held.size(), 1u);
    first_id_ = reservations_.reserves[0].order_id;
    reservations_.reserve_answers.push_back(
        domain::Reservation{common::v1::REFUSAL_UNSPECIFIED, true, first_id_, 250});
    second_ = Start({42, 7, 1, "key", ""});
  }
  std::shared_ptr<std::optional<absl::StatusOr<PlaceOrderResult>>> first_, second_;
  uint64_t first_id_ = 0;
};

TEST_F(PlaceOrderInFlightTest, ARepeatedKeyWaitsForTheFirstConfirmAndAnswersTheSameOrder) {
  FirstInFlightThenDuplicate();
  EXPECT_FALSE(first_->has_value());
  EXPECT_FALSE(second_->has_value()) << "answered before the first request's publish was confirmed";
  publisher_.held[0](absl::OkStatus());
  Settle();
  ASSERT_TRUE(second_->has_value());
  ASSERT_TRUE((*second_)->ok());
  EXPECT_EQ((**second_)->refusal, common::v1::REFUSAL_UNSPECIFIED);
  EXPECT_EQ((**second_)->order_id, first_id_);
  EXPECT_EQ((**first_)->order_id, first_id_);
  EXPECT_EQ(publisher_.published.size(), 1u);
}

TEST_F(PlaceOrderInFlightTest, ARepeatedKeyGetsTheFirstFailureNotA202) {
  FirstInFlightThenDuplicate();
  publisher_.held[0](absl::UnavailableError("broker down"));
  Settle();
  ASSERT_TRUE(first_->has_value());
  EXPECT_TRUE(absl::IsUnavailable((*first_)->status()));
  ASSERT_TRUE(second_->has_value());
  EXPECT_TRUE(absl::IsUnavailable((*second_)->status()))
      << "a 202 for an order that was compensated";
  EXPECT_EQ(reservations_.releases, std::vector<uint64_t>{first_id_});
}

TEST_F(PlaceOrderInFlightTest, ARepeatedKeyAfterTheFirstFinishedIsAnsweredAtOnce) {
  FirstInFlightThenDuplicate();
  publisher_.held[0](absl::OkStatus());
  Settle();
  reservations_.reserve_answers.push_back(
      domain::Reservation{common::v1::REFUSAL_UNSPECIFIED, true, first_id_, 250});
  auto third = Start({42, 7, 1, "key", ""});
  ASSERT_TRUE(third->has_value());
  EXPECT_EQ((**third)->order_id, first_id_);
}

}  // namespace
}  // namespace seckill::order::app
