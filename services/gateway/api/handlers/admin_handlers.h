#pragma once

#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/api/backends/order_client.h"
#include "services/gateway/api/backends/product_client.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::api {

// The operator's routes under /admin/v1 that reach the backends: catalogue, a sale's figures,
// reconciliation, dead letters.
class AdminHandlers {
 public:
  AdminHandlers(ProductClient& products, OrderClient& orders)
      : products_(products), orders_(orders) {}

  boost::asio::awaitable<http::Response> CreateProduct(http::Request request, http::PathParams,
                                                       domain::Principal);
  boost::asio::awaitable<http::Response> CreateActivity(http::Request request, http::PathParams,
                                                        domain::Principal);
  boost::asio::awaitable<http::Response> ActivityStats(http::Request request,
                                                       http::PathParams params, domain::Principal);
  boost::asio::awaitable<http::Response> Reconcile(http::Request request, http::PathParams params,
                                                   domain::Principal);
  boost::asio::awaitable<http::Response> ListDeadLetters(http::Request request, http::PathParams,
                                                         domain::Principal);
  boost::asio::awaitable<http::Response> ReplayDeadLetter(http::Request request,
                                                          http::PathParams params,
                                                          domain::Principal);

 private:
  ProductClient& products_;
  OrderClient& orders_;
};

}  // namespace seckill::gateway::api
