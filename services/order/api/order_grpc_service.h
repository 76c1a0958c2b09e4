#pragma once

#include "boost/asio/thread_pool.hpp"
#include "seckill/order/v1/order.grpc.pb.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/dead_letters.h"
#include "services/order/app/manage_orders.h"
#include "services/order/app/place_order.h"
#include "services/order/app/reconcile_stock.h"

namespace seckill::order::api {

// The OrderService gRPC API. PlaceOrder is non-blocking end to end; cancellation,
// reconciliation and replay are use-case coroutines run on `blocking` (they await the ledger and
// their database calls); the reads and payment run on `blocking` worker threads because they wait
// on the database.
class OrderGrpcService final : public seckill::order::v1::OrderService::CallbackService {
 public:
  OrderGrpcService(const app::PlaceOrder& place_order, const app::ManageOrders& manage_orders,
                   const app::CancelOrder& cancel_order, const app::ReconcileStock& reconcile,
                   const app::DeadLetters& dead_letters, boost::asio::thread_pool& blocking)
      : place_order_(place_order),
        manage_orders_(manage_orders),
        cancel_order_(cancel_order),
        reconcile_(reconcile),
        dead_letters_(dead_letters),
        blocking_(blocking) {}

  grpc::ServerUnaryReactor* PlaceOrder(grpc::CallbackServerContext* ctx,
                                       const v1::PlaceOrderRequest* request,
                                       v1::PlaceOrderResponse* reply) override;
  grpc::ServerUnaryReactor* PlaceOrders(grpc::CallbackServerContext* ctx,
                                        const v1::PlaceOrdersRequest* request,
                                        v1::PlaceOrdersResponse* reply) override;
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext* ctx,
                                     const v1::GetOrderRequest* request,
                                     v1::GetOrderResponse* reply) override;
  grpc::ServerUnaryReactor* ListOrders(grpc::CallbackServerContext* ctx,
                                       const v1::ListOrdersRequest* request,
                                       v1::ListOrdersResponse* reply) override;
  grpc::ServerUnaryReactor* PayOrder(grpc::CallbackServerContext* ctx,
                                     const v1::PayOrderRequest* request,
                                     v1::PayOrderResponse* reply) override;
  grpc::ServerUnaryReactor* CancelOrder(grpc::CallbackServerContext* ctx,
                                        const v1::CancelOrderRequest* request,
                                        v1::CancelOrderResponse* reply) override;
  grpc::ServerUnaryReactor* ReconcileStock(grpc::CallbackServerContext* ctx,
                                           const v1::ReconcileStockRequest* request,
                                           v1::ReconcileStockResponse* reply) override;
  grpc::ServerUnaryReactor* ListDeadLetters(grpc::CallbackServerContext* ctx,
                                            const v1::ListDeadLettersRequest* request,
                                            v1::ListDeadLettersResponse* reply) override;
  grpc::ServerUnaryReactor* ReplayDeadLetter(grpc::CallbackServerContext* ctx,
                                             const v1::ReplayDeadLetterRequest* request,
                                             v1::ReplayDeadLetterResponse* reply) override;
  grpc::ServerUnaryReactor* GetOrderStats(grpc::CallbackServerContext* ctx,
                                          const v1::GetOrderStatsRequest* request,
                                          v1::GetOrderStatsResponse* reply) override;

 private:
  // Validates and places one order; `done` gets the status PlaceOrder answers with, and the reply.
  void PlaceOne(const v1::PlaceOrderRequest& request, const std::string& traceparent,
                std::function<void(grpc::Status, v1::PlaceOrderResponse)> done) const;

  const app::PlaceOrder& place_order_;
  const app::ManageOrders& manage_orders_;
  const app::CancelOrder& cancel_order_;
  const app::ReconcileStock& reconcile_;
  const app::DeadLetters& dead_letters_;
  boost::asio::thread_pool& blocking_;
};

}  // namespace seckill::order::api
