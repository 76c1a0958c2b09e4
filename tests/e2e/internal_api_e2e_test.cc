// The services' gRPC APIs on the running stack: each checks its input at its own edge
// (INVALID_ARGUMENT, nothing reserved) and passes a refusal on as the ledger gave it.
#include <string>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/rpc/mutual_tls.h"
#include "seckill/order/v1/order.grpc.pb.h"
#include "seckill/product/v1/product.grpc.pb.h"
#include "tests/support/e2e_fixture.h"
#include "tests/support/service_channels.h"

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

}  // namespace
}  // namespace seckill::testing
