#include "services/product/api/callers.h"

#include <string>

namespace seckill::product::api {

rpc::CallerPolicy ProductCallers() {
  auto method = [](const char* name) {
    return std::string("/seckill.product.v1.ProductService/") + name;
  };
  const std::string gateway = rpc::kGatewayIdentity;
  const std::string admin = rpc::kGatewayAdminIdentity;
  const std::string order = rpc::kOrderIdentity;
  rpc::CallerPolicy policy;
  policy.Allow(method("GetActivity"), {gateway, admin})
      .Allow(method("ListActivities"), {gateway, admin})
      .Allow(method("CreateProduct"), {admin})
      .Allow(method("CreateActivity"), {admin})
      // The gateway's readiness probe calls it too; the order service reconciles with it.
      .Allow(method("GetStockStats"), {gateway, admin, order});
  for (const char* stock_move :
       {"ReserveStocks", "ReleaseReservation", "ConfirmReservations", "MarkReservationsPublished",
        "CancelReservation", "AdjustStock", "ReviveReservation"}) {
    policy.Allow(method(stock_move), {order});
  }
  return policy;
}

}  // namespace seckill::product::api
