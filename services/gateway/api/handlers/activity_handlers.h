#pragma once

#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/api/backends/product_client.h"
#include "services/gateway/app/activity_cache.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::api {

// GET /api/v1/activities and /api/v1/activities/{id}. A single activity is read through the
// gateway's ActivityCache (every buyer refreshes it during a sale).
class ActivityHandlers {
 public:
  ActivityHandlers(ProductClient& products, app::ActivityCache& activities)
      : products_(products), activities_(activities) {}

  boost::asio::awaitable<http::Response> List(http::Request request, http::PathParams,
                                              domain::Principal);
  boost::asio::awaitable<http::Response> Get(http::Request request, http::PathParams params,
                                             domain::Principal);

 private:
  ProductClient& products_;
  app::ActivityCache& activities_;
};

}  // namespace seckill::gateway::api
