// The in-memory queued orders used by unit tests and the Redis ones shared by the order
// instances must agree, or the fake is lying. The Redis case runs as the order service's own
// Redis user, so it also shows that user may do what the adapter needs.
#include <algorithm>
#include <random>

#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/run_to_completion.h"
#include "services/order/adapters/redis_queued_orders.h"
#include "services/order/testing/in_memory_queued_orders.h"
#include "tests/support/stack_redis.h"

namespace seckill::order {
namespace {

constexpr int64_t kTtlMs = 60'000;

struct InMemoryEnv {
  explicit InMemoryEnv(const base::Clock& clock) : queued(clock, kTtlMs) {}
  domain::QueuedOrders& Queued() { return queued; }
  testing::InMemoryQueuedOrders queued;
};

struct RedisEnv {
  explicit RedisEnv(const base::Clock& clock) : queued(redis.client(), clock, kTtlMs) {}
  domain::QueuedOrders& Queued() { return queued; }
  seckill::testing::StackRedis redis{"SECKILL_QUEUED_ORDERS_REDIS_URL"};
  adapters::RedisQueuedOrders queued;
};

template <class Env>
class QueuedOrdersContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng(std::random_device{}());
    base_ = 1'000'000'000 + rng() % 1'000'000'000'000;
  }
  // Order n of buyer `user` for activity `activity`, all three made unique to this test.
  domain::Order AnOrder(uint64_t n, uint64_t user, uint64_t activity = 1) {
    return domain::Order{base_ + n,
                         base_ + activity,
                         base_ + user,
                         2,
                         500,
                         domain::OrderStatus::kQueued,
                         1'700'000'000'000 + static_cast<int64_t>(n)};
  }
  void Add(const domain::Order& order) {
    ASSERT_TRUE(base::RunToCompletion(queued().Add(order)).ok());
  }
  void Remove(const std::vector<domain::Order>& orders) {
    ASSERT_TRUE(base::RunToCompletion(queued().Remove(orders)).ok());
  }
  std::optional<domain::Order> Find(uint64_t n, uint64_t user) {
    return base::RunToCompletion(queued().Find(base_ + n, base_ + user)).value();
  }
  size_t CountForUser(uint64_t user) {
    return base::RunToCompletion(queued().ForUser(base_ + user)).value().size();
  }
  int64_t CountForActivity(uint64_t activity) {
    return base::RunToCompletion(queued().CountForActivity(base_ + activity)).value();
  }
  // The ids (less this test's base) of this test's orders AddedBefore lists, in its order (the
  // Redis case's store is shared with other tests).
  std::vector<uint64_t> AddedBefore(int64_t before_ms) {
    const std::vector<domain::Order> listed =
        base::RunToCompletion(queued().AddedBefore(before_ms, 10'000)).value();
    std::vector<uint64_t> ids;
    for (const domain::Order& o : listed) {
      if (o.order_id > base_ && o.order_id - base_ < 100) ids.push_back(o.order_id - base_);
    }
    return ids;
  }
  domain::QueuedOrders& queued() { return env_.Queued(); }

  base::ManualClock clock_{base::SystemClock().NowMs()};
  Env env_{clock_};
  uint64_t base_ = 0;
};

using Implementations = ::testing::Types<InMemoryEnv, RedisEnv>;
TYPED_TEST_SUITE(QueuedOrdersContractTest, Implementations);

TYPED_TEST(QueuedOrdersContractTest, AQueuedOrderIsFoundWholeByItsBuyerOnly) {
  const domain::Order order = this->AnOrder(1, 7);
  this->Add(order);
  const std::optional<domain::Order> found = this->Find(1, 7);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->order_id, order.order_id);
  EXPECT_EQ(found->activity_id, order.activity_id);
  EXPECT_EQ(found->user_id, order.user_id);
  EXPECT_EQ(found->quantity, 2);
  EXPECT_EQ(found->amount_cents, 500);
  EXPECT_EQ(found->created_at_ms, order.created_at_ms);
  EXPECT_EQ(found->status, domain::OrderStatus::kQueued);
  EXPECT_FALSE(this->Find(1, 8).has_value());
  EXPECT_FALSE(this->Find(2, 7).has_value());
}

TYPED_TEST(QueuedOrdersContractTest, EachBuyerAndEachActivityCountsItsOwn) {
  this->Add(this->AnOrder(1, 7, 1));
  this->Add(this->AnOrder(2, 7, 2));
  this->Add(this->AnOrder(3, 8, 1));
  this->Add(this->AnOrder(3, 8, 1));  // again: still one entry
  EXPECT_EQ(this->CountForUser(7), 2u);
  EXPECT_EQ(this->CountForUser(8), 1u);
  EXPECT_EQ(this->CountForUser(9), 0u);
  EXPECT_EQ(this->CountForActivity(1), 2);
  EXPECT_EQ(this->CountForActivity(2), 1);
  EXPECT_EQ(this->CountForActivity(3), 0);
}

TYPED_TEST(QueuedOrdersContractTest, RemovedOrdersAreGoneAndRemovingTwiceIsFine) {
  this->Add(this->AnOrder(1, 7, 1));
  this->Add(this->AnOrder(2, 7, 1));
  this->Add(this->AnOrder(3, 8, 2));
  this->Remove({this->AnOrder(1, 7, 1), this->AnOrder(3, 8, 2)});
  EXPECT_FALSE(this->Find(1, 7).has_value());
  EXPECT_TRUE(this->Find(2, 7).has_value());
  EXPECT_EQ(this->CountForUser(8), 0u);
  EXPECT_EQ(this->CountForActivity(1), 1);
  EXPECT_EQ(this->CountForActivity(2), 0);
  this->Remove({this->AnOrder(1, 7, 1), this->AnOrder(9, 9, 9)});
  this->Remove({});
  EXPECT_EQ(this->CountForActivity(1), 1);
}

TYPED_TEST(QueuedOrdersContractTest, AnEntryOlderThanTheTtlIsForgotten) {
  this->Add(this->AnOrder(1, 7, 1));
  this->clock_.AdvanceMs(kTtlMs - 1);
  this->Add(this->AnOrder(2, 7, 1));
  EXPECT_TRUE(this->Find(1, 7).has_value());
  EXPECT_EQ(this->CountForActivity(1), 2);
  this->clock_.AdvanceMs(1);
  EXPECT_FALSE(this->Find(1, 7).has_value());
  EXPECT_TRUE(this->Find(2, 7).has_value());
  EXPECT_EQ(this->CountForUser(7), 1u);
  EXPECT_EQ(this->CountForActivity(1), 1);
}

// What the sweep resumes: every buyer's and activity's entries older than a time, oldest first,
// whole, and only while they are live.
TYPED_TEST(QueuedOrdersContractTest, AddedBeforeListsTheOldEntriesOldestFirst) {
  const int64_t start = this->clock_.NowMs();
  this->Add(this->AnOrder(1, 7, 1));
  this->clock_.AdvanceMs(10);
  this->Add(this->AnOrder(2, 8, 2));
  this->clock_.AdvanceMs(10);
  this->Add(this->AnOrder(3, 7, 1));
  EXPECT_EQ(this->AddedBefore(start), std::vector<uint64_t>{});
  EXPECT_EQ(this->AddedBefore(start + 20), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(this->AddedBefore(start + 21), (std::vector<uint64_t>{1, 2, 3}));
  const std::vector<domain::Order> listed =
      base::RunToCompletion(this->queued().AddedBefore(start + 11, 10'000)).value();
  const auto second =
      std::ranges::find(listed, this->AnOrder(2, 8, 2).order_id, &domain::Order::order_id);
  ASSERT_NE(second, listed.end());
  EXPECT_EQ(second->user_id, this->AnOrder(2, 8, 2).user_id);
  EXPECT_EQ(second->activity_id, this->AnOrder(2, 8, 2).activity_id);
  EXPECT_EQ(second->quantity, 2);
  EXPECT_EQ(second->amount_cents, 500);
  EXPECT_EQ(second->created_at_ms, this->AnOrder(2, 8, 2).created_at_ms);
  EXPECT_EQ(second->status, domain::OrderStatus::kQueued);

  this->Remove({this->AnOrder(1, 7, 1)});
  EXPECT_EQ(this->AddedBefore(start + 21), (std::vector<uint64_t>{2, 3}));
  this->clock_.AdvanceMs(kTtlMs - 10);  // order 2 is a TTL old: forgotten
  EXPECT_EQ(this->AddedBefore(start + 21), std::vector<uint64_t>{3});
}

}  // namespace
}  // namespace seckill::order
