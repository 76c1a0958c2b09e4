// Order node ids leased in etcd (the stack's real etcd): two order instances started together
// hold different ids and so never mint the same order id; an id is not handed out while its
// holder's lease runs.
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "services/order/adapters/leased_node_id.h"
#include "tests/support/stack_clients.h"

namespace seckill::testing {
namespace {

using namespace std::chrono_literals;

// One order instance's node id, on an io_context of its own as a service runs one.
class Instance {
 public:
  Instance() : node_(io_.get_executor(), StackEtcdOptions(), 10s), thread_([this] { io_.run(); }) {
    node_.Start();
  }
  ~Instance() {
    node_.Stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  // The leased id, waited for (5 s at most).
  std::optional<uint16_t> WaitForId() {
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (!node_.Current() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(10ms);
    }
    return node_.Current();
  }
  const order::domain::NodeIdSource& node() const { return node_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  order::adapters::LeasedNodeId node_;
  std::thread thread_;
};

TEST(LeasedNodeIdTest, TwoInstancesStartedTogetherNeverMintTheSameOrderId) {
  Instance first;
  Instance second;
  const std::optional<uint16_t> a = first.WaitForId();
  const std::optional<uint16_t> b = second.WaitForId();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(*a, *b);

  base::SystemClock clock;
  order::domain::OrderIdGenerator first_ids(clock, first.node());
  order::domain::OrderIdGenerator second_ids(clock, second.node());
  constexpr int kIds = 100'000;
  std::vector<uint64_t> minted[2];
  std::thread other([&] {
    for (int i = 0; i < kIds; ++i) minted[1].push_back(second_ids.Next().value());
  });
  for (int i = 0; i < kIds; ++i) minted[0].push_back(first_ids.Next().value());
  other.join();
  std::set<uint64_t> all(minted[0].begin(), minted[0].end());
  all.insert(minted[1].begin(), minted[1].end());
  EXPECT_EQ(all.size(), size_t{2 * kIds}) << "an order id was minted twice";
}

TEST(LeasedNodeIdTest, AHeldIdIsNotHandedOutAndAReleasedOneIs) {
  auto first = std::make_unique<Instance>();
  const std::optional<uint16_t> held = first->WaitForId();
  ASSERT_TRUE(held.has_value());
  {
    Instance second;
    const std::optional<uint16_t> other = second.WaitForId();
    ASSERT_TRUE(other.has_value());
    EXPECT_NE(*other, *held);
  }
  first.reset();  // gives its id back
  Instance third;
  const std::optional<uint16_t> again = third.WaitForId();
  ASSERT_TRUE(again.has_value());
  EXPECT_LE(*again, *held) << "the lowest free id is taken";
}

}  // namespace
}  // namespace seckill::testing
