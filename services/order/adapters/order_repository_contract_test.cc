// The in-memory repository used by unit tests and the MariaDB one must agree.
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "boost/asio/thread_pool.hpp"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/run_to_completion.h"
#include "libs/mysql/pool.h"
#include "services/order/adapters/mariadb_order_repository.h"
#include "services/order/testing/in_memory_order_repository.h"
#include "tests/support/stack_clients.h"

namespace seckill::order {
namespace {

using domain::OrderStatus;
using domain::PayOutcome;

struct InMemoryEnv {
  domain::OrderRepository& Repo() { return repo; }
  testing::InMemoryOrderRepository repo;
};

struct MariaDbEnv {
  domain::OrderRepository& Repo() { return repo; }
  mysql::Pool pool{seckill::testing::StackDbOptions(), 4};
  boost::asio::thread_pool blocking{4};
  adapters::MariaDbOrderRepository repo{pool, blocking.get_executor()};
};

template <class Env>
class OrderRepositoryContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng(std::random_device{}());
    base_ = 1'000'000'000'000 + rng() % 1'000'000'000'000;
  }
  domain::Order AnOrder(uint64_t n, uint64_t user) {
    return domain::Order{base_ + n,
                         base_,
                         base_ + user,
                         1,
                         250,
                         OrderStatus::kCreated,
                         static_cast<int64_t>(1000 + n)};
  }
  domain::OrderRepository& repo() { return env_.Repo(); }
  Env env_;
  uint64_t base_ = 0;
};

using Implementations = ::testing::Types<InMemoryEnv, MariaDbEnv>;
TYPED_TEST_SUITE(OrderRepositoryContractTest, Implementations);

TYPED_TEST(OrderRepositoryContractTest, InsertTwiceIsAlreadyExists) {
  EXPECT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(1, 1), 5)).ok());
  EXPECT_TRUE(
      absl::IsAlreadyExists(base::RunToCompletion(this->repo().Insert(this->AnOrder(1, 1), 6))));
  auto found = base::RunToCompletion(this->repo().Find(this->base_ + 1));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->amount_cents, 250);
  EXPECT_EQ((*found)->status, OrderStatus::kCreated);
}

TYPED_TEST(OrderRepositoryContractTest, InsertAllStoresABatchInOneGo) {
  std::vector<domain::Order> batch;
  for (uint64_t n = 1; n <= 300; ++n) batch.push_back(this->AnOrder(n, n % 7));
  batch[5].status = OrderStatus::kFailed;
  ASSERT_TRUE(base::RunToCompletion(this->repo().InsertAll(batch, 5)).ok());
  auto counts = base::RunToCompletion(this->repo().CountByStatus(this->base_));
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at(OrderStatus::kCreated), 299);
  EXPECT_EQ(counts->at(OrderStatus::kFailed), 1);
  auto found = base::RunToCompletion(this->repo().Find(this->base_ + 300));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->user_id, this->base_ + 300 % 7);
}

// All or nothing: one row already there, twice in the batch, or refused by the table leaves
// every row of the batch out, so the caller can retry them one at a time.
TYPED_TEST(OrderRepositoryContractTest, InsertAllStoresNothingWhenOneRowFails) {
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(2, 1), 5)).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(base::RunToCompletion(
      this->repo().InsertAll({this->AnOrder(1, 1), this->AnOrder(2, 1), this->AnOrder(3, 1)}, 6))));
  EXPECT_TRUE(absl::IsAlreadyExists(base::RunToCompletion(
      this->repo().InsertAll({this->AnOrder(4, 1), this->AnOrder(4, 1)}, 6))));
  domain::Order refused = this->AnOrder(6, 1);
  refused.quantity = 0;  // the table's CHECK constraint
  absl::Status bad_row =
      base::RunToCompletion(this->repo().InsertAll({this->AnOrder(5, 1), refused}, 6));
  EXPECT_FALSE(bad_row.ok());
  EXPECT_FALSE(absl::IsAlreadyExists(bad_row)) << bad_row;
  for (uint64_t n : {1, 3, 4, 5, 6}) {
    auto found = base::RunToCompletion(this->repo().Find(this->base_ + n));
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value()) << "order " << n;
  }
}

TYPED_TEST(OrderRepositoryContractTest, MissingOrderIsEmptyNotAnError) {
  auto found = base::RunToCompletion(this->repo().Find(this->base_ + 99));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TYPED_TEST(OrderRepositoryContractTest, ListsOnlyTheUsersOrdersNewestFirst) {
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(1, 1), 5)).ok());
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(2, 1), 5)).ok());
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(3, 2), 5)).ok());
  auto orders = base::RunToCompletion(this->repo().ListByUser(this->base_ + 1, 10));
  ASSERT_TRUE(orders.ok());
  ASSERT_EQ(orders->size(), 2u);
  EXPECT_EQ((*orders)[0].order_id, this->base_ + 2);
}

