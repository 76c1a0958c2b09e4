#include "services/order/api/callers.h"

#include <string>

namespace seckill::order::api {

rpc::CallerPolicy OrderCallers() {
  auto method = [](const char* name) {
    return std::string("/seckill.order.v1.OrderService/") + name;
  };
  const std::string gateway = rpc::kGatewayIdentity;
  const std::string admin = rpc::kGatewayAdminIdentity;
  rpc::CallerPolicy policy;
  for (const char* buyer_facing :
       {"PlaceOrder", "PlaceOrders", "GetOrder", "ListOrders", "PayOrder", "CancelOrder"}) {
    policy.Allow(method(buyer_facing), {gateway});
  }
  // The gateway's readiness probe calls it too.
  policy.Allow(method("GetOrderStats"), {gateway, admin});
  for (const char* operator_only : {"ReconcileStock", "ListDeadLetters", "ReplayDeadLetter"}) {
    policy.Allow(method(operator_only), {admin});
  }
  return policy;
}

}  // namespace seckill::order::api
