#include "services/order/api/callers.h"

#include "gtest/gtest.h"
#include "seckill/order/v1/order.pb.h"

namespace seckill::order::api {
namespace {

// Every method of the service has callers, and the policy names no method the service lacks (a
// typo would deny a method its callers need).
TEST(OrderCallersTest, ThePolicyCoversExactlyTheServicesMethods) {
  const auto* service =
      seckill::order::v1::OrderPlaced::descriptor()->file()->FindServiceByName("OrderService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(OrderCallers().Methods(), rpc::MethodsOf(*service));
}

TEST(OrderCallersTest, BuyersMethodsAreTheGatewaysAndOperatorsMethodsItsAdminIdentitys) {
  const rpc::CallerPolicy policy = OrderCallers();
  const std::string place = "/seckill.order.v1.OrderService/PlaceOrders";
  const std::string replay = "/seckill.order.v1.OrderService/ReplayDeadLetter";
  EXPECT_TRUE(policy.Allows(place, rpc::kGatewayIdentity));
  EXPECT_FALSE(policy.Allows(place, rpc::kGatewayAdminIdentity));
  EXPECT_FALSE(policy.Allows(place, rpc::kProductIdentity));
  EXPECT_TRUE(policy.Allows(replay, rpc::kGatewayAdminIdentity));
  EXPECT_FALSE(policy.Allows(replay, rpc::kGatewayIdentity));
  EXPECT_FALSE(
      policy.Allows("/seckill.order.v1.OrderService/NoSuchMethod", rpc::kGatewayAdminIdentity));
}

}  // namespace
}  // namespace seckill::order::api
