#pragma once

#include "boost/asio/awaitable.hpp"
#include "libs/rpc/call_observers.h"
#include "libs/tracing/tracer.h"
#include "seckill/order/v1/order.grpc.pb.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/dead_letters.h"
#include "services/order/app/manage_orders.h"
#include "services/order/app/place_order.h"
#include "services/order/app/reconcile_stock.h"

namespace seckill::order::api {

// The OrderService gRPC API: checks each request and answers it with a use case's coroutine
// (rpc::Serve; a PlaceOrders batch is placed as one). Nothing here blocks.
class OrderGrpcService final : public seckill::order::v1::OrderService::CallbackService {
 public:
  // Each order placed is a server span of its trace (`tracer`), whose context the placement
  // carries on.
  OrderGrpcService(const app::PlaceOrder& place_order, const app::ManageOrders& manage_orders,
                   const app::CancelOrder& cancel_order, const app::ReconcileStock& reconcile,
                   const app::DeadLetters& dead_letters, tracing::Tracer& tracer,
                   rpc::CallDurations* durations = nullptr)
      : tracer_(tracer),
        observers_{.durations = durations, .tracer = &tracer},
        place_order_(place_order),
        manage_orders_(manage_orders),
        cancel_order_(cancel_order),
        reconcile_(reconcile),
        dead_letters_(dead_letters) {}

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
  using Answer = boost::asio::awaitable<grpc::Status>;
  // Each call's answer (rpc::Serve finishes the call with it): writes `reply`, returns the
  // call's status.
  Answer AnswerPlaceOrder(const grpc::CallbackServerContext* ctx,
                          const v1::PlaceOrderRequest* request,
                          v1::PlaceOrderResponse* reply) const;
  Answer AnswerPlaceOrders(const v1::PlaceOrdersRequest* request,
                           v1::PlaceOrdersResponse* reply) const;
  Answer AnswerGetOrder(const v1::GetOrderRequest* request, v1::GetOrderResponse* reply) const;
  Answer AnswerListOrders(const v1::ListOrdersRequest* request,
                          v1::ListOrdersResponse* reply) const;
  Answer AnswerPayOrder(const v1::PayOrderRequest* request, v1::PayOrderResponse* reply) const;
  Answer AnswerCancelOrder(const v1::CancelOrderRequest* request,
                           v1::CancelOrderResponse* reply) const;
  Answer AnswerReconcileStock(const v1::ReconcileStockRequest* request,
                              v1::ReconcileStockResponse* reply) const;
  Answer AnswerListDeadLetters(const v1::ListDeadLettersRequest* request,
                               v1::ListDeadLettersResponse* reply) const;
  Answer AnswerReplayDeadLetter(const v1::ReplayDeadLetterRequest* request,
                                v1::ReplayDeadLetterResponse* reply) const;
  Answer AnswerGetOrderStats(const v1::GetOrderStatsRequest* request,
                             v1::GetOrderStatsResponse* reply) const;
  tracing::Tracer& tracer_;
  const rpc::CallObservers observers_;  // every call answered: its duration, its span
  const app::PlaceOrder& place_order_;
  const app::ManageOrders& manage_orders_;
  const app::CancelOrder& cancel_order_;
  const app::ReconcileStock& reconcile_;
  const app::DeadLetters& dead_letters_;
};

}  // namespace seckill::order::api
