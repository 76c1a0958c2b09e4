#include "services/product/api/product_grpc_service.h"

#include <algorithm>

#include "boost/asio/post.hpp"
#include "libs/base/gather.h"
#include "libs/rpc/status.h"
#include "services/product/api/proto_mapping.h"

namespace seckill::product::api {

namespace v1 = seckill::product::v1;
using grpc::ServerUnaryReactor;

namespace {

ServerUnaryReactor* Reject(grpc::CallbackServerContext* ctx, const char* message) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message));
  return reactor;
}

// A batch call with no items or more than ProductGrpcService::kMaxBatch.
ServerUnaryReactor* RejectBatchSize(grpc::CallbackServerContext* ctx) {
  static_assert(ProductGrpcService::kMaxBatch == 1000, "the message below says 1000");
  return Reject(ctx, "items: between 1 and 1000 expected");
}

// The order ids of some of a batch call's items.
template <class Items>
std::vector<uint64_t> OrderIds(const Items& all, const std::vector<int>& items) {
  std::vector<uint64_t> ids;
  ids.reserve(items.size());
  for (int i : items) ids.push_back(all.Get(i).order_id());
  return ids;
}

// A batch call's items grouped by activity, so each activity's go to the ledger in one call:
// `many(activity_id, item indices, done)` runs once per activity, and `done` gets every item's
// result in item order, or the first error.
template <class T, class Items, class Many>
void ByActivity(const Items& items, Many many,
                std::function<void(absl::StatusOr<std::vector<T>>)> done) {
  // A sale's batch names one activity or few: a scan beats a map.
  std::vector<std::pair<uint64_t, std::vector<int>>> groups;
  for (int i = 0; i < items.size(); ++i) {
    const uint64_t activity_id = items.Get(i).activity_id();
    auto group = std::find_if(groups.begin(), groups.end(),
                              [activity_id](const auto& g) { return g.first == activity_id; });
    if (group == groups.end()) group = groups.insert(groups.end(), {activity_id, {}});
    group->second.push_back(i);
  }
  auto where = std::make_shared<std::vector<std::vector<int>>>();
  for (const auto& group : groups) where->push_back(group.second);
  using Parts = base::Gather<std::vector<T>>;
  auto gather = Parts::Of(
      groups.size(), [where, n = static_cast<size_t>(items.size()),
                      done = std::move(done)](absl::StatusOr<std::vector<std::vector<T>>> parts) {
        if (!parts.ok()) return done(parts.status());
        std::vector<T> results(n);
        for (size_t g = 0; g < parts->size(); ++g) {
          const std::vector<int>& items_of = (*where)[g];
          if ((*parts)[g].size() != items_of.size()) {
            return done(absl::InternalError("stock ledger: one result per call expected"));
          }
          for (size_t k = 0; k < items_of.size(); ++k)
            results[items_of[k]] = std::move((*parts)[g][k]);
        }
        done(std::move(results));
      });
  for (size_t g = 0; g < groups.size(); ++g)
    many(groups[g].first, groups[g].second, Parts::Slot(gather, g));
}

}  // namespace

