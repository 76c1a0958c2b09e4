#pragma once

#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/base/metrics.h"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/api/backends/order_client.h"
#include "services/gateway/app/activity_cache.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::api {

// A buyer's orders: placing one (POST /api/v1/activities/{id}/orders), listing, reading, paying
// and cancelling their own. A placement the ActivityCache can already refuse (recently sold out,
// far outside the sale window) costs no hop; every other answer is noted in the cache. Refusals
// are counted by reason (seckill_order_refusals_total{reason}, every reason listed from the
// start).
class OrderHandlers {
 public:
  OrderHandlers(OrderClient& orders, app::ActivityCache& activities, base::Metrics& metrics);

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
  // The refusal's answer, counted.
  http::Response Refused(domain::Refusal refusal) const;

  OrderClient& orders_;
  app::ActivityCache& activities_;
  std::vector<base::Counter*> refusals_;  // by domain::Refusal
};

}  // namespace seckill::gateway::api
