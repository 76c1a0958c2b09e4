#include "services/product/api/callers.h"

#include "gtest/gtest.h"
#include "seckill/product/v1/product.pb.h"

namespace seckill::product::api {
namespace {

// Every method of the service has callers, and the policy names no method the service lacks (a
// typo would deny a method its callers need).
TEST(ProductCallersTest, ThePolicyCoversExactlyTheServicesMethods) {
  const auto* service =
      seckill::product::v1::Activity::descriptor()->file()->FindServiceByName("ProductService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(ProductCallers().Methods(), rpc::MethodsOf(*service));
}

TEST(ProductCallersTest, OnlyTheOrderServiceMovesStock) {
  const rpc::CallerPolicy policy = ProductCallers();
  for (const char* method : {"ReserveStocks", "CancelReservation", "AdjustStock"}) {
    const std::string full = std::string("/seckill.product.v1.ProductService/") + method;
    EXPECT_TRUE(policy.Allows(full, rpc::kOrderIdentity)) << method;
    EXPECT_FALSE(policy.Allows(full, rpc::kGatewayIdentity)) << method;
    EXPECT_FALSE(policy.Allows(full, rpc::kGatewayAdminIdentity)) << method;
  }
  EXPECT_TRUE(policy.Allows("/seckill.product.v1.ProductService/CreateActivity",
                            rpc::kGatewayAdminIdentity));
  EXPECT_FALSE(
      policy.Allows("/seckill.product.v1.ProductService/CreateActivity", rpc::kGatewayIdentity));
}

}  // namespace
}  // namespace seckill::product::api
