#include "services/gateway/api/backends/product_client.h"

#include "seckill/product/v1/product.grpc.pb.h"
#include "services/gateway/api/backends/guarded_call.h"

namespace seckill::gateway::api {

namespace pv1 = seckill::product::v1;
using absl::StatusOr;
using boost::asio::awaitable;

struct ProductClient::Impl {
  std::shared_ptr<rpc::Stubs<pv1::ProductService>> stubs;
};

namespace {

constexpr char kBackend[] = "product";

domain::ActivityStatus StatusOf(pv1::ActivityStatus s) {
  switch (s) {
    case pv1::ACTIVITY_STATUS_UPCOMING:
      return domain::ActivityStatus::kUpcoming;
    case pv1::ACTIVITY_STATUS_SOLD_OUT:
      return domain::ActivityStatus::kSoldOut;
    case pv1::ACTIVITY_STATUS_ENDED:
      return domain::ActivityStatus::kEnded;
    default:
      return domain::ActivityStatus::kActive;
  }
}

domain::Activity ToDomain(const pv1::Activity& a) {
  return domain::Activity{a.activity_id(),    a.product_id(),      a.title(),       a.price_cents(),
                          a.stock(),          a.remaining(),       a.start_at_ms(), a.end_at_ms(),
                          a.limit_per_user(), StatusOf(a.status())};
}

}  // namespace

ProductClient::ProductClient(std::shared_ptr<const rpc::ServiceChannel> channel,
                             BackendGuard& guard, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(Impl{std::make_shared<rpc::Stubs<pv1::ProductService>>(
          channel ? std::move(channel) : rpc::ServiceChannel::None(kBackend))})),
      guard_(guard),
      timeout_(timeout) {}

ProductClient::~ProductClient() = default;

awaitable<StatusOr<std::vector<domain::Activity>>> ProductClient::ListActivities(
    std::string traceparent) {
  const pv1::ListActivitiesRequest request;
  auto reply_call = GuardedCall<pv1::ListActivitiesResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, ListActivities), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  std::vector<domain::Activity> activities;
  for (const pv1::Activity& a : reply->activities()) activities.push_back(ToDomain(a));
  co_return activities;
}

awaitable<StatusOr<std::optional<domain::Activity>>> ProductClient::GetActivity(
    uint64_t activity_id, std::string traceparent) {
  pv1::GetActivityRequest request;
  request.set_activity_id(activity_id);
  auto reply_call = GuardedCall<pv1::GetActivityResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, GetActivity), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  if (!reply->found()) co_return std::optional<domain::Activity>();
  co_return std::optional<domain::Activity>(ToDomain(reply->activity()));
}

awaitable<StatusOr<uint64_t>> ProductClient::CreateProduct(std::string name,
                                                           std::string description,
                                                           int64_t price_cents,
                                                           std::string traceparent) {
  pv1::CreateProductRequest request;
  request.set_name(std::move(name));
  request.set_description(std::move(description));
  request.set_price_cents(price_cents);
  auto reply_call = GuardedCall<pv1::CreateProductResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, CreateProduct), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  co_return reply->product_id();
}

awaitable<StatusOr<uint64_t>> ProductClient::CreateActivity(NewActivity activity,
                                                            std::string traceparent) {
  pv1::CreateActivityRequest request;
  request.set_product_id(activity.product_id);
  request.set_title(std::move(activity.title));
  request.set_price_cents(activity.price_cents);
  request.set_stock(activity.stock);
  request.set_start_at_ms(activity.start_at_ms);
  request.set_end_at_ms(activity.end_at_ms);
  request.set_limit_per_user(activity.limit_per_user);
  auto reply_call = GuardedCall<pv1::CreateActivityResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, CreateActivity), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  if (reply->outcome() == pv1::CreateActivityResponse::OUTCOME_PRODUCT_NOT_FOUND) {
    co_return absl::NotFoundError("no such product");
  }
  co_return reply->activity_id();
}

awaitable<StatusOr<StockStats>> ProductClient::GetStockStats(uint64_t activity_id,
                                                             std::string traceparent) {
  pv1::GetStockStatsRequest request;
  request.set_activity_id(activity_id);
  auto reply_call = GuardedCall<pv1::GetStockStatsResponse>(
      guard_, kBackend, timeout_, SECKILL_ASYNC_METHOD(impl_->stubs, GetStockStats), request,
      traceparent);
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  if (!reply->found()) co_return absl::NotFoundError("no such activity");
  co_return StockStats{reply->stock(), reply->remaining(), reply->reserved()};
}

awaitable<absl::Status> ProductClient::Probe() {
  const pv1::GetStockStatsRequest request;
  const std::string no_trace;
  auto reply_call = rpc::UnaryCall<pv1::GetStockStatsResponse>(
      SECKILL_ASYNC_METHOD(impl_->stubs, GetStockStats), request, std::chrono::milliseconds(1000),
      no_trace);
  auto reply = co_await std::move(reply_call);
  co_return reply.status();
}

}  // namespace seckill::gateway::api
