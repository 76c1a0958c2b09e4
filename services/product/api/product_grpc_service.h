#pragma once

#include "boost/asio/thread_pool.hpp"
#include "seckill/product/v1/product.grpc.pb.h"
#include "services/product/app/create_activity.h"
#include "services/product/app/stock_recovery.h"
#include "services/product/app/view_activities.h"

namespace seckill::product::api {

// The ProductService gRPC API: maps protobuf to the domain and back. Stock operations go
// straight to the non-blocking ledger; catalog work is moved to `blocking` worker threads so
// no gRPC thread waits on the database.
class ProductGrpcService final : public seckill::product::v1::ProductService::CallbackService {
 public:
  // The most items one batch call (ReserveStocks, ConfirmReservations) may carry.
  static constexpr int kMaxBatch = 1000;

  ProductGrpcService(domain::Catalog& catalog, domain::StockLedger& ledger,
                     const app::CreateActivity& create_activity,
                     const app::ViewActivities& view_activities, app::StockRecovery& recovery,
                     boost::asio::thread_pool& blocking)
      : catalog_(catalog),
        ledger_(ledger),
        create_activity_(create_activity),
        view_activities_(view_activities),
        recovery_(recovery),
        blocking_(blocking) {}

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
  // The items of ReserveStocks (indices into `all`) that name `activity_id`, in one ledger call;
  // `done` gets their replies in that order, or the ledger's error.
  void ReserveMany(uint64_t activity_id,
                   const google::protobuf::RepeatedPtrField<v1::ReserveStockRequest>& all,
                   const std::vector<int>& items,
                   domain::Callback<std::vector<v1::ReserveStockResult>> done);

  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
  const app::CreateActivity& create_activity_;
  const app::ViewActivities& view_activities_;
  app::StockRecovery& recovery_;
  boost::asio::thread_pool& blocking_;
};

}  // namespace seckill::product::api
