#pragma once

#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/api/backends/order_client.h"
#include "services/gateway/app/activity_cache.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::api {

// A buyer's orders: placing one (POST /api/v1/activities/{id}/orders), listing, reading, paying
// and cancelling their own. A placement the ActivityCache can already refuse (recently sold out,
// far outside the sale window) costs no hop; every other answer is noted in the cache.
class OrderHandlers {
 public:
  OrderHandlers(OrderClient& orders, app::ActivityCache& activities)
      : orders_(orders), activities_(activities) {}

  boost::asio::awaitable<http::Response> Place(http::Request request, http::PathParams params,
                                               domain::Principal caller);
  boost::asio::awaitable<http::Response> List(http::Request request, http::PathParams,
                                              domain::Principal caller);
  boost::asio::awaitable<http::Response> Get(http::Request request, http::PathParams params,
                                             domain::Principal caller);
  boost::asio::awaitable<http::Response> Pay(http::Request request, http::PathParams params,
                                             domain::Principal caller);
  boost::asio::awaitable<http::Response> Cancel(http::Request request, http::PathParams params,
                                                domain::Principal caller);

 private:
  OrderClient& orders_;
  app::ActivityCache& activities_;
};

}  // namespace seckill::gateway::api