ServerUnaryReactor* ProductGrpcService::CreateProduct(grpc::CallbackServerContext* ctx,
                                                      const v1::CreateProductRequest* request,
                                                      v1::CreateProductResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  boost::asio::post(blocking_, [this, reactor, request, reply] {
    domain::Product product{0, request->name(), request->description(), request->price_cents()};
    if (absl::Status valid = domain::ValidateProduct(product); !valid.ok()) {
      return reactor->Finish(rpc::ToGrpc(valid));
    }
    auto id = catalog_.AddProduct(product);
    if (!id.ok()) return reactor->Finish(rpc::ToGrpc(id.status()));
    reply->set_product_id(*id);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::CreateActivity(grpc::CallbackServerContext* ctx,
                                                       const v1::CreateActivityRequest* request,
                                                       v1::CreateActivityResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  boost::asio::post(blocking_, [this, reactor, request, reply] {
    domain::ActivityTerms terms{
        request->product_id(),  request->title(),     request->price_cents(),   request->stock(),
        request->start_at_ms(), request->end_at_ms(), request->limit_per_user()};
    create_activity_(
        terms, [this, reactor, reply](absl::StatusOr<app::CreateActivityResult> result) {
          if (!result.ok()) return reactor->Finish(rpc::ToGrpc(result.status()));
          if (result->outcome == app::CreateActivityOutcome::kCreated)
            recovery_.Known(result->activity_id);
          reply->set_outcome(result->outcome == app::CreateActivityOutcome::kCreated
                                 ? v1::CreateActivityResponse::OUTCOME_CREATED
                                 : v1::CreateActivityResponse::OUTCOME_PRODUCT_NOT_FOUND);
          reply->set_activity_id(result->activity_id);
          reactor->Finish(grpc::Status::OK);
        });
  });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::GetActivity(grpc::CallbackServerContext* ctx,
                                                    const v1::GetActivityRequest* request,
                                                    v1::GetActivityResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  boost::asio::post(blocking_, [this, reactor, request, reply] {
    view_activities_.One(request->activity_id(),
                         [reactor, reply](absl::StatusOr<app::ActivityView> view) {
                           if (absl::IsNotFound(view.status())) {
                             reply->set_found(false);
                             return reactor->Finish(grpc::Status::OK);
                           }
                           if (!view.ok()) return reactor->Finish(rpc::ToGrpc(view.status()));
                           reply->set_found(true);
                           FillActivity(*view, reply->mutable_activity());
                           reactor->Finish(grpc::Status::OK);
                         });
  });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::ListActivities(grpc::CallbackServerContext* ctx,
                                                       const v1::ListActivitiesRequest* /*req*/,
                                                       v1::ListActivitiesResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  boost::asio::post(blocking_, [this, reactor, reply] {
    view_activities_.Many(100,
                          [reactor, reply](absl::StatusOr<std::vector<app::ActivityView>> views) {
                            if (!views.ok()) return reactor->Finish(rpc::ToGrpc(views.status()));
                            for (const app::ActivityView& view : *views)
                              FillActivity(view, reply->add_activities());
                            reactor->Finish(grpc::Status::OK);
                          });
  });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::ReserveStocks(grpc::CallbackServerContext* ctx,
                                                      const v1::ReserveStocksRequest* request,
                                                      v1::ReserveStocksResponse* reply) {
  const int n = request->items_size();
  if (n == 0 || n > kMaxBatch) return RejectBatchSize(ctx);
  for (const v1::ReserveStockRequest& item : request->items()) {
    if (item.activity_id() == 0 || item.user_id() == 0 || item.order_id() == 0) {
      return Reject(ctx, "activity_id, user_id and order_id are required");
    }
    if (item.quantity() < 1) return Reject(ctx, "quantity must be at least 1");
  }
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ByActivity<v1::ReserveStockResult>(
      request->items(),
      [this, request](uint64_t activity_id, const std::vector<int>& items,
                      domain::Callback<std::vector<v1::ReserveStockResult>> done) {
        ReserveMany(activity_id, request->items(), items, std::move(done));
      },
      [reactor, reply](absl::StatusOr<std::vector<v1::ReserveStockResult>> results) {
        if (!results.ok()) return reactor->Finish(rpc::ToGrpc(results.status()));
        for (v1::ReserveStockResult& r : *results) *reply->add_results() = std::move(r);
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

void ProductGrpcService::ReserveMany(
    uint64_t activity_id, const google::protobuf::RepeatedPtrField<v1::ReserveStockRequest>& all,
    const std::vector<int>& items, domain::Callback<std::vector<v1::ReserveStockResult>> done) {
  // A refusal, not an error: it must not count against anyone's circuit breaker.
  if (recovery_.IsGated(activity_id))
    return done(std::vector<v1::ReserveStockResult>(items.size(), Restoring()));
  std::vector<domain::ReservationRequest> requests;
  requests.reserve(items.size());
  for (int i : items) {
    const v1::ReserveStockRequest& item = all.Get(i);
    requests.push_back(
        {activity_id, item.user_id(), item.order_id(), item.quantity(), item.idempotency_key()});
  }
  ledger_.ReserveMany(activity_id, requests,
                      [this, activity_id, done = std::move(done)](
                          absl::StatusOr<std::vector<domain::ReserveResult>> results) {
                        if (!results.ok()) return done(results.status());
                        std::vector<v1::ReserveStockResult> replies;
                        replies.reserve(results->size());
                        for (const domain::ReserveResult& result : *results) {
                          if (result.refusal == common::v1::REFUSAL_ACTIVITY_NOT_FOUND &&
                              recovery_.IsKnown(activity_id)) {
                            // The catalog has it but Redis does not: its stock data was lost.
                            recovery_.Gate(activity_id);
                            replies.push_back(Restoring());
                            continue;
                          }
                          v1::ReserveStockResult& reply = replies.emplace_back();
                          reply.set_refusal(result.refusal);
                          reply.set_duplicate(result.duplicate);
                          reply.set_order_id(result.order_id);
                          reply.set_price_cents(result.price_cents);
                          reply.set_remaining(result.remaining);
                        }
                        done(std::move(replies));
                      });
}

namespace {

// Release and cancel answer alike.
template <class Response>
std::function<void(absl::StatusOr<domain::ReleaseResult>)> FinishRelease(
    ServerUnaryReactor* reactor, Response* reply) {
  return [reactor, reply](absl::StatusOr<domain::ReleaseResult> result) {
    if (!result.ok()) return reactor->Finish(rpc::ToGrpc(result.status()));
    reply->set_outcome(ToProto(result->outcome));
    reply->set_quantity_returned(result->quantity_returned);
    reactor->Finish(grpc::Status::OK);
  };
}

}  // namespace

ServerUnaryReactor* ProductGrpcService::ReleaseReservation(
    grpc::CallbackServerContext* ctx, const v1::ReleaseReservationRequest* request,
    v1::ReleaseReservationResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ledger_.Release(request->activity_id(), request->order_id(), FinishRelease(reactor, reply));
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::CancelReservation(
    grpc::CallbackServerContext* ctx, const v1::CancelReservationRequest* request,
    v1::CancelReservationResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ledger_.Cancel(request->activity_id(), request->order_id(), FinishRelease(reactor, reply));
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::MarkReservationsPublished(
    grpc::CallbackServerContext* ctx, const v1::MarkReservationsPublishedRequest* request,
    v1::MarkReservationsPublishedResponse* reply) {
  const int n = request->items_size();
  if (n == 0 || n > kMaxBatch) return RejectBatchSize(ctx);
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ByActivity<bool>(
      request->items(),
      [this, request](uint64_t activity_id, const std::vector<int>& items,
                      domain::Callback<std::vector<bool>> done) {
        ledger_.MarkPublishedMany(activity_id, OrderIds(request->items(), items), std::move(done));
      },
      [reactor, reply](absl::StatusOr<std::vector<bool>> marked) {
        if (!marked.ok()) return reactor->Finish(rpc::ToGrpc(marked.status()));
        for (bool m : marked.value()) reply->add_results()->set_marked(m);
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::ConfirmReservations(
    grpc::CallbackServerContext* ctx, const v1::ConfirmReservationsRequest* request,
    v1::ConfirmReservationsResponse* reply) {
  const int n = request->items_size();
  if (n == 0 || n > kMaxBatch) return RejectBatchSize(ctx);
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ByActivity<domain::ConfirmResult>(
      request->items(),
      [this, request](uint64_t activity_id, const std::vector<int>& items,
                      domain::Callback<std::vector<domain::ConfirmResult>> done) {
        ledger_.ConfirmMany(activity_id, OrderIds(request->items(), items), std::move(done));
      },
      [reactor, reply](absl::StatusOr<std::vector<domain::ConfirmResult>> results) {
        if (!results.ok()) return reactor->Finish(rpc::ToGrpc(results.status()));
        for (const domain::ConfirmResult& r : *results) {
          v1::ConfirmReservationResult* out = reply->add_results();
          out->set_outcome(ToProto(r.outcome));
          out->set_quantity(r.quantity);
        }
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::AdjustStock(grpc::CallbackServerContext* ctx,
                                                    const v1::AdjustStockRequest* request,
                                                    v1::AdjustStockResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ledger_.Adjust(request->activity_id(), request->expected_remaining(), request->delta(),
                 [reactor, reply](absl::StatusOr<domain::AdjustResult> result) {
                   if (!result.ok()) return reactor->Finish(rpc::ToGrpc(result.status()));
                   using O = domain::AdjustOutcome;
                   using R = v1::AdjustStockResponse;
                   switch (result->outcome) {
                     case O::kAdjusted:
                       reply->set_outcome(R::OUTCOME_ADJUSTED);
                       break;
                     case O::kChanged:
                       reply->set_outcome(R::OUTCOME_CHANGED);
                       break;
                     case O::kNegative:
                       reply->set_outcome(R::OUTCOME_NEGATIVE);
                       break;
                     case O::kActivityNotFound:
                       reply->set_outcome(R::OUTCOME_ACTIVITY_NOT_FOUND);
                       break;
                   }
                   reply->set_remaining(result->remaining);
                   reactor->Finish(grpc::Status::OK);
                 });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::ReviveReservation(
    grpc::CallbackServerContext* ctx, const v1::ReviveReservationRequest* request,
    v1::ReviveReservationResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ledger_.Revive(request->activity_id(), request->order_id(),
                 [reactor, reply](absl::StatusOr<domain::ReviveResult> result) {
                   if (!result.ok()) return reactor->Finish(rpc::ToGrpc(result.status()));
                   reply->set_outcome(ToProto(result->outcome));
                   reply->set_refusal(result->refusal);
                   reactor->Finish(grpc::Status::OK);
                 });
  return reactor;
}

ServerUnaryReactor* ProductGrpcService::GetStockStats(grpc::CallbackServerContext* ctx,
                                                      const v1::GetStockStatsRequest* request,
                                                      v1::GetStockStatsResponse* reply) {
  ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ledger_.Snapshot(request->activity_id(),
                   [reactor, reply](absl::StatusOr<domain::StockSnapshot> snapshot) {
                     if (!snapshot.ok()) return reactor->Finish(rpc::ToGrpc(snapshot.status()));
                     reply->set_found(snapshot->found);
                     reply->set_stock(snapshot->stock);
                     reply->set_remaining(snapshot->remaining);
                     reply->set_reserved(snapshot->reserved);
                     reactor->Finish(grpc::Status::OK);
                   });
  return reactor;
}

}  // namespace seckill::product::api