TYPED_TEST(OrderRepositoryContractTest, PayOnlyCreatedOrdersOfTheOwner) {
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(1, 1), 5)).ok());
  domain::Order failed = this->AnOrder(2, 1);
  failed.status = OrderStatus::kFailed;
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(failed, 5)).ok());
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 1, this->base_ + 2, 6)).value(),
      PayOutcome::kNotFound);
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 1, this->base_ + 1, 6)).value(),
      PayOutcome::kPaid);
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 1, this->base_ + 1, 7)).value(),
      PayOutcome::kAlreadyPaid);
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 2, this->base_ + 1, 7)).value(),
      PayOutcome::kNotPayable);
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 9, this->base_ + 1, 7)).value(),
      PayOutcome::kNotFound);
}

TYPED_TEST(OrderRepositoryContractTest, CountsByStatusPerActivity) {
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(1, 1), 5)).ok());
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(2, 2), 5)).ok());
  ASSERT_TRUE(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 2, this->base_ + 2, 6)).ok());
  auto counts = base::RunToCompletion(this->repo().CountByStatus(this->base_));
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)[OrderStatus::kCreated], 1);
  EXPECT_EQ((*counts)[OrderStatus::kPaid], 1);
  EXPECT_EQ(base::RunToCompletion(this->repo().CountByStatus(this->base_ + 1))->size(), 0u);
}

TYPED_TEST(OrderRepositoryContractTest, CancelOnlyCreatedOrders) {
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(1, 1), 5)).ok());
  ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(2, 1), 5)).ok());
  ASSERT_TRUE(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 2, this->base_ + 1, 6)).ok());
  using domain::CancelOutcome;
  EXPECT_EQ(base::RunToCompletion(this->repo().MarkCancelled(this->base_ + 1, this->base_ + 2, 7))
                .value(),
            CancelOutcome::kNotFound);
  EXPECT_EQ(base::RunToCompletion(this->repo().MarkCancelled(this->base_ + 1, this->base_ + 1, 7))
                .value(),
            CancelOutcome::kCancelled);
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkCancelled(this->base_ + 1, std::nullopt, 8)).value(),
      CancelOutcome::kAlreadyCancelled);
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkCancelled(this->base_ + 2, std::nullopt, 8)).value(),
      CancelOutcome::kNotCancellable);
  EXPECT_EQ(
      base::RunToCompletion(this->repo().MarkPaid(this->base_ + 1, this->base_ + 1, 9)).value(),
      PayOutcome::kNotPayable);
  // (Named results: a range-for over *temporary_status_or would dangle before C++23.)
  auto owed = base::RunToCompletion(this->repo().ListCancelledAwaitingStock(100000));
  ASSERT_TRUE(owed.ok());
  EXPECT_TRUE(std::any_of(owed->begin(), owed->end(),
                          [&](const auto& o) { return o.order_id == this->base_ + 1; }));
  ASSERT_TRUE(base::RunToCompletion(this->repo().MarkStockReturned(this->base_ + 1)).ok());
  auto still_owed = base::RunToCompletion(this->repo().ListCancelledAwaitingStock(100000));
  ASSERT_TRUE(still_owed.ok());
  EXPECT_TRUE(std::none_of(still_owed->begin(), still_owed->end(),
                           [&](const auto& o) { return o.order_id == this->base_ + 1; }));
}

TYPED_TEST(OrderRepositoryContractTest, PayAndCancelRacingOnOneOrderHaveOneWinner) {
  for (uint64_t n = 1; n <= 20; ++n) {
    ASSERT_TRUE(base::RunToCompletion(this->repo().Insert(this->AnOrder(n, 1), 5)).ok());
    std::atomic<int> winners{0};
    std::thread pay([&] {
      winners += base::RunToCompletion(this->repo().MarkPaid(this->base_ + n, this->base_ + 1, 6))
                     .value() == PayOutcome::kPaid;
    });
    std::thread cancel([&] {
      winners +=
          base::RunToCompletion(this->repo().MarkCancelled(this->base_ + n, this->base_ + 1, 6))
              .value() == domain::CancelOutcome::kCancelled;
    });
    pay.join();
    cancel.join();
    EXPECT_EQ(winners.load(), 1) << "order " << n;
  }
}

// The dead-letter consumer acks only what it kept, so every letter the broker can carry must fit:
// the longest AMQP message id, and a body at the size the order service keeps (DeadLetters).
TYPED_TEST(OrderRepositoryContractTest, KeepsTheLongestMessageIdAndAMebibyteBody) {
  domain::DeadLetter letter;
  letter.message_id =
      std::to_string(this->base_) + std::string(255 - std::to_string(this->base_).size(), 'x');
  letter.body = std::string(1 << 20, '\xff');
  letter.body[1] = '\0';
  letter.reason = "not an OrderPlaced message";
  letter.received_at_ms = 7;
  ASSERT_TRUE(base::RunToCompletion(this->repo().RecordDeadLetter(letter)).ok());
  auto letters = base::RunToCompletion(this->repo().ListDeadLetters(100));
  ASSERT_TRUE(letters.ok()) << letters.status();
  auto kept = std::find_if(letters->begin(), letters->end(), [&](const domain::DeadLetter& d) {
    return d.message_id == letter.message_id;
  });
  ASSERT_NE(kept, letters->end());
  EXPECT_EQ(kept->body, letter.body);
  EXPECT_FALSE(kept->order_id.has_value());
}

}  // namespace
}  // namespace seckill::order
