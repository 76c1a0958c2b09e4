#include "services/order/domain/order.h"

#include <set>
#include <thread>

#include "gtest/gtest.h"

namespace seckill::order::domain {
namespace {

TEST(OrderIdGeneratorTest, IdsAreUniqueAndIncreasingEvenPastTheSequenceLimit) {
  base::ManualClock clock(OrderIdGenerator::kEpochMs + 1000);
  const FixedNodeId node(7);
  OrderIdGenerator ids(clock, node);
  uint64_t previous = 0;
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {  // > 4096 ids in one frozen millisecond
    uint64_t id = ids.Next().value();
    EXPECT_GT(id, previous);
    previous = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
  EXPECT_EQ((previous >> 12) & 0x3FF, 7u);
}

TEST(OrderIdGeneratorTest, UniqueAcrossThreads) {
  base::SystemClock clock;
  const FixedNodeId node(1);
  OrderIdGenerator ids(clock, node);
  std::vector<std::vector<uint64_t>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&ids, &out] {
      for (int i = 0; i < 5000; ++i) out.push_back(ids.Next().value());
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> all;
  for (auto& out : per_thread) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 20000u);
}

TEST(OrderStatusTest, NamesRoundTrip) {
  for (OrderStatus s : {OrderStatus::kQueued, OrderStatus::kCreated, OrderStatus::kPaid,
                        OrderStatus::kCancelled, OrderStatus::kFailed}) {
    EXPECT_EQ(ParseStatus(StatusName(s)), s);
  }
  EXPECT_FALSE(ParseStatus("SHIPPED").has_value());
}

// A node without a node id (its lease lapsed) mints nothing, and mints again once it has one.
TEST(OrderIdGeneratorTest, NoNodeIdNoId) {
  class Switchable final : public NodeIdSource {
   public:
    std::optional<uint16_t> Current() const override { return id; }
    std::optional<uint16_t> id;
  } node;
  base::ManualClock clock(OrderIdGenerator::kEpochMs + 1000);
  OrderIdGenerator ids(clock, node);
  EXPECT_EQ(ids.Next(), std::nullopt);
  node.id = 5;
  const std::optional<uint64_t> id = ids.Next();
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ((*id >> 12) & 0x3FF, 5u);
}

}  // namespace
}  // namespace seckill::order::domain
