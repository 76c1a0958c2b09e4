#include "services/product/api/product_grpc_service.h"

#include <algorithm>
#include <optional>

#include "libs/rpc/serve.h"
#include "libs/rpc/status.h"
#include "libs/tracing/rpc_span.h"
#include "services/product/api/proto_mapping.h"

namespace seckill::product::api {

namespace v1 = seckill::product::v1;
using grpc::ServerUnaryReactor;

namespace {

constexpr char kReserveStocksSpan[] = "seckill.product.v1.ProductService/ReserveStocks";
constexpr char kConfirmReservationsSpan[] = "seckill.product.v1.ProductService/ConfirmReservations";
constexpr char kMarkPublishedSpan[] = "seckill.product.v1.ProductService/MarkReservationsPublished";

grpc::Status Invalid(const char* message) { return {grpc::StatusCode::INVALID_ARGUMENT, message}; }

// A batch call with no items or more than ProductGrpcService::kMaxBatch.
std::optional<grpc::Status> InvalidBatchSize(int items) {
  static_assert(ProductGrpcService::kMaxBatch == 1000, "the message below says 1000");
  if (items >= 1 && items <= ProductGrpcService::kMaxBatch) return std::nullopt;
  return Invalid("items: between 1 and 1000 expected");
}

// A batch's items grouped by activity, in the order each activity first appears, so each
// activity's go to the ledger in one call: (activity id, indices of its items).
template <class Items>
std::vector<std::pair<uint64_t, std::vector<int>>> ByActivity(const Items& items) {
  // A sale's batch names one activity or few: a scan beats a map.
  std::vector<std::pair<uint64_t, std::vector<int>>> groups;
  for (int i = 0; i < items.size(); ++i) {
    const uint64_t activity_id = items.Get(i).activity_id();
    auto group = std::find_if(groups.begin(), groups.end(),
                              [activity_id](const auto& g) { return g.first == activity_id; });
    if (group == groups.end()) group = groups.insert(groups.end(), {activity_id, {}});
    group->second.push_back(i);
  }
  return groups;
}

// The order ids of some of a batch call's items.
template <class Items>
std::vector<uint64_t> OrderIds(const Items& all, const std::vector<int>& items) {
  std::vector<uint64_t> ids;
  ids.reserve(items.size());
  for (int i : items) ids.push_back(all.Get(i).order_id());
  return ids;
}

// A batch call's answer, item by item: `one(activity_id, item indexes)` answers one activity's
// items from one ledger call, and `fill(result, reply item)` writes each into the reply, in the
// request's order. The first error fails the call.
template <class T, class Request, class Reply, class One, class Fill>
boost::asio::awaitable<grpc::Status> AnswerByActivity(const Request& request, Reply* reply, One one,
                                                      Fill fill) {
  for (int i = 0; i < request.items_size(); ++i) reply->add_results();
  const auto groups = ByActivity(request.items());
  for (const auto& [activity_id, items] : groups) {
    auto asking = one(activity_id, items);
    const absl::StatusOr<std::vector<T>> results = co_await std::move(asking);
    if (!results.ok()) co_return rpc::ToGrpc(results.status());
    if (results->size() != items.size()) {
      co_return grpc::Status(grpc::StatusCode::INTERNAL, "stock ledger: one result per call");
    }
    for (size_t k = 0; k < items.size(); ++k) fill((*results)[k], reply->mutable_results(items[k]));
  }
  co_return grpc::Status::OK;
}

// Each item of a batched call as a server span named `method` in its own order's trace (the
// item's traceparent): one call carries many orders.
template <class Items>
std::vector<tracing::Span> ItemSpans(tracing::Tracer& tracer, const char* method,
                                     const Items& items) {
  std::vector<tracing::Span> spans;
  spans.reserve(static_cast<size_t>(items.size()));
  for (const auto& item : items) {
    spans
        .emplace_back(
            tracing::StartRpcSpan(tracer, tracing::SpanKind::kServer, method, item.traceparent()))
        .Set("seckill.order_id", static_cast<int64_t>(item.order_id()));
  }
  return spans;
}

// Ends them with the call's status.
void EndItemSpans(std::vector<tracing::Span>& spans, const grpc::Status& answered) {
  for (tracing::Span& span : spans) {
    tracing::EndRpcSpan(span, answered.error_code(), answered.error_message());
  }
}

}  // namespace

ServerUnaryReactor* ProductGrpcService::CreateProduct(grpc::CallbackServerContext* ctx,
                                                      const v1::CreateProductRequest* request,
                                                      v1::CreateProductResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerCreateProduct(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerCreateProduct(
    const v1::CreateProductRequest* request, v1::CreateProductResponse* reply) {
  domain::Product product{0, request->name(), request->description(), request->price_cents()};
  if (absl::Status valid = domain::ValidateProduct(product); !valid.ok()) {
    co_return rpc::ToGrpc(valid);
  }
  auto adding = catalog_.AddProduct(product);
  const absl::StatusOr<uint64_t> id = co_await std::move(adding);
  if (!id.ok()) co_return rpc::ToGrpc(id.status());
  reply->set_product_id(*id);
  co_return grpc::Status::OK;
}

ServerUnaryReactor* ProductGrpcService::CreateActivity(grpc::CallbackServerContext* ctx,
                                                       const v1::CreateActivityRequest* request,
                                                       v1::CreateActivityResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerCreateActivity(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerCreateActivity(
    const v1::CreateActivityRequest* request, v1::CreateActivityResponse* reply) {
  domain::ActivityTerms terms{
      request->product_id(),  request->title(),     request->price_cents(),   request->stock(),
      request->start_at_ms(), request->end_at_ms(), request->limit_per_user()};
  auto creating = create_activity_(std::move(terms));
  const absl::StatusOr<app::CreateActivityResult> result = co_await std::move(creating);
  if (!result.ok()) co_return rpc::ToGrpc(result.status());
  const bool created = result->outcome == app::CreateActivityOutcome::kCreated;
  if (created) recovery_.Known(result->activity_id);
  reply->set_outcome(created ? v1::CreateActivityResponse::OUTCOME_CREATED
                             : v1::CreateActivityResponse::OUTCOME_PRODUCT_NOT_FOUND);
  reply->set_activity_id(result->activity_id);
  co_return grpc::Status::OK;
}

ServerUnaryReactor* ProductGrpcService::GetActivity(grpc::CallbackServerContext* ctx,
                                                    const v1::GetActivityRequest* request,
                                                    v1::GetActivityResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerGetActivity(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerGetActivity(
    const v1::GetActivityRequest* request, v1::GetActivityResponse* reply) {
  auto viewing = view_activities_.One(request->activity_id());
  const absl::StatusOr<app::ActivityView> view = co_await std::move(viewing);
  if (absl::IsNotFound(view.status())) {
    reply->set_found(false);
    co_return grpc::Status::OK;
  }
  if (!view.ok()) co_return rpc::ToGrpc(view.status());
  reply->set_found(true);
  FillActivity(*view, reply->mutable_activity());
  co_return grpc::Status::OK;
}

ServerUnaryReactor* ProductGrpcService::ListActivities(grpc::CallbackServerContext* ctx,
                                                       const v1::ListActivitiesRequest* request,
                                                       v1::ListActivitiesResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerListActivities(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerListActivities(
    const v1::ListActivitiesRequest* /*request*/, v1::ListActivitiesResponse* reply) {
  auto viewing = view_activities_.Many(100);
  const absl::StatusOr<std::vector<app::ActivityView>> views = co_await std::move(viewing);
  if (!views.ok()) co_return rpc::ToGrpc(views.status());
  for (const app::ActivityView& view : *views) FillActivity(view, reply->add_activities());
  co_return grpc::Status::OK;
}

ServerUnaryReactor* ProductGrpcService::ReserveStocks(grpc::CallbackServerContext* ctx,
                                                      const v1::ReserveStocksRequest* request,
                                                      v1::ReserveStocksResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerReserveStocks(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerReserveStocks(
    const v1::ReserveStocksRequest* request, v1::ReserveStocksResponse* reply) {
  if (std::optional<grpc::Status> invalid = InvalidBatchSize(request->items_size())) {
    co_return *invalid;
  }
  for (const v1::ReserveStockRequest& item : request->items()) {
    if (item.activity_id() == 0 || item.user_id() == 0 || item.order_id() == 0) {
      co_return Invalid("activity_id, user_id and order_id are required");
    }
    if (item.quantity() < 1) co_return Invalid("quantity must be at least 1");
  }
  for (int i = 0; i < request->items_size(); ++i) reply->add_results();
  std::vector<tracing::Span> spans = ItemSpans(tracer_, kReserveStocksSpan, request->items());
  std::vector<std::string> traceparents;
  traceparents.reserve(spans.size());
  for (const tracing::Span& span : spans) traceparents.push_back(span.Traceparent());
  const auto groups = ByActivity(request->items());
  for (const auto& [activity_id, items] : groups) {
    auto reserving = ReserveMany(activity_id, request->items(), items, traceparents);
    absl::StatusOr<std::vector<v1::ReserveStockResult>> results = co_await std::move(reserving);
    if (!results.ok()) {
      const grpc::Status failed = rpc::ToGrpc(results.status());
      EndItemSpans(spans, failed);
      co_return failed;
    }
    for (size_t k = 0; k < items.size(); ++k) {
      *reply->mutable_results(items[k]) = std::move((*results)[k]);
      const common::v1::Refusal refusal = reply->results(items[k]).refusal();
      if (refusal != common::v1::REFUSAL_UNSPECIFIED) {
        // The enum's names are the descriptor's: they outlive the span.
        spans[static_cast<size_t>(items[k])].SetBorrowed("seckill.refusal",
                                                         common::v1::Refusal_Name(refusal));
      }
    }
    reservations_.Add(static_cast<int64_t>(items.size()));
  }
  EndItemSpans(spans, grpc::Status::OK);
  co_return grpc::Status::OK;
}

base::Async<std::vector<v1::ReserveStockResult>> ProductGrpcService::ReserveMany(
    uint64_t activity_id, const google::protobuf::RepeatedPtrField<v1::ReserveStockRequest>& all,
    const std::vector<int>& items, const std::vector<std::string>& traceparents) {
  // A refusal, not an error: it must not count against anyone's circuit breaker.
  if (recovery_.IsGated(activity_id)) {
    co_return std::vector<v1::ReserveStockResult>(items.size(), Restoring());
  }
  std::vector<domain::ReservationRequest> requests;
  requests.reserve(items.size());
  for (int i : items) {
    const v1::ReserveStockRequest& item = all.Get(i);
    requests.push_back({activity_id, item.user_id(), item.order_id(), item.quantity(),
                        item.idempotency_key(), traceparents[static_cast<size_t>(i)]});
  }
  auto reserving = ledger_.ReserveMany(activity_id, requests);
  const absl::StatusOr<std::vector<domain::ReserveResult>> results = co_await std::move(reserving);
  if (!results.ok()) co_return results.status();
  if (results->size() != items.size()) {
    co_return absl::InternalError("stock ledger: one result per reservation expected");
  }
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
  co_return replies;
}

namespace {

// Release and cancel answer alike.
template <class Response>
grpc::Status FillRelease(const absl::StatusOr<domain::ReleaseResult>& result, Response* reply) {
  if (!result.ok()) return rpc::ToGrpc(result.status());
  reply->set_outcome(ToProto(result->outcome));
  reply->set_quantity_returned(result->quantity_returned);
  return grpc::Status::OK;
}

}  // namespace

ServerUnaryReactor* ProductGrpcService::ReleaseReservation(
    grpc::CallbackServerContext* ctx, const v1::ReleaseReservationRequest* request,
    v1::ReleaseReservationResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerReleaseReservation(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerReleaseReservation(
    const v1::ReleaseReservationRequest* request, v1::ReleaseReservationResponse* reply) {
  auto releasing = ledger_.Release(request->activity_id(), request->order_id());
  const absl::StatusOr<domain::ReleaseResult> result = co_await std::move(releasing);
  co_return FillRelease(result, reply);
}

ServerUnaryReactor* ProductGrpcService::CancelReservation(
    grpc::CallbackServerContext* ctx, const v1::CancelReservationRequest* request,
    v1::CancelReservationResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerCancelReservation(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerCancelReservation(
    const v1::CancelReservationRequest* request, v1::CancelReservationResponse* reply) {
  auto cancelling = ledger_.Cancel(request->activity_id(), request->order_id());
  const absl::StatusOr<domain::ReleaseResult> result = co_await std::move(cancelling);
  co_return FillRelease(result, reply);
}

ServerUnaryReactor* ProductGrpcService::MarkReservationsPublished(
    grpc::CallbackServerContext* ctx, const v1::MarkReservationsPublishedRequest* request,
    v1::MarkReservationsPublishedResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerMarkReservationsPublished(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerMarkReservationsPublished(
    const v1::MarkReservationsPublishedRequest* request,
    v1::MarkReservationsPublishedResponse* reply) {
  if (std::optional<grpc::Status> invalid = InvalidBatchSize(request->items_size())) {
    co_return *invalid;
  }
  auto mark = [this, request](uint64_t activity_id, const std::vector<int>& items) {
    return ledger_.MarkPublishedMany(activity_id, OrderIds(request->items(), items));
  };
  auto fill = [](bool marked, v1::MarkReservationPublishedResult* out) { out->set_marked(marked); };
  std::vector<tracing::Span> spans = ItemSpans(tracer_, kMarkPublishedSpan, request->items());
  auto answering = AnswerByActivity<bool>(*request, reply, mark, fill);
  const grpc::Status answered = co_await std::move(answering);
  EndItemSpans(spans, answered);
  co_return answered;
}

ServerUnaryReactor* ProductGrpcService::ConfirmReservations(
    grpc::CallbackServerContext* ctx, const v1::ConfirmReservationsRequest* request,
    v1::ConfirmReservationsResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerConfirmReservations(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerConfirmReservations(
    const v1::ConfirmReservationsRequest* request, v1::ConfirmReservationsResponse* reply) {
  if (std::optional<grpc::Status> invalid = InvalidBatchSize(request->items_size())) {
    co_return *invalid;
  }
  auto confirm = [this, request](uint64_t activity_id, const std::vector<int>& items) {
    std::vector<domain::ReservationClaim> claims;
    claims.reserve(items.size());
    for (int i : items) {
      const v1::ReservationRef& item = request->items(i);
      claims.push_back({item.order_id(), item.user_id(), item.quantity(), item.amount_cents()});
    }
    return ledger_.ConfirmMany(activity_id, claims);
  };
  auto fill = [](const domain::ConfirmResult& r, v1::ConfirmReservationResult* out) {
    out->set_outcome(ToProto(r.outcome));
    out->set_quantity(r.quantity);
  };
  std::vector<tracing::Span> spans = ItemSpans(tracer_, kConfirmReservationsSpan, request->items());
  auto answering = AnswerByActivity<domain::ConfirmResult>(*request, reply, confirm, fill);
  const grpc::Status answered = co_await std::move(answering);
  for (size_t i = 0; answered.ok() && i < spans.size(); ++i) {
    spans[i].Set("seckill.outcome", v1::ConfirmReservationResult::Outcome_Name(
                                        reply->results(static_cast<int>(i)).outcome()));
  }
  EndItemSpans(spans, answered);
  co_return answered;
}

ServerUnaryReactor* ProductGrpcService::AdjustStock(grpc::CallbackServerContext* ctx,
                                                    const v1::AdjustStockRequest* request,
                                                    v1::AdjustStockResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerAdjustStock(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerAdjustStock(
    const v1::AdjustStockRequest* request, v1::AdjustStockResponse* reply) {
  auto adjusting =
      ledger_.Adjust(request->activity_id(), request->expected_remaining(), request->delta());
  const absl::StatusOr<domain::AdjustResult> result = co_await std::move(adjusting);
  if (!result.ok()) co_return rpc::ToGrpc(result.status());
  reply->set_outcome(ToProto(result->outcome));
  reply->set_remaining(result->remaining);
  co_return grpc::Status::OK;
}

ServerUnaryReactor* ProductGrpcService::ReviveReservation(
    grpc::CallbackServerContext* ctx, const v1::ReviveReservationRequest* request,
    v1::ReviveReservationResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerReviveReservation(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerReviveReservation(
    const v1::ReviveReservationRequest* request, v1::ReviveReservationResponse* reply) {
  auto reviving = ledger_.Revive(request->activity_id(), request->order_id());
  const absl::StatusOr<domain::ReviveResult> result = co_await std::move(reviving);
  if (!result.ok()) co_return rpc::ToGrpc(result.status());
  reply->set_outcome(ToProto(result->outcome));
  reply->set_refusal(result->refusal);
  co_return grpc::Status::OK;
}

ServerUnaryReactor* ProductGrpcService::GetStockStats(grpc::CallbackServerContext* ctx,
                                                      const v1::GetStockStatsRequest* request,
                                                      v1::GetStockStatsResponse* reply) {
  return rpc::Serve(observers_, ctx, request, AnswerGetStockStats(request, reply));
}

ProductGrpcService::Answer ProductGrpcService::AnswerGetStockStats(
    const v1::GetStockStatsRequest* request, v1::GetStockStatsResponse* reply) {
  auto reading = ledger_.Snapshot(request->activity_id());
  const absl::StatusOr<domain::StockSnapshot> snapshot = co_await std::move(reading);
  if (!snapshot.ok()) co_return rpc::ToGrpc(snapshot.status());
  reply->set_found(snapshot->found);
  reply->set_stock(snapshot->stock);
  reply->set_remaining(snapshot->remaining);
  reply->set_reserved(snapshot->reserved);
  co_return grpc::Status::OK;
}

}  // namespace seckill::product::api
