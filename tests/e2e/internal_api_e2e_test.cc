// The services' gRPC APIs on the running stack: each checks its input at its own edge
// (INVALID_ARGUMENT, nothing reserved) and passes a refusal on as the ledger gave it; and what an
// order instance killed between queuing an order and publishing it leaves is finished by the
// order service's sweep.
#include <random>
#include <string>
#include <thread>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/run_to_completion.h"
#include "libs/rpc/mutual_tls.h"
#include "seckill/order/v1/order.grpc.pb.h"
#include "seckill/product/v1/product.grpc.pb.h"
#include "services/order/adapters/redis_queued_orders.h"
#include "tests/support/e2e_fixture.h"
#include "tests/support/service_channels.h"
#include "tests/support/stack_redis.h"

namespace seckill::testing {
namespace {

namespace ov1 = seckill::order::v1;
namespace pv1 = seckill::product::v1;

class InternalApiE2eTest : public E2eTest {
 protected:
  grpc::Status PlaceOrder(const ov1::PlaceOrderRequest& request, ov1::PlaceOrderResponse* out) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return orders_->PlaceOrder(&context, request, out);
  }
  ov1::PlaceOrderRequest Request(const std::string& activity, int64_t quantity,
                                 const std::string& key = "") {
    ov1::PlaceOrderRequest r;
    r.set_activity_id(std::stoull(activity));
    r.set_user_id(std::stoull(buyer_.user_id));
    r.set_quantity(quantity);
    r.set_idempotency_key(key);
    return r;
  }

  bench::BuyerAccount buyer_ = NewBuyers(1).at(0);
  // Each service as its real caller: the gateway places orders, the order service reserves.
  std::unique_ptr<ov1::OrderService::Stub> orders_ =
      ov1::OrderService::NewStub(ServiceChannel("order", rpc::kGatewayIdentity));
  std::unique_ptr<pv1::ProductService::Stub> products_ =
      pv1::ProductService::NewStub(ServiceChannel("product", rpc::kOrderIdentity));
};

TEST_F(InternalApiE2eTest, TheOrderServiceRefusesInvalidInputBeforeTouchingStock) {
  const std::string activity = NewActivity(5, 1000);
  ov1::PlaceOrderResponse response;
  EXPECT_EQ(PlaceOrder(Request(activity, 0), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(PlaceOrder(Request(activity, 1001), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(PlaceOrder(Request(activity, 1, std::string(65, 'k')), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Stats(activity).remaining, 5);
}

TEST_F(InternalApiE2eTest, TheProductServiceRefusesAQuantityBelowOne) {
  const std::string activity = NewActivity(5, 1000);
  pv1::ReserveStocksRequest request;
  pv1::ReserveStockRequest* item = request.add_items();
  item->set_activity_id(std::stoull(activity));
  item->set_user_id(std::stoull(buyer_.user_id));
  item->set_order_id(4242);
  item->set_quantity(0);
  pv1::ReserveStocksResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(products_->ReserveStocks(&context, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Stats(activity).remaining, 5);
}

// The idempotency key is any text of up to 64 characters: the ledger's record format does not
// leak into the API.
TEST_F(InternalApiE2eTest, AnIdempotencyKeyWithTheLedgersSeparatorWorks) {
  const std::string activity = NewActivity(5, 1000);
  ov1::PlaceOrderResponse first;
  ov1::PlaceOrderResponse again;
  ASSERT_TRUE(PlaceOrder(Request(activity, 1, "a|b|R|c"), &first).ok());
  ASSERT_TRUE(PlaceOrder(Request(activity, 1, "a|b|R|c"), &again).ok());
  EXPECT_EQ(first.refusal(), common::v1::REFUSAL_UNSPECIFIED);
  EXPECT_EQ(again.refusal(), common::v1::REFUSAL_UNSPECIFIED);
  EXPECT_EQ(again.order_id(), first.order_id());
  EXPECT_EQ(Stats(activity).remaining, 4);
}

TEST_F(InternalApiE2eTest, RefusalsArePassedOnAsTheLedgerGaveThem) {
  const std::string activity = NewActivity(1, 1000);
  ov1::PlaceOrderResponse response;
  ASSERT_TRUE(PlaceOrder(Request(activity, 2), &response).ok());
  EXPECT_EQ(response.refusal(), common::v1::REFUSAL_SOLD_OUT);
  ASSERT_TRUE(PlaceOrder(Request("999999999999", 1), &response).ok());
  EXPECT_EQ(response.refusal(), common::v1::REFUSAL_ACTIVITY_NOT_FOUND);
  const std::string later = NewActivity(1, 1000, 3'600'000, 7'200'000);
  ASSERT_TRUE(PlaceOrder(Request(later, 1), &response).ok());
  EXPECT_EQ(response.refusal(), common::v1::REFUSAL_NOT_STARTED);
}

// An order instance killed after queuing an order and before publishing it leaves its
// reservation RESERVED and its queued entry, and no message. Both are made here as it would have
// made them (the reservation as the order service, the entry through its own adapter and Redis
// user, dated order.resume_queued_after_s and a little more ago); the running order service's
// sweep (every order.expiry_sweep_interval_s, 30 s in `make up`) then records the order, and
// nothing is left in flight.
TEST_F(InternalApiE2eTest, AnOrderLeftQueuedByAKilledInstanceIsRecordedByTheSweep) {
  const std::string activity = NewActivity(5, 1000);
  static std::mt19937_64 rng(std::random_device{}());
  const uint64_t order_id = 8'000'000'000'000'000'000ULL + rng() % 1'000'000'000'000ULL;
  pv1::ReserveStocksRequest request;
  pv1::ReserveStockRequest* item = request.add_items();
  item->set_activity_id(std::stoull(activity));
  item->set_user_id(std::stoull(buyer_.user_id));
  item->set_order_id(order_id);
  item->set_quantity(1);
  pv1::ReserveStocksResponse reserved;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(products_->ReserveStocks(&context, request, &reserved).ok());
  ASSERT_EQ(reserved.results_size(), 1);
  ASSERT_EQ(reserved.results(0).refusal(), common::v1::REFUSAL_UNSPECIFIED);

  constexpr int64_t kResumeAfterMs = 60'000;  // order.resume_queued_after_s's default
  const base::ManualClock then(base::SystemClock().NowMs() - kResumeAfterMs - 1000);
  StackRedis redis("SECKILL_QUEUED_ORDERS_REDIS_URL");
  order::adapters::RedisQueuedOrders queued(redis.client(), then);
  const order::domain::Order order{order_id,
                                   std::stoull(activity),
                                   std::stoull(buyer_.user_id),
                                   1,
                                   reserved.results(0).price_cents(),
                                   order::domain::OrderStatus::kQueued,
                                   then.NowMs()};
  ASSERT_TRUE(base::RunToCompletion(queued.Add(order)).ok());
  const std::string target = "/api/v1/orders/" + std::to_string(order_id);
  auto shown = client_.Call("GET", target, "", buyer_.token);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(bench::JsonString(shown->body, "status"), "QUEUED") << shown->body;

  std::string status;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
  while (std::chrono::steady_clock::now() < deadline) {
    shown = client_.Call("GET", target, "", buyer_.token);
    ASSERT_TRUE(shown.ok());
    status = bench::JsonString(shown->body, "status");
    if (status != "QUEUED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(status, "CREATED") << shown->body;
  const bench::SaleClient::Stats stats = Stats(activity);
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(stats.reserved, 0);
  EXPECT_EQ(stats.created, 1);
  EXPECT_EQ(stats.remaining, 4);
}

}  // namespace
}  // namespace seckill::testing
