#pragma once

#include <chrono>
#include <memory>

#include "boost/asio/awaitable.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/base/clock.h"
#include "libs/http/router.h"
#include "seckill/order/v1/order.grpc.pb.h"
#include "seckill/product/v1/product.grpc.pb.h"
#include "services/gateway/api/admission.h"
#include "services/gateway/app/accounts.h"

namespace seckill::gateway::api {

struct Backends {
  std::shared_ptr<product::v1::ProductService::Stub> product;
  std::shared_ptr<order::v1::OrderService::Stub> order;
  std::chrono::milliseconds timeout{3000};
  // Whether the account database answers; blocking, run on a worker.
  std::function<bool()> database_ready;
};

// The public and admin HTTP API (docs/openapi.yaml): authentication, validation, admission,
// then calls to the product and order services. Every error leaves through one status table
// with a stable code. Handlers run on connection strands and never block: account work goes to
// `blocking` workers, backend calls are awaited gRPC callbacks.
class HttpApi {
 public:
  HttpApi(const app::Accounts& accounts, Backends backends, boost::asio::thread_pool& blocking,
          AdmissionControl& admission, const base::Clock& clock);

  boost::asio::awaitable<http::Response> Handle(http::Request request);

 private:
  using Params = http::PathParams;
  boost::asio::awaitable<http::Response> Register(http::Request request);
  boost::asio::awaitable<http::Response> Login(http::Request request);
  boost::asio::awaitable<http::Response> ListActivities(http::Request request);
  boost::asio::awaitable<http::Response> GetActivity(http::Request request, Params params);
  boost::asio::awaitable<http::Response> PlaceOrder(http::Request request, Params params,
                                                    domain::Principal caller);
  boost::asio::awaitable<http::Response> ListOrders(http::Request request, domain::Principal caller);
  boost::asio::awaitable<http::Response> GetOrder(http::Request request, Params params,
                                                  domain::Principal caller);
  boost::asio::awaitable<http::Response> PayOrder(http::Request request, Params params,
                                                  domain::Principal caller);
  boost::asio::awaitable<http::Response> CreateProduct(http::Request request);
  boost::asio::awaitable<http::Response> CreateActivity(http::Request request);
  boost::asio::awaitable<http::Response> ActivityStats(http::Request request, Params params);
  boost::asio::awaitable<http::Response> CreateUsers(http::Request request);
  boost::asio::awaitable<http::Response> Ready();

  const app::Accounts& accounts_;
  Backends backends_;
  boost::asio::thread_pool& blocking_;
  AdmissionControl& admission_;
  const base::Clock& clock_;
  http::Router router_;
};

}  // namespace seckill::gateway::api
