#pragma once

#include <chrono>
#include <memory>

#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/base/await.h"
#include "libs/base/clock.h"
#include "libs/base/coalescer.h"
#include "libs/http/router.h"
#include "libs/rpc/unary_call.h"
#include "seckill/order/v1/order.grpc.pb.h"
#include "seckill/product/v1/product.grpc.pb.h"
#include "services/gateway/api/admission.h"
#include "services/gateway/app/accounts.h"
#include "services/gateway/app/activity_cache.h"

namespace seckill::gateway::api {

struct Backends {
  std::shared_ptr<product::v1::ProductService::Stub> product;
  std::shared_ptr<order::v1::OrderService::Stub> order;
  std::chrono::milliseconds timeout{3000};
  // Whether the account database answers; blocking, run on a worker.
  std::function<bool()> database_ready;
};

// The public and admin HTTP API (docs/openapi.yaml): authentication, validation, admission,
// then calls to the product and order services. Handlers run on connection strands and never
// block: account work goes to `blocking` workers, backend calls are awaited gRPC callbacks.
// Activity reads and the refusals the gateway already knows (sold out, outside the sale window)
// are answered from an ActivityCache, whose fetches run on `executor`.
class HttpApi {
 public:
  HttpApi(const app::Accounts& accounts, Backends backends, boost::asio::thread_pool& blocking,
          AdmissionControl& admission, BackendGuard& guard, const base::Clock& clock,
          boost::asio::any_io_executor executor, app::ActivityCache::Options cache_options = {});

  boost::asio::awaitable<http::Response> Handle(http::Request request);
  // Every route as a flow-control resource ("METHOD /pattern"), and the backends
  // ("grpc:product", "grpc:order").
  std::vector<std::string> Resources() const;

 private:
  using Params = http::PathParams;
  boost::asio::awaitable<http::Response> Register(http::Request request);
  boost::asio::awaitable<http::Response> Login(http::Request request);
  boost::asio::awaitable<http::Response> ListActivities(http::Request request);
  boost::asio::awaitable<http::Response> GetActivity(http::Request request, Params params);
  boost::asio::awaitable<http::Response> PlaceOrder(http::Request request, Params params,
                                                    domain::Principal caller);
  boost::asio::awaitable<http::Response> ListOrders(http::Request request,
                                                    domain::Principal caller);
  boost::asio::awaitable<http::Response> GetOrder(http::Request request, Params params,
                                                  domain::Principal caller);
  boost::asio::awaitable<http::Response> PayOrder(http::Request request, Params params,
                                                  domain::Principal caller);
  boost::asio::awaitable<http::Response> CancelOrder(http::Request request, Params params,
                                                     domain::Principal caller);
  boost::asio::awaitable<http::Response> CreateProduct(http::Request request);
  boost::asio::awaitable<http::Response> CreateActivity(http::Request request);
  boost::asio::awaitable<http::Response> ActivityStats(http::Request request, Params params);
  boost::asio::awaitable<http::Response> Reconcile(http::Request request, Params params);
  boost::asio::awaitable<http::Response> ListDeadLetters(http::Request request);
  boost::asio::awaitable<http::Response> ReplayDeadLetter(http::Request request, Params params);
  boost::asio::awaitable<http::Response> CreateUsers(http::Request request);
  boost::asio::awaitable<http::Response> Ready();
  // One activity from the product service, for the cache (through the product breaker).
  boost::asio::awaitable<app::ActivityCache::Fetched> FetchActivity(uint64_t activity_id);
  // A backend call through its circuit breaker (see BackendGuard). Not a coroutine: see
  // libs/base/await.h.
  template <class Reply, class Start, class Request>
  boost::asio::awaitable<absl::StatusOr<Reply>> Call(std::string_view backend, Start start,
                                                     Request request,
                                                     const std::string& traceparent);
  // OrderService.PlaceOrder through the order breaker, batched: the orders placed at the same
  // time share PlaceOrders calls (base::Coalescer: at once while fewer than
  // kPlacementBatchesInFlight calls are out, else together in the next one). Each order keeps
  // its own result and its own breaker outcome. Not a coroutine: see libs/base/await.h.
  boost::asio::awaitable<absl::StatusOr<order::v1::PlaceOrderReply>> Place(
      order::v1::PlaceOrderRequest request);
  static constexpr size_t kPlacementBatchesInFlight = 4;
  static constexpr size_t kMaxPlacementBatch = 256;
  using Placements = base::Coalescer<order::v1::PlaceOrderRequest, order::v1::PlaceOrderResult>;

  const app::Accounts& accounts_;
  Backends backends_;
  boost::asio::thread_pool& blocking_;
  AdmissionControl& admission_;
  BackendGuard& guard_;
  const base::Clock& clock_;
  boost::asio::any_io_executor executor_;
  app::ActivityCache activities_;
  std::shared_ptr<Placements> placements_;
  http::Router router_;
};

template <class Reply, class Start, class Request>
boost::asio::awaitable<absl::StatusOr<Reply>> HttpApi::Call(std::string_view backend, Start start,
                                                            Request request,
                                                            const std::string& traceparent) {
  std::shared_ptr<void> ticket;
  if (std::optional<absl::Status> refused = guard_.Before(backend, &ticket)) {
    return base::AwaitCallback<absl::StatusOr<Reply>>(
        [status = *refused](auto done) { done(absl::StatusOr<Reply>(status)); });
  }
  auto guarded = [start = std::move(start), ticket, guard = &guard_](
                     grpc::ClientContext* c, const auto* q, auto* r,
                     std::function<void(grpc::Status)> done) mutable {
    start(
        c, q, r,
        std::function<void(grpc::Status)>([done = std::move(done), ticket, guard](grpc::Status s) {
          guard->After(ticket, rpc::FromGrpc(s));
          done(std::move(s));
        }));
  };
  return rpc::UnaryCall<Reply>(std::move(guarded), std::move(request), backends_.timeout,
                               traceparent);
}

}  // namespace seckill::gateway::api
