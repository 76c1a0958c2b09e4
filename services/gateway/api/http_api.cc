#include "services/gateway/api/http_api.h"

#include "boost/asio/co_spawn.hpp"
#include "fmt/format.h"
#include "libs/base/await.h"
#include "libs/base/status.h"
#include "libs/base/time_format.h"
#include "libs/flowcontrol/rules.h"
#include "libs/http/json.h"
#include "services/gateway/api/middleware.h"

namespace seckill::gateway::api {

namespace asio = boost::asio;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;

HttpApi::HttpApi(const app::Accounts& accounts, app::Sessions& sessions, Backends backends,
                 asio::thread_pool& blocking, AdmissionControl& admission, BackendGuard& guard,
                 const base::Clock& clock, asio::any_io_executor executor, base::Metrics& metrics,
                 tracing::Tracer& tracer, Options options)
    : metrics_(metrics),
      tracer_(tracer),
      clock_(clock),
      web_(options.web),
      measured_(options.request_durations),
      access_log_(options.access_log),
      blocking_(blocking),
      admission_(admission),
      database_ready_(std::move(backends.database_ready)),
      flow_rules_store_(backends.flow_rules_store),
      executor_(std::move(executor)),
      products_(backends.product, guard, backends.timeout),
      orders_(backends.order, guard, backends.timeout, tracer),
      admin_products_(backends.admin_product, guard, backends.timeout),
      admin_orders_(backends.admin_order, guard, backends.timeout, tracer),
      activities_(
          clock,
          [this](uint64_t id, app::ActivityCache::Done done) {
            const std::string no_trace;
            // A named awaitable, not a prvalue: see libs/base/await.h.
            auto fetch = products_.GetActivity(id, no_trace);
            asio::co_spawn(
                executor_, std::move(fetch),
                [done = std::move(done)](std::exception_ptr e,
                                         app::ActivityCache::Fetched fetched) {
                  done(e ? absl::InternalError("reading the activity failed") : std::move(fetched));
                });
          },
          options.cache),
      account_handlers_(accounts, sessions),
      activity_handlers_(products_, activities_),
      order_handlers_(orders_, activities_, metrics),
      admin_handlers_(admin_products_, admin_orders_) {
  AddRoutes(sessions);
  routes_.emplace_back("(unmatched)");
  if (measured_)
    durations_.push_back(std::make_unique<http::RouteDurations>(metrics_, routes_.back(), 404));
}

void HttpApi::AddRoutes(app::Sessions& sessions) {
  // `ok`: the route's success status (docs/openapi.yaml), listed in its metrics from the start.
  auto route = [&](const char* method, const char* pattern, int ok, Access access, Handler handler,
                   Precheck precheck = nullptr) {
    const std::string name = fmt::format("{} {}", method, pattern);
    router_.Add(method, pattern,
                WithMiddleware(name, access, std::move(handler), sessions, admission_, tracer_,
                               std::move(precheck)));
    if (measured_) durations_.push_back(std::make_unique<http::RouteDurations>(metrics_, name, ok));
    routes_.push_back(name);
  };
  constexpr Access kPublic = Access::kPublic;
  constexpr Access kUser = Access::kUser;
  constexpr Access kAdmin = Access::kAdmin;
  route("GET", "/healthz", 200, kPublic,
        [](Request, http::PathParams, domain::Principal) -> asio::awaitable<Response> {
          co_return JsonResponse(200, {{"status", "ok"}});
        });
  route("GET", "/readyz", 200, kPublic, Bind(*this, &HttpApi::Ready));

  // The pages (web/): the storefront, the operator console (its data comes from the admin API,
  // which checks the caller; the page itself is public), and their scripts and styles.
  auto page = [this](const char* file) -> Handler {
    return [this, file](Request request, http::PathParams,
                        domain::Principal) -> asio::awaitable<Response> {
      co_return WebFile(file, request);
    };
  };
  route("GET", "/", 200, kPublic, page("index.html"));
  route("GET", "/console", 200, kPublic, page("console.html"));
  route("GET", "/assets/{file}", 200, kPublic,
        [this](Request request, http::PathParams params, domain::Principal)
            -> asio::awaitable<Response> { co_return WebFile(params["file"], request); });
  route("GET", "/api/v1/time", 200, kPublic, Bind(*this, &HttpApi::Time));

  route("POST", "/api/v1/users", 201, kPublic, Bind(account_handlers_, &AccountHandlers::Register),
        [this](const Request& r) { return account_handlers_.PrecheckRegistration(r); });
  route("POST", "/api/v1/sessions", 200, kPublic, Bind(account_handlers_, &AccountHandlers::Login),
        [this](const Request& r) { return account_handlers_.PrecheckLogin(r); });
  route("POST", "/api/v1/sessions/current:revoke", 200, kUser,
        Bind(account_handlers_, &AccountHandlers::Logout));
  route("POST", "/admin/v1/users:bulk", 201, kAdmin,
        Bind(account_handlers_, &AccountHandlers::CreateUsers));
  route("POST", "/admin/v1/users/{id}/sessions:revoke", 200, kAdmin,
        Bind(account_handlers_, &AccountHandlers::RevokeSessions));

  route("GET", "/api/v1/activities", 200, kPublic,
        Bind(activity_handlers_, &ActivityHandlers::List));
  route("GET", "/api/v1/activities/{id}", 200, kPublic,
        Bind(activity_handlers_, &ActivityHandlers::Get));

  route("POST", "/api/v1/activities/{id}/orders", 202, kUser,
        Bind(order_handlers_, &OrderHandlers::Place));
  route("GET", "/api/v1/orders", 200, kUser, Bind(order_handlers_, &OrderHandlers::List));
  route("GET", "/api/v1/orders/{id}", 200, kUser, Bind(order_handlers_, &OrderHandlers::Get));
  route("POST", "/api/v1/orders/{id}/payment", 200, kUser,
        Bind(order_handlers_, &OrderHandlers::Pay));
  route("POST", "/api/v1/orders/{id}/cancel", 200, kUser,
        Bind(order_handlers_, &OrderHandlers::Cancel));

  route("POST", "/admin/v1/products", 201, kAdmin,
        Bind(admin_handlers_, &AdminHandlers::CreateProduct));
  route("POST", "/admin/v1/activities", 201, kAdmin,
        Bind(admin_handlers_, &AdminHandlers::CreateActivity));
  route("GET", "/admin/v1/activities/{id}/stats", 200, kAdmin,
        Bind(admin_handlers_, &AdminHandlers::ActivityStats));
  route("POST", "/admin/v1/activities/{id}/reconcile", 200, kAdmin,
        Bind(admin_handlers_, &AdminHandlers::Reconcile));
  route("GET", "/admin/v1/dead-letters", 200, kAdmin,
        Bind(admin_handlers_, &AdminHandlers::ListDeadLetters));
  route("POST", "/admin/v1/dead-letters/{id}/replay", 200, kAdmin,
        Bind(admin_handlers_, &AdminHandlers::ReplayDeadLetter));
  route("GET", "/admin/v1/flow/rules", 200, kAdmin, Bind(*this, &HttpApi::FlowRules));
  route("PUT", "/admin/v1/flow/rules", 200, kAdmin, Bind(*this, &HttpApi::PutFlowRules));
  route("GET", "/admin/v1/flow/metrics", 200, kAdmin, Bind(*this, &HttpApi::FlowMetrics));
}

asio::awaitable<Response> HttpApi::Time(Request, http::PathParams, domain::Principal) {
  const int64_t now = clock_.NowMs();
  co_return JsonResponse(200, {{"now", base::FormatRfc3339(now)}, {"now_unix_ms", now}});
}

Response HttpApi::WebFile(std::string_view name, const Request& request) const {
  std::optional<Response> file;
  if (web_ != nullptr) file = web_->Serve(name, request.Header("if-none-match"));
  if (!file) {
    return ErrorResponse(404, "NOT_FOUND",
                         web_ == nullptr ? "this gateway serves no pages (web.dir is not set)"
                                         : "no such page or file");
  }
  return *std::move(file);
}

std::vector<std::string> HttpApi::Resources() const {
  std::vector<std::string> resources;
  for (const http::Router::Route& route : router_.routes()) {
    resources.push_back(fmt::format("{} {}", route.method, route.pattern));
  }
  resources.push_back("grpc:product");
  resources.push_back("grpc:order");
  return resources;
}

namespace {

void SetHeader(Request& request, std::string_view name, std::string value) {
  for (auto& [key, existing] : request.headers) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  request.headers.emplace_back(name, std::move(value));
}

}  // namespace

asio::awaitable<Response> HttpApi::Handle(Request request) {
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  http::Router::Match match = router_.Find(request.method, request.path);
  // The route's place in routes_ (and durations_); the last place: no route matched.
  const size_t index = match.route == nullptr
                           ? routes_.size() - 1
                           : static_cast<size_t>(match.route - router_.routes().data());
  const std::string& route = routes_[index];
  // What the log line and the span need, kept from the request the handler takes; declared
  // before the span, which borrows from it until its end.
  const Request logged{
      .method = request.method, .path = request.path, .client_ip = request.client_ip};
  // This request's span: of the caller's trace (its traceparent), or the first of a new one;
  // what the gateway calls for it is sent this span as its parent.
  tracing::Span span =
      tracer_.StartSpan(route, tracing::SpanKind::kServer, request.Header(base::kTraceparentKey));
  SetHeader(request, base::kTraceparentKey, span.Traceparent());
  span.SetBorrowed("http.request.method", logged.method)
      .SetBorrowed("http.route", route)
      .SetBorrowed("url.path", logged.path);
  if (match.route == nullptr) {
    Response r = ErrorResponse(404, "NOT_FOUND", "no such route");
    if (match.path_matched) {
      r = ErrorResponse(405, "METHOD_NOT_ALLOWED",
                        fmt::format("{} is not allowed here; use {}", request.method, match.allow));
      r.headers.emplace_back("Allow", match.allow);
    }
    const double elapsed = seconds();
    if (measured_) durations_[index]->Observe(r.status, elapsed);
    access_log_.Record(logged, route, r.status, elapsed, span.context());
    span.Set("http.response.status_code", r.status);
    co_return r;
  }
  auto handled = match.route->handler(std::move(request), std::move(match.params));
  Response response = co_await std::move(handled);
  const double elapsed = seconds();
  if (measured_) durations_[index]->Observe(response.status, elapsed);
  access_log_.Record(logged, route, response.status, elapsed, span.context());
  span.Set("http.response.status_code", response.status);
  if (!response.error_code.empty()) span.Set("seckill.outcome", std::string(response.error_code));
  if (response.status >= 500) span.SetError(std::string(response.error_code));
  co_return response;
}

asio::awaitable<std::string> HttpApi::Unready() {
  auto product_call = products_.Probe();
  const absl::Status product = co_await std::move(product_call);
  auto order_call = orders_.Probe();
  const absl::Status order = co_await std::move(order_call);
  auto database_call = base::Offload(blocking_, database_ready_);
  const bool database = co_await std::move(database_call);
  if (product.ok() && order.ok() && database) co_return "";
  co_return fmt::format("not ready: product service {}, order service {}, database {}",
                        product.ok() ? "up" : "down", order.ok() ? "up" : "down",
                        database ? "up" : "down");
}

asio::awaitable<bool> HttpApi::IsReady() {
  auto checking = Unready();
  co_return (co_await std::move(checking)).empty();
}

asio::awaitable<Response> HttpApi::Ready(Request, http::PathParams, domain::Principal) {
  auto checking = Unready();
  const std::string unready = co_await std::move(checking);
  if (!unready.empty()) co_return ErrorResponse(503, "UNAVAILABLE", unready);
  co_return JsonResponse(200, {{"status", "ready"}});
}

asio::awaitable<Response> HttpApi::FlowRules(Request, http::PathParams, domain::Principal) {
  Response r;
  r.body = admission_.RulesJson();
  co_return r;
}

asio::awaitable<Response> HttpApi::PutFlowRules(Request request, http::PathParams,
                                                domain::Principal) {
  absl::StatusOr<flowcontrol::RuleDocument> document = flowcontrol::ParseRules(request.body);
  if (!document.ok()) {
    co_return ErrorResponse(400, "INVALID_RULES", std::string(base::Message(document.status())));
  }
  if (*document == flowcontrol::RuleDocument{}) {
    co_return ErrorResponse(400, "INVALID_RULES",
                            "an empty document would leave the rules in force (onDelete "
                            "KEEP_LAST_GOOD); send the rules to enforce, or onDelete CLEAR");
  }
  if (flow_rules_store_ == nullptr) {
    co_return ErrorResponse(409, "NO_CLUSTER_STORE",
                            "this gateway runs without etcd (etcd.endpoints): its rules come from "
                            "its rules file; edit that file instead");
  }
  std::string normalized = flowcontrol::ToJson(*document);
  auto publishing = flow_rules_store_->Publish(normalized);
  if (absl::Status published = co_await std::move(publishing); !published.ok()) {
    Response unavailable = ErrorResponse(
        503, "UNAVAILABLE",
        fmt::format("the rules could not be stored in etcd ({}); the rules in force stay; retry",
                    base::Message(published)));
    unavailable.headers.emplace_back("Retry-After", "1");
    co_return unavailable;
  }
  Response r;
  r.body = std::move(normalized);
  co_return r;
}

asio::awaitable<Response> HttpApi::FlowMetrics(Request, http::PathParams, domain::Principal) {
  Response r;
  r.body = admission_.MetricsJson();
  co_return r;
}

}  // namespace seckill::gateway::api
