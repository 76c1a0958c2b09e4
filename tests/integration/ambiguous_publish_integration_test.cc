// Issue 4, acceptance 2: a publish whose confirm was lost although the broker took the message,
// followed by compensation, ends with the stock returned once and the order FAILED; never an
// extra order. Real Redis Functions for the ledger; the broker's ambiguity is simulated by a
// publisher that delivers the message but reports the confirm as lost.
#include <random>
#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/run_to_completion.h"
#include "services/order/app/place_order.h"
#include "services/order/app/record_order.h"
#include "services/order/testing/in_memory_order_repository.h"
#include "services/order/testing/in_memory_queued_orders.h"
#include "services/product/adapters/redis_stock_ledger.h"
#include "tests/support/ledger_backed_reservations.h"
#include "tests/support/stack_env.h"

namespace seckill::testing {
namespace {

// Delivers every order to the queue (kept here), but answers as if the confirm never came.
class DeliveredButUnconfirmed final : public order::domain::OrderEventPublisher {
 public:
  base::AsyncStatus Publish(const order::domain::Order& order, const std::string&) override {
    delivered.push_back(order);
    co_return absl::DeadlineExceededError("the broker did not confirm in time");
  }
  std::vector<order::domain::Order> delivered;
};

class AmbiguousPublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const StackEnv& env = StackEnv::Get();
    redis::AsyncClientOptions options;
    options.server = *redis::Endpoint::FromUrl(env.At("SECKILL_REDIS_URL"));
    client_ = redis::AsyncClient::Create(ioc_.get_executor(), options);
    thread_ = std::thread([this] { ioc_.run(); });
    for (int i = 0; i < 100 && !client_->Connected(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ledger_ = std::make_unique<product::adapters::RedisStockLedger>(client_);
    reservations_ = std::make_unique<LedgerBackedReservations>(*ledger_);
    static std::mt19937_64 rng(std::random_device{}());
    activity_ = 3'000'000'000 + rng() % 1'000'000'000;
    const int64_t now = base::SystemClock().NowMs();
    const product::domain::ActivityTerms terms{1, "t", 100, 1, now - 60'000, now + 600'000, 1};
    ASSERT_TRUE(base::RunToCompletion(ledger_->Seed(activity_, terms)).ok());
  }
  void TearDown() override {
    client_->Close();
    work_.reset();
    thread_.join();
  }
  product::domain::StockSnapshot Snapshot() {
    return base::RunToCompletion(ledger_->Snapshot(activity_)).value();
  }

  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      ioc_.get_executor()};
  std::shared_ptr<redis::AsyncClient> client_;
  std::thread thread_;
  std::unique_ptr<product::adapters::RedisStockLedger> ledger_;
  std::unique_ptr<LedgerBackedReservations> reservations_;
  uint64_t activity_ = 0;
};

TEST_F(AmbiguousPublishTest, CompensatedButDeliveredOrderEndsFailedWithStockReturnedOnce) {
  base::SystemClock clock;
  DeliveredButUnconfirmed publisher;
  order::testing::InMemoryOrderRepository repository;
  order::testing::InMemoryQueuedOrders queued(clock);
  const order::domain::FixedNodeId node(9);
  order::domain::OrderIdGenerator ids(clock, node);
  base::Metrics metrics;
  order::app::PlaceOrder place(*reservations_, publisher, ids, queued, clock, metrics);
  order::app::RecordOrder record(*reservations_, repository, queued, clock, metrics);

  // The buyer is refused (503): the publish outcome is unknown, so the stock was released.
  order::app::PlaceOrderRequest first{activity_, 7, 1, "", ""};
  auto placed = base::RunToCompletion(place(first));
  EXPECT_TRUE(absl::IsUnavailable(placed.status())) << placed.status();
  EXPECT_EQ(Snapshot().remaining, 1);
  EXPECT_EQ(Snapshot().reserved, 0);

  // Another buyer takes the returned unit.
  order::app::PlaceOrderRequest another{activity_, 8, 1, "", ""};
  auto second = base::RunToCompletion(place(another));
  EXPECT_TRUE(absl::IsUnavailable(second.status()));  // same publisher: also compensated
  ASSERT_EQ(publisher.delivered.size(), 2u);

  // The "lost" messages arrive at the consumer after all (twice each, as redeliveries may).
  for (int round = 0; round < 2; ++round) {
    for (const auto& message : publisher.delivered)
      ASSERT_TRUE(base::RunToCompletion(record(message)).ok());
  }
  // Both are FAILED orders, none was sold, and the stock came back exactly once each.
  for (const auto& message : publisher.delivered) {
    EXPECT_EQ((*base::RunToCompletion(repository.Find(message.order_id)))->status,
              order::domain::OrderStatus::kFailed);
  }
  auto counts = base::RunToCompletion(repository.CountByStatus(activity_)).value();
  EXPECT_EQ(counts[order::domain::OrderStatus::kCreated], 0);
  EXPECT_EQ(counts[order::domain::OrderStatus::kFailed], 2);
  EXPECT_EQ(Snapshot().remaining, 1);
  EXPECT_EQ(Snapshot().reserved, 0);
}

}  // namespace
}  // namespace seckill::testing
