#pragma once

#include "boost/asio/awaitable.hpp"
#include "libs/base/metrics.h"
#include "libs/rpc/call_observers.h"
#include "libs/tracing/tracer.h"
#include "seckill/product/v1/product.grpc.pb.h"
#include "services/product/app/create_activity.h"
#include "services/product/app/stock_recovery.h"
#include "services/product/app/view_activities.h"

namespace seckill::product::api {

// The ProductService gRPC API: checks each request, maps protobuf to the domain and back. Each
// call is answered by a coroutine (rpc::Serve) that awaits the ledger or the catalog, so no gRPC
// thread waits on Redis or the database.
class ProductGrpcService final : public seckill::product::v1::ProductService::CallbackService {
 public:
  // The most items one batch call (ReserveStocks, ConfirmReservations) may carry.
  static constexpr int kMaxBatch = 1000;

  ProductGrpcService(domain::Catalog& catalog, domain::StockLedger& ledger,
                     const app::CreateActivity& create_activity,
                     const app::ViewActivities& view_activities, app::StockRecovery& recovery,
                     base::Metrics& metrics, tracing::Tracer& tracer,
                     rpc::CallDurations* durations = nullptr)
      : tracer_(tracer),
        observers_{.durations = durations, .tracer = &tracer},
        catalog_(catalog),
        ledger_(ledger),
        create_activity_(create_activity),
        view_activities_(view_activities),
        recovery_(recovery),
        reservations_(metrics.Get("seckill_product_reservations_total",
                                  "Reservations this instance decided (reserved or refused)")) {}

  grpc::ServerUnaryReactor* CreateProduct(grpc::CallbackServerContext* ctx,
                                          const v1::CreateProductRequest* request,
                                          v1::CreateProductResponse* reply) override;
  grpc::ServerUnaryReactor* CreateActivity(grpc::CallbackServerContext* ctx,
                                           const v1::CreateActivityRequest* request,
                                           v1::CreateActivityResponse* reply) override;
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* ctx,
                                        const v1::GetActivityRequest* request,
                                        v1::GetActivityResponse* reply) override;
  grpc::ServerUnaryReactor* ListActivities(grpc::CallbackServerContext* ctx,
                                           const v1::ListActivitiesRequest* request,
                                           v1::ListActivitiesResponse* reply) override;
  grpc::ServerUnaryReactor* ReserveStocks(grpc::CallbackServerContext* ctx,
                                          const v1::ReserveStocksRequest* request,
                                          v1::ReserveStocksResponse* reply) override;
  grpc::ServerUnaryReactor* ReleaseReservation(grpc::CallbackServerContext* ctx,
                                               const v1::ReleaseReservationRequest* request,
                                               v1::ReleaseReservationResponse* reply) override;
  grpc::ServerUnaryReactor* CancelReservation(grpc::CallbackServerContext* ctx,
                                              const v1::CancelReservationRequest* request,
                                              v1::CancelReservationResponse* reply) override;
  grpc::ServerUnaryReactor* ConfirmReservations(grpc::CallbackServerContext* ctx,
                                                const v1::ConfirmReservationsRequest* request,
                                                v1::ConfirmReservationsResponse* reply) override;
  grpc::ServerUnaryReactor* MarkReservationsPublished(
      grpc::CallbackServerContext* ctx, const v1::MarkReservationsPublishedRequest* request,
      v1::MarkReservationsPublishedResponse* reply) override;
  grpc::ServerUnaryReactor* AdjustStock(grpc::CallbackServerContext* ctx,
                                        const v1::AdjustStockRequest* request,
                                        v1::AdjustStockResponse* reply) override;
  grpc::ServerUnaryReactor* ReviveReservation(grpc::CallbackServerContext* ctx,
                                              const v1::ReviveReservationRequest* request,
                                              v1::ReviveReservationResponse* reply) override;
  grpc::ServerUnaryReactor* GetStockStats(grpc::CallbackServerContext* ctx,
                                          const v1::GetStockStatsRequest* request,
                                          v1::GetStockStatsResponse* reply) override;

 private:
  using Answer = boost::asio::awaitable<grpc::Status>;
  // Each call's answer (rpc::Serve finishes the call with it): writes `reply`, returns the
  // call's status.
  Answer AnswerCreateProduct(const v1::CreateProductRequest* request,
                             v1::CreateProductResponse* reply);
  Answer AnswerCreateActivity(const v1::CreateActivityRequest* request,
                              v1::CreateActivityResponse* reply);
  Answer AnswerGetActivity(const v1::GetActivityRequest* request, v1::GetActivityResponse* reply);
  Answer AnswerListActivities(const v1::ListActivitiesRequest* request,
                              v1::ListActivitiesResponse* reply);
  Answer AnswerReserveStocks(const v1::ReserveStocksRequest* request,
                             v1::ReserveStocksResponse* reply);
  Answer AnswerReleaseReservation(const v1::ReleaseReservationRequest* request,
                                  v1::ReleaseReservationResponse* reply);
  Answer AnswerCancelReservation(const v1::CancelReservationRequest* request,
                                 v1::CancelReservationResponse* reply);
  Answer AnswerConfirmReservations(const v1::ConfirmReservationsRequest* request,
                                   v1::ConfirmReservationsResponse* reply);
  Answer AnswerMarkReservationsPublished(const v1::MarkReservationsPublishedRequest* request,
                                         v1::MarkReservationsPublishedResponse* reply);
  Answer AnswerAdjustStock(const v1::AdjustStockRequest* request, v1::AdjustStockResponse* reply);
  Answer AnswerReviveReservation(const v1::ReviveReservationRequest* request,
                                 v1::ReviveReservationResponse* reply);
  Answer AnswerGetStockStats(const v1::GetStockStatsRequest* request,
                             v1::GetStockStatsResponse* reply);
  // The replies to ReserveStocks' items at `items` (indices into `all`, all of `activity_id`),
  // from one ledger call, in that order; `traceparents[i]` is item i's span.
  base::Async<std::vector<v1::ReserveStockResult>> ReserveMany(
      uint64_t activity_id, const google::protobuf::RepeatedPtrField<v1::ReserveStockRequest>& all,
      const std::vector<int>& items, const std::vector<std::string>& traceparents);

  tracing::Tracer& tracer_;
  const rpc::CallObservers observers_;  // every call answered: its duration, its span
  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
  const app::CreateActivity& create_activity_;
  const app::ViewActivities& view_activities_;
  app::StockRecovery& recovery_;
  base::Counter& reservations_;
};

}  // namespace seckill::product::api
