#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/base/clock.h"
#include "libs/base/metrics.h"
#include "libs/http/access_log.h"
#include "libs/http/route_durations.h"
#include "libs/http/router.h"
#include "libs/http/static_files.h"
#include "libs/tracing/tracer.h"
#include "services/gateway/api/admission.h"
#include "services/gateway/api/backends/order_client.h"
#include "services/gateway/api/backends/product_client.h"
#include "services/gateway/api/handlers/account_handlers.h"
#include "services/gateway/api/handlers/activity_handlers.h"
#include "services/gateway/api/handlers/admin_handlers.h"
#include "services/gateway/api/handlers/order_handlers.h"
#include "services/gateway/app/accounts.h"
#include "services/gateway/app/activity_cache.h"
#include "services/gateway/domain/flow_rules_store.h"

namespace seckill::gateway::api {

struct Backends {
  // Null only where no call is made (the spec test lists the routes).
  // Each follows its service's instances (rpc::ServiceChannel).
  std::shared_ptr<const rpc::ServiceChannel> product;  // as the gateway, for buyers
  std::shared_ptr<const rpc::ServiceChannel> order;
  // As the gateway's admin identity, for admins.
  std::shared_ptr<const rpc::ServiceChannel> admin_product;
  std::shared_ptr<const rpc::ServiceChannel> admin_order;
  std::chrono::milliseconds timeout{3000};
  // Whether the account database answers; blocking, run on a worker.
  std::function<bool()> database_ready;
  // Where PUT /admin/v1/flow/rules writes the cluster's rules; null: nowhere (no etcd, the
  // gateway's rules come from its file alone).
  domain::FlowRulesStore* flow_rules_store = nullptr;
};

// (At namespace scope: a default argument of HttpApi's constructor.)
struct HttpApiOptions {
  app::ActivityCache::Options cache;
  http::AccessLogOptions access_log;
  bool request_durations = true;  // base::MetricsOptions: the histograms per route
  // The storefront's and the console's files (web/); null: the pages answer 404.
  const http::StaticFiles* web = nullptr;
};

// The public and admin HTTP API (docs/openapi.yaml): the route table, each route behind the
// middleware (api/middleware.h), its handler in a group per resource (api/handlers/), the
// backends reached through typed clients (api/backends/). Handlers run on connection strands and
// never block: they await the account use cases and the backends' gRPC calls; the readiness
// probe's database ping runs on `blocking`.
// Activity reads and the refusals the gateway already knows (sold out, outside the sale window)
// are answered from an ActivityCache, whose fetches run on `executor`. Each request's duration is
// recorded by route and status in `metrics` (unless Options::request_durations is off), and a
// sample of the requests in the access log. Each request is a span of its trace: the caller's trace
// (a valid traceparent) continued, or a new one begun; the handlers send the gateway's span on as
// the parent of their calls.
class HttpApi {
 public:
  using Options = HttpApiOptions;
  HttpApi(const app::Accounts& accounts, app::Sessions& sessions, Backends backends,
          boost::asio::thread_pool& blocking, AdmissionControl& admission, BackendGuard& guard,
          const base::Clock& clock, boost::asio::any_io_executor executor, base::Metrics& metrics,
          tracing::Tracer& tracer, Options options = {});

  boost::asio::awaitable<http::Response> Handle(http::Request request);
  // Whether both services and the account database answer (GET /readyz, and the operators' port).
  boost::asio::awaitable<bool> IsReady();
  // Every route as a flow-control resource ("METHOD /pattern"), and the backends
  // ("grpc:product", "grpc:order").
  std::vector<std::string> Resources() const;

 private:
  boost::asio::awaitable<http::Response> Ready(http::Request, http::PathParams, domain::Principal);
  // GET /api/v1/time: the server's clock, by which sales start and end (the pages' countdowns).
  boost::asio::awaitable<http::Response> Time(http::Request, http::PathParams, domain::Principal);
  // The file `name` of the web folder (a page or an asset), or 404.
  http::Response WebFile(std::string_view name, const http::Request& request) const;
  // Empty when ready, else what is not.
  boost::asio::awaitable<std::string> Unready();
  boost::asio::awaitable<http::Response> FlowRules(http::Request, http::PathParams,
                                                   domain::Principal);
  boost::asio::awaitable<http::Response> FlowMetrics(http::Request, http::PathParams,
                                                     domain::Principal);
  boost::asio::awaitable<http::Response> PutFlowRules(http::Request, http::PathParams,
                                                      domain::Principal);
  void AddRoutes(app::Sessions& sessions);

  base::Metrics& metrics_;
  tracing::Tracer& tracer_;
  const base::Clock& clock_;
  const http::StaticFiles* web_;
  // Each route's name ("METHOD /pattern"), in the router's order.
  std::vector<std::string> routes_;
  // Each route's request durations, in the router's order; then those no route matched (404,
  // 405), whose paths are not labels (a scan of random paths would make a series per path).
  // Empty when Options::request_durations is off.
  std::vector<std::unique_ptr<http::RouteDurations>> durations_;
  const bool measured_;
  const http::AccessLog access_log_;
  boost::asio::thread_pool& blocking_;
  AdmissionControl& admission_;
  std::function<bool()> database_ready_;
  domain::FlowRulesStore* flow_rules_store_;
  boost::asio::any_io_executor executor_;
  ProductClient products_;
  OrderClient orders_;
  ProductClient admin_products_;
  OrderClient admin_orders_;
  app::ActivityCache activities_;
  AccountHandlers account_handlers_;
  ActivityHandlers activity_handlers_;
  OrderHandlers order_handlers_;
  AdminHandlers admin_handlers_;
  http::Router router_;
};

}  // namespace seckill::gateway::api
