#include "services/gateway/api/http_api.h"

#include <charconv>
#include <variant>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/json/array.hpp"
#include "libs/base/await.h"
#include "libs/base/status.h"
#include "libs/base/time_format.h"
#include "libs/http/json.h"
#include "libs/rpc/deadline.h"
#include "libs/rpc/trace_context.h"
#include "libs/rpc/unary_call.h"
#include "spdlog/spdlog.h"

namespace seckill::gateway::api {

namespace asio = boost::asio;
namespace json = boost::json;
namespace pv1 = seckill::product::v1;
namespace ov1 = seckill::order::v1;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;

namespace {

// --- the one table from failures to HTTP ---------------------------------------------------

Response Unavailable(std::string_view message) {
  Response r = ErrorResponse(503, "UNAVAILABLE", message);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

Response Unauthenticated(std::string_view message) {
  Response r = ErrorResponse(401, "UNAUTHENTICATED", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

// A failed status from a use case or a backend call. Business refusals never arrive here.
Response FromStatus(const absl::Status& s, std::string_view what) {
  if (auto retry = s.GetPayload(kDegradePayload); retry.has_value()) {
    // An open circuit breaker answered for the backend: nothing was called.
    json::object error{
        {"code", "UNAVAILABLE"}, {"message", base::Message(s)}, {"reason", "DEGRADE"}};
    Response r = JsonResponse(503, json::object{{"error", std::move(error)}});
    r.headers.emplace_back("Retry-After", std::string(*retry));
    return r;
  }
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
      return ErrorResponse(400, "INVALID_ARGUMENT", base::Message(s));
    case absl::StatusCode::kUnauthenticated:
      return Unauthenticated(base::Message(s));
    case absl::StatusCode::kPermissionDenied:
      return ErrorResponse(403, "FORBIDDEN", base::Message(s));
    case absl::StatusCode::kNotFound:
      return ErrorResponse(404, "NOT_FOUND", base::Message(s));
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
      spdlog::warn("{}: {}", what, s.ToString());
      return Unavailable(fmt::format("{} is temporarily unavailable; retry shortly", what));
    default:
      spdlog::error("{}: {}", what, s.ToString());
      return ErrorResponse(500, "INTERNAL", "internal error");
  }
}

Response BuildPlaceOrderRefusal(ov1::PlaceOrderReply::Outcome outcome) {
  using R = ov1::PlaceOrderReply;
  switch (outcome) {
    case R::ACTIVITY_NOT_FOUND:
      return ErrorResponse(404, "NOT_FOUND", "no such activity");
    case R::NOT_STARTED:
      return ErrorResponse(409, "NOT_STARTED", "the sale has not started yet");
    case R::ENDED:
      return ErrorResponse(409, "ENDED", "the sale has ended");
    case R::SOLD_OUT:
      return ErrorResponse(409, "SOLD_OUT", "the activity is sold out");
    case R::PURCHASE_LIMIT:
      return ErrorResponse(409, "PURCHASE_LIMIT",
                           "you have reached this activity's purchase limit");
    case R::INVALID_QUANTITY:
      return ErrorResponse(400, "INVALID_ARGUMENT", "quantity is not allowed for this activity");
    case R::RESTORING: {
      Response r = ErrorResponse(503, "UNAVAILABLE",
                                 "this sale's stock is being restored; retry in a few seconds");
      r.headers.emplace_back("Retry-After", "2");
      return r;
    }
    default:
      return ErrorResponse(500, "INTERNAL", "internal error");
  }
}

// Refusals are most of a sale's answers (tens of thousands a second): each is built once.
Response PlaceOrderRefusal(ov1::PlaceOrderReply::Outcome outcome) {
  static const std::vector<Response> kBuilt = [] {
    std::vector<Response> built;
    for (int o = 0; o <= ov1::PlaceOrderReply::Outcome_MAX; ++o) {
      built.push_back(BuildPlaceOrderRefusal(static_cast<ov1::PlaceOrderReply::Outcome>(o)));
    }
    return built;
  }();
  const auto i = static_cast<size_t>(outcome);
  return i < kBuilt.size() ? kBuilt[i] : BuildPlaceOrderRefusal(outcome);
}

// The order service's outcome for a refusal the gateway gave by itself, so both speak alike.
ov1::PlaceOrderReply::Outcome OutcomeOf(domain::KnownRefusal refusal) {
  switch (refusal) {
    case domain::KnownRefusal::kSoldOut:
      return ov1::PlaceOrderReply::SOLD_OUT;
    case domain::KnownRefusal::kNotStarted:
      return ov1::PlaceOrderReply::NOT_STARTED;
    case domain::KnownRefusal::kEnded:
      return ov1::PlaceOrderReply::ENDED;
  }
  return ov1::PlaceOrderReply::SOLD_OUT;
}

// What an order's answer tells the activity cache.
app::ActivityCache::OrderAnswer AnswerOf(const absl::StatusOr<ov1::PlaceOrderReply>& reply) {
  using Answer = app::ActivityCache::OrderAnswer;
  if (!reply.ok()) return Answer::kOther;
  switch (reply->outcome()) {
    case ov1::PlaceOrderReply::SOLD_OUT:
      return Answer::kSoldOut;
    case ov1::PlaceOrderReply::NOT_STARTED:
    case ov1::PlaceOrderReply::ENDED:
      return Answer::kOutsideWindow;
    default:
      return Answer::kOther;
  }
}

// --- request parsing -------------------------------------------------------------------------

// A path or body id: 1 to 20 decimal digits, not zero, within uint64.
std::optional<uint64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

std::string Traceparent(const Request& r) {
  const std::string& value = r.Header("traceparent");
  return rpc::IsValidTraceparent(value) ? value : "";
}

bool ValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// An id field given as a decimal string (ids are strings in this API) or a positive integer.
std::optional<uint64_t> IdField(const json::object& body, std::string_view key,
                                std::string* error) {
  const json::value* v = body.if_contains(key);
  if (v != nullptr && v->is_string()) {
    if (auto id = ParseId(std::string_view(v->as_string()))) return id;
  } else if (v != nullptr && v->is_int64() && v->as_int64() > 0) {
    return static_cast<uint64_t>(v->as_int64());
  }
  *error = fmt::format("field '{}' must be an id (a string of digits)", key);
  return std::nullopt;
}

domain::ActivityStatus StatusOf(pv1::ActivityStatus s) {
  switch (s) {
    case pv1::UPCOMING:
      return domain::ActivityStatus::kUpcoming;
    case pv1::SOLD_OUT:
      return domain::ActivityStatus::kSoldOut;
    case pv1::ENDED:
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

std::string_view OrderStatusName(ov1::OrderStatus s) {
  switch (s) {
    case ov1::QUEUED:
      return "QUEUED";
    case ov1::CREATED:
      return "CREATED";
    case ov1::PAID:
      return "PAID";
    case ov1::CANCELLED:
      return "CANCELLED";
    case ov1::FAILED:
      return "FAILED";
    default:
      return "UNKNOWN";
  }
}

json::object ActivityJson(const domain::Activity& a) {
  return json::object{{"activity_id", std::to_string(a.activity_id)},
                      {"product_id", std::to_string(a.product_id)},
                      {"title", a.title},
                      {"price_cents", a.price_cents},
                      {"stock", a.stock},
                      {"remaining", a.remaining},
                      {"start_at", base::FormatRfc3339(a.start_at_ms)},
                      {"end_at", base::FormatRfc3339(a.end_at_ms)},
                      {"limit_per_user", a.limit_per_user},
                      {"status", domain::ActivityStatusName(a.status)}};
}

json::object OrderJson(const ov1::Order& o) {
  return json::object{{"order_id", std::to_string(o.order_id())},
                      {"activity_id", std::to_string(o.activity_id())},
                      {"user_id", std::to_string(o.user_id())},
                      {"quantity", o.quantity()},
                      {"amount_cents", o.amount_cents()},
                      {"status", OrderStatusName(o.status())},
                      {"created_at", base::FormatRfc3339(o.created_at_ms())}};
}

enum class Access { kPublic, kUser, kAdmin };

// The order of a POST /api/v1/orders/{id}/<action> whose body, if any, must be {}: its id, or
// the 400 to answer instead.
std::variant<uint64_t, Response> OrderActionTarget(const Request& request,
                                                   http::PathParams& params) {
  auto id = ParseId(params["id"]);
  if (!id) return ErrorResponse(400, "INVALID_ARGUMENT", "order id must be a positive integer");
  auto body = http::ParseJsonObject(request.body, /*allow_empty=*/true);
  if (!body.ok()) return FromStatus(body.status(), "request");
  if (absl::Status s = http::JsonFields(*body).Finish(); !s.ok()) return FromStatus(s, "request");
  return *id;
}

}  // namespace

HttpApi::HttpApi(const app::Accounts& accounts, Backends backends, asio::thread_pool& blocking,
                 AdmissionControl& admission, BackendGuard& guard, const base::Clock& clock,
                 asio::any_io_executor executor, app::ActivityCache::Options cache_options)
    : accounts_(accounts),
      backends_(std::move(backends)),
      blocking_(blocking),
      admission_(admission),
      guard_(guard),
      clock_(clock),
      executor_(std::move(executor)),
      activities_(
          clock_,
          [this](uint64_t id, app::ActivityCache::Done done) {
            // A named awaitable, not a prvalue: see libs/base/await.h.
            auto fetch = FetchActivity(id);
            asio::co_spawn(
                executor_, std::move(fetch),
                [done = std::move(done)](std::exception_ptr e,
                                         app::ActivityCache::Fetched fetched) {
                  done(e ? absl::InternalError("reading the activity failed") : std::move(fetched));
                });
          },
          cache_options),
      placements_(Placements::Create(
          [order = backends_.order, timeout = backends_.timeout](
              std::vector<ov1::PlaceOrderRequest> items, Placements::Clock::time_point oldest,
              Placements::BatchDone done) {
            struct BatchCall {
              grpc::ClientContext context;
              ov1::PlaceOrdersRequest request;
              ov1::PlaceOrdersReply reply;
            };
            auto call = std::make_shared<BatchCall>();
            // Counted from the oldest order's arrival: none waits past its own deadline.
            call->context.set_deadline(rpc::DeadlineFrom(oldest, timeout));
            for (ov1::PlaceOrderRequest& item : items) *call->request.add_items() = std::move(item);
            order->async()->PlaceOrders(
                &call->context, &call->request, &call->reply,
                [call, done = std::move(done)](grpc::Status status) {
                  if (!status.ok()) return done(rpc::FromGrpc(status));
                  done(std::vector<ov1::PlaceOrderResult>(call->reply.results().begin(),
                                                          call->reply.results().end()));
                });
          },
          kPlacementBatchesInFlight, kMaxPlacementBatch)) {
  using Handler = std::function<asio::awaitable<Response>(Request, Params, domain::Principal)>;
  // Every route: authenticate as its access level requires, ask admission control, run.
  auto route = [this](const char* method, const char* pattern, Access access, Handler handler) {
    std::string resource = fmt::format("{} {}", method, pattern);
    router_.Add(
        method, pattern,
        [this, access, resource, handler = std::move(handler)](
            Request request, Params params) -> asio::awaitable<Response> {
          domain::Principal caller;
          if (access != Access::kPublic) {
            const std::string& auth = request.Header("authorization");
            if (auth.size() < 8 ||
                (auth.compare(0, 7, "Bearer ") != 0 && auth.compare(0, 7, "bearer ") != 0)) {
              co_return Unauthenticated("missing bearer token (Authorization: Bearer <token>)");
            }
            auto principal = accounts_.Authenticate(std::string_view(auth).substr(7));
            if (!principal.ok()) co_return Unauthenticated(base::Message(principal.status()));
            if (access == Access::kAdmin && principal->role != domain::Role::kAdmin) {
              co_return ErrorResponse(403, "FORBIDDEN", "this route needs the admin role");
            }
            caller = *principal;
          }
          Admission admitted = admission_.Admit(resource, request, params,
                                                access == Access::kPublic ? nullptr : &caller);
          if (admitted.refusal) co_return *admitted.refusal;
          if (admitted.delay.count() > 0) {
            // Paced by a throttling rule: parked on a timer, no thread sleeps.
            asio::steady_timer timer(co_await asio::this_coro::executor, admitted.delay);
            co_await timer.async_wait(asio::use_awaitable);
          }
          auto handled = handler(std::move(request), std::move(params), caller);
          Response response = co_await std::move(handled);
          admission_.Complete(admitted, response.status);
          for (auto& header : admitted.headers) response.headers.push_back(std::move(header));
          co_return response;
        });
  };
  route("GET", "/healthz", Access::kPublic, [](Request, Params, auto) -> asio::awaitable<Response> {
    co_return JsonResponse(200, {{"status", "ok"}});
  });
  route("GET", "/readyz", Access::kPublic, [this](Request, Params, auto) { return Ready(); });
  route("POST", "/api/v1/users", Access::kPublic,
        [this](Request r, Params, auto) { return Register(std::move(r)); });
  route("POST", "/api/v1/sessions", Access::kPublic,
        [this](Request r, Params, auto) { return Login(std::move(r)); });
  route("GET", "/api/v1/activities", Access::kPublic,
        [this](Request r, Params, auto) { return ListActivities(std::move(r)); });
  route("GET", "/api/v1/activities/{id}", Access::kPublic,
        [this](Request r, Params p, auto) { return GetActivity(std::move(r), std::move(p)); });
  route("POST", "/api/v1/activities/{id}/orders", Access::kUser,
        [this](Request r, Params p, domain::Principal c) {
          return PlaceOrder(std::move(r), std::move(p), c);
        });
  route("GET", "/api/v1/orders", Access::kUser,
        [this](Request r, Params, domain::Principal c) { return ListOrders(std::move(r), c); });
  route("GET", "/api/v1/orders/{id}", Access::kUser,
        [this](Request r, Params p, domain::Principal c) {
          return GetOrder(std::move(r), std::move(p), c);
        });
  route("POST", "/api/v1/orders/{id}/payment", Access::kUser,
        [this](Request r, Params p, domain::Principal c) {
          return PayOrder(std::move(r), std::move(p), c);
        });
  route("POST", "/api/v1/orders/{id}/cancel", Access::kUser,
        [this](Request r, Params p, domain::Principal c) {
          return CancelOrder(std::move(r), std::move(p), c);
        });
  route("POST", "/admin/v1/products", Access::kAdmin,
        [this](Request r, Params, auto) { return CreateProduct(std::move(r)); });
  route("POST", "/admin/v1/activities", Access::kAdmin,
        [this](Request r, Params, auto) { return CreateActivity(std::move(r)); });
  route("GET", "/admin/v1/activities/{id}/stats", Access::kAdmin,
        [this](Request r, Params p, auto) { return ActivityStats(std::move(r), std::move(p)); });
  route("POST", "/admin/v1/activities/{id}/reconcile", Access::kAdmin,
        [this](Request r, Params p, auto) { return Reconcile(std::move(r), std::move(p)); });
  route("GET", "/admin/v1/dead-letters", Access::kAdmin,
        [this](Request r, Params, auto) { return ListDeadLetters(std::move(r)); });
  route("POST", "/admin/v1/dead-letters/{id}/replay", Access::kAdmin,
        [this](Request r, Params p, auto) { return ReplayDeadLetter(std::move(r), std::move(p)); });
  route("POST", "/admin/v1/users:bulk", Access::kAdmin,
        [this](Request r, Params, auto) { return CreateUsers(std::move(r)); });
  route("GET", "/admin/v1/flow/rules", Access::kAdmin,
        [this](Request, Params, auto) -> asio::awaitable<Response> {
          Response r;
          r.body = admission_.RulesJson();
          co_return r;
        });
  route("GET", "/admin/v1/flow/metrics", Access::kAdmin,
        [this](Request, Params, auto) -> asio::awaitable<Response> {
          Response r;
          r.body = admission_.MetricsJson();
          co_return r;
        });
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

asio::awaitable<Response> HttpApi::Handle(Request request) {
  http::Router::Match match = router_.Find(request.method, request.path);
  if (match.route == nullptr) {
    if (!match.path_matched) co_return ErrorResponse(404, "NOT_FOUND", "no such route");
    Response r =
        ErrorResponse(405, "METHOD_NOT_ALLOWED",
                      fmt::format("{} is not allowed here; use {}", request.method, match.allow));
    r.headers.emplace_back("Allow", match.allow);
    co_return r;
  }
  auto handled = match.route->handler(std::move(request), std::move(match.params));
  co_return co_await std::move(handled);
}

asio::awaitable<Response> HttpApi::Ready() {
  pv1::GetStockStatsRequest probe;
  auto product_call = rpc::UnaryCall<pv1::GetStockStatsReply>(
      SECKILL_ASYNC_METHOD(backends_.product, GetStockStats), probe,
      std::chrono::milliseconds(1000), "");
  auto product = co_await std::move(product_call);
  ov1::GetOrderStatsRequest order_probe;
  auto order_call =
      rpc::UnaryCall<ov1::GetOrderStatsReply>(SECKILL_ASYNC_METHOD(backends_.order, GetOrderStats),
                                              order_probe, std::chrono::milliseconds(1000), "");
  auto order = co_await std::move(order_call);
  auto database_call = base::Offload(blocking_, backends_.database_ready);
  const bool database = co_await std::move(database_call);
  if (!product.ok() || !order.ok() || !database) {
    co_return ErrorResponse(
        503, "UNAVAILABLE",
        fmt::format("not ready: product service {}, order service {}, database {}",
                    product.ok() ? "up" : "down", order.ok() ? "up" : "down",
                    database ? "up" : "down"));
  }
  co_return JsonResponse(200, {{"status", "ready"}});
}

asio::awaitable<Response> HttpApi::Register(Request request) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto username = fields.String("username", true);
  auto password = fields.String("password", true);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  auto id_call = base::Offload(blocking_, [&] { return accounts_.Register(*username, *password); });
  auto id = co_await std::move(id_call);
  if (absl::IsAlreadyExists(id.status())) {
    co_return ErrorResponse(409, "USERNAME_TAKEN", "that username is taken; choose another");
  }
  if (!id.ok()) co_return FromStatus(id.status(), "account store");
  co_return JsonResponse(201, {{"user_id", std::to_string(*id)}});
}

asio::awaitable<Response> HttpApi::Login(Request request) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto username = fields.String("username", true);
  auto password = fields.String("password", true);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  auto session_call =
      base::Offload(blocking_, [&] { return accounts_.Login(*username, *password); });
  auto session = co_await std::move(session_call);
  if (!session.ok()) co_return FromStatus(session.status(), "account store");
  co_return JsonResponse(200, {{"token", session->token.value},
                               {"user_id", std::to_string(session->user_id)},
                               {"expires_at", base::FormatRfc3339(session->token.expires_at_ms)}});
}

asio::awaitable<Response> HttpApi::ListActivities(Request request) {
  auto reply_call = Call<pv1::ListActivitiesReply>(
      "product", SECKILL_ASYNC_METHOD(backends_.product, ListActivities),
      pv1::ListActivitiesRequest(), Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "product service");
  json::array activities;
  for (const pv1::Activity& a : reply->activities())
    activities.push_back(ActivityJson(ToDomain(a)));
  co_return JsonResponse(200, {{"activities", std::move(activities)}});
}

asio::awaitable<Response> HttpApi::GetActivity(Request, Params params) {
  auto id = ParseId(params["id"]);
  if (!id)
    co_return ErrorResponse(400, "INVALID_ARGUMENT", "activity id must be a positive integer");
  auto fetched_call = base::AwaitCallback<app::ActivityCache::Fetched>(
      [this, id = *id](auto done) { activities_.Get(id, std::move(done)); });
  auto fetched = co_await std::move(fetched_call);
  if (!fetched.ok()) co_return FromStatus(fetched.status(), "product service");
  if (!fetched->has_value()) co_return ErrorResponse(404, "NOT_FOUND", "no such activity");
  co_return JsonResponse(200, ActivityJson(**fetched));
}

asio::awaitable<app::ActivityCache::Fetched> HttpApi::FetchActivity(uint64_t activity_id) {
  pv1::GetActivityRequest req;
  req.set_activity_id(activity_id);
  auto reply_call = Call<pv1::GetActivityReply>(
      "product", SECKILL_ASYNC_METHOD(backends_.product, GetActivity), req, "");
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return reply.status();
  if (!reply->found()) co_return std::optional<domain::Activity>();
  co_return std::optional<domain::Activity>(ToDomain(reply->activity()));
}

asio::awaitable<Response> HttpApi::PlaceOrder(Request request, Params params,
                                              domain::Principal caller) {
  auto id = ParseId(params["id"]);
  if (!id)
    co_return ErrorResponse(400, "INVALID_ARGUMENT", "activity id must be a positive integer");
  auto body = http::ParseJsonObject(request.body, /*allow_empty=*/true);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto quantity = fields.Int("quantity", false, 1, 1000);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  const std::string& key = request.Header("idempotency-key");
  if (request.FindHeader("idempotency-key") != nullptr && !ValidIdempotencyKey(key)) {
    co_return ErrorResponse(
        400, "INVALID_ARGUMENT",
        "Idempotency-Key must be 1 to 64 of letters, digits, '_', '-', '.', ':'");
  }
  // What this gateway already knows costs no hop: a recent SOLD_OUT, or far outside the window.
  if (std::optional<domain::KnownRefusal> known = activities_.AdmitOrder(*id)) {
    co_return PlaceOrderRefusal(OutcomeOf(*known));
  }
  ov1::PlaceOrderRequest req;
  req.set_activity_id(*id);
  req.set_user_id(caller.user_id);
  req.set_quantity(quantity.value_or(1));
  req.set_idempotency_key(key);
  req.set_traceparent(Traceparent(request));
  auto reply_call = Place(std::move(req));
  auto reply = co_await std::move(reply_call);
  activities_.NoteOrderAnswer(*id, AnswerOf(reply));
  if (!reply.ok()) co_return FromStatus(reply.status(), "ordering");
  if (reply->outcome() != ov1::PlaceOrderReply::QUEUED)
    co_return PlaceOrderRefusal(reply->outcome());
  co_return JsonResponse(202,
                         {{"order_id", std::to_string(reply->order_id())}, {"status", "QUEUED"}});
}

asio::awaitable<absl::StatusOr<ov1::PlaceOrderReply>> HttpApi::Place(
    ov1::PlaceOrderRequest request) {
  using Reply = absl::StatusOr<ov1::PlaceOrderReply>;
  std::shared_ptr<void> ticket;
  if (std::optional<absl::Status> refused = guard_.Before("order", &ticket)) {
    return base::AwaitCallback<Reply>([status = *refused](auto done) { done(Reply(status)); });
  }
  return base::AwaitCallback<Reply>([placements = placements_, request = std::move(request), ticket,
                                     guard = &guard_](auto done) mutable {
    placements->Submit(std::move(request), [done, ticket,
                                            guard](absl::StatusOr<ov1::PlaceOrderResult> result) {
      Reply reply = !result.ok() ? Reply(result.status())
                    : result->code() != 0
                        ? Reply(rpc::FromGrpc(grpc::Status(
                              static_cast<grpc::StatusCode>(result->code()), result->message())))
                        : Reply(result->reply());
      guard->After(ticket, reply.status());
      done(std::move(reply));
    });
  });
}

asio::awaitable<Response> HttpApi::ListOrders(Request request, domain::Principal caller) {
  ov1::ListOrdersRequest req;
  req.set_user_id(caller.user_id);
  auto reply_call = Call<ov1::ListOrdersReply>(
      "order", SECKILL_ASYNC_METHOD(backends_.order, ListOrders), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "order service");
  json::array orders;
  for (const ov1::Order& o : reply->orders()) orders.push_back(OrderJson(o));
  co_return JsonResponse(200, {{"orders", std::move(orders)}});
}

asio::awaitable<Response> HttpApi::GetOrder(Request request, Params params,
                                            domain::Principal caller) {
  auto id = ParseId(params["id"]);
  if (!id) co_return ErrorResponse(400, "INVALID_ARGUMENT", "order id must be a positive integer");
  ov1::GetOrderRequest req;
  req.set_order_id(*id);
  req.set_user_id(caller.user_id);
  auto reply_call = Call<ov1::GetOrderReply>(
      "order", SECKILL_ASYNC_METHOD(backends_.order, GetOrder), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "order service");
  if (!reply->found()) co_return ErrorResponse(404, "NOT_FOUND", "no such order");
  co_return JsonResponse(200, OrderJson(reply->order()));
}

asio::awaitable<Response> HttpApi::PayOrder(Request request, Params params,
                                            domain::Principal caller) {
  auto target = OrderActionTarget(request, params);
  if (auto* refused = std::get_if<Response>(&target)) co_return std::move(*refused);
  const uint64_t* id = std::get_if<uint64_t>(&target);
  ov1::PayOrderRequest req;
  req.set_order_id(*id);
  req.set_user_id(caller.user_id);
  auto reply_call = Call<ov1::PayOrderReply>(
      "order", SECKILL_ASYNC_METHOD(backends_.order, PayOrder), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "order service");
  switch (reply->outcome()) {
    case ov1::PayOrderReply::PAID:
      co_return JsonResponse(200, {{"order_id", std::to_string(*id)}, {"status", "PAID"}});
    case ov1::PayOrderReply::ORDER_NOT_FOUND:
      co_return ErrorResponse(404, "NOT_FOUND", "no such order");
    default:
      co_return ErrorResponse(409, "ORDER_NOT_PAYABLE",
                              "this order cannot be paid (still queued, failed or cancelled)");
  }
}

asio::awaitable<Response> HttpApi::CancelOrder(Request request, Params params,
                                               domain::Principal caller) {
  auto target = OrderActionTarget(request, params);
  if (auto* refused = std::get_if<Response>(&target)) co_return std::move(*refused);
  const uint64_t* id = std::get_if<uint64_t>(&target);
  ov1::CancelOrderRequest req;
  req.set_order_id(*id);
  req.set_user_id(caller.user_id);
  auto reply_call = Call<ov1::CancelOrderReply>(
      "order", SECKILL_ASYNC_METHOD(backends_.order, CancelOrder), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "order service");
  switch (reply->outcome()) {
    case ov1::CancelOrderReply::CANCELLED:
      co_return JsonResponse(200, {{"order_id", std::to_string(*id)}, {"status", "CANCELLED"}});
    case ov1::CancelOrderReply::CANCEL_ORDER_NOT_FOUND:
      co_return ErrorResponse(404, "NOT_FOUND", "no such order");
    default:
      co_return ErrorResponse(409, "ORDER_NOT_CANCELLABLE",
                              "this order cannot be cancelled (paid, failed, or still queued)");
  }
}

asio::awaitable<Response> HttpApi::CreateProduct(Request request) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto name = fields.String("name", true);
  auto description = fields.String("description", false);
  auto price = fields.Int("price_cents", true, 0, 100'000'000'000);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  pv1::CreateProductRequest req;
  req.set_name(*name);
  req.set_description(description.value_or(""));
  req.set_price_cents(*price);
  auto reply_call = Call<pv1::CreateProductReply>(
      "product", SECKILL_ASYNC_METHOD(backends_.product, CreateProduct), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "product service");
  co_return JsonResponse(201, {{"product_id", std::to_string(reply->product_id())}});
}

asio::awaitable<Response> HttpApi::CreateActivity(Request request) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  std::string id_error;
  auto product_id = IdField(*body, "product_id", &id_error);
  http::JsonFields fields(*body);
  fields.Accept("product_id");
  auto title = fields.String("title", true);
  auto price = fields.Int("price_cents", true, 0, 100'000'000'000);
  auto stock = fields.Int("stock", true, 1, 10'000'000);
  auto start_at = fields.String("start_at", true);
  auto end_at = fields.String("end_at", true);
  auto limit = fields.Int("limit_per_user", false, 1, 1000);
  absl::Status valid = fields.Finish();
  if (valid.ok() && !product_id) valid = absl::InvalidArgumentError(id_error);
  if (!valid.ok()) co_return FromStatus(valid, "request");
  auto start = base::ParseRfc3339(*start_at);
  if (!start.ok())
    co_return ErrorResponse(400, "INVALID_ARGUMENT",
                            fmt::format("start_at: {}", start.status().message()));
  auto end = base::ParseRfc3339(*end_at);
  if (!end.ok())
    co_return ErrorResponse(400, "INVALID_ARGUMENT",
                            fmt::format("end_at: {}", end.status().message()));
  if (*end <= *start)
    co_return ErrorResponse(400, "INVALID_ARGUMENT", "end_at must be after start_at");
  pv1::CreateActivityRequest req;
  req.set_product_id(*product_id);
  req.set_title(*title);
  req.set_price_cents(*price);
  req.set_stock(*stock);
  req.set_start_at_ms(*start);
  req.set_end_at_ms(*end);
  req.set_limit_per_user(limit.value_or(1));
  auto reply_call = Call<pv1::CreateActivityReply>(
      "product", SECKILL_ASYNC_METHOD(backends_.product, CreateActivity), req,
      Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "product service");
  if (reply->outcome() == pv1::CreateActivityReply::PRODUCT_NOT_FOUND) {
    co_return ErrorResponse(404, "NOT_FOUND", "no such product");
  }
  co_return JsonResponse(201, {{"activity_id", std::to_string(reply->activity_id())}});
}

asio::awaitable<Response> HttpApi::ActivityStats(Request request, Params params) {
  auto id = ParseId(params["id"]);
  if (!id)
    co_return ErrorResponse(400, "INVALID_ARGUMENT", "activity id must be a positive integer");
  pv1::GetStockStatsRequest stock_req;
  stock_req.set_activity_id(*id);
  auto stock_call = Call<pv1::GetStockStatsReply>(
      "product", SECKILL_ASYNC_METHOD(backends_.product, GetStockStats), stock_req,
      Traceparent(request));
  auto stock = co_await std::move(stock_call);
  if (!stock.ok()) co_return FromStatus(stock.status(), "product service");
  if (!stock->found()) co_return ErrorResponse(404, "NOT_FOUND", "no such activity");
  ov1::GetOrderStatsRequest order_req;
  order_req.set_activity_id(*id);
  auto orders_call =
      Call<ov1::GetOrderStatsReply>("order", SECKILL_ASYNC_METHOD(backends_.order, GetOrderStats),
                                    order_req, Traceparent(request));
  auto orders = co_await std::move(orders_call);
  if (!orders.ok()) co_return FromStatus(orders.status(), "order service");
  co_return JsonResponse(200, {{"stock", stock->stock()},
                               {"remaining", stock->remaining()},
                               {"reserved", stock->reserved()},
                               {"orders",
                                {{"QUEUED", orders->queued()},
                                 {"CREATED", orders->created()},
                                 {"PAID", orders->paid()},
                                 {"CANCELLED", orders->cancelled()},
                                 {"FAILED", orders->failed()}}}});
}

asio::awaitable<Response> HttpApi::Reconcile(Request request, Params params) {
  auto id = ParseId(params["id"]);
  if (!id)
    co_return ErrorResponse(400, "INVALID_ARGUMENT", "activity id must be a positive integer");
  auto body = http::ParseJsonObject(request.body, /*allow_empty=*/true);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  bool repair = false;
  if (const json::value* v = body->if_contains("repair")) {
    if (!v->is_bool())
      co_return ErrorResponse(400, "INVALID_ARGUMENT", "field 'repair' must be true or false");
    repair = v->as_bool();
  }
  http::JsonFields fields(*body);
  fields.Accept("repair");
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  ov1::ReconcileStockRequest req;
  req.set_activity_id(*id);
  req.set_repair(repair);
  auto reply_call = Call<ov1::ReconcileStockReply>(
      "order", SECKILL_ASYNC_METHOD(backends_.order, ReconcileStock), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "order service");
  if (!reply->found()) co_return ErrorResponse(404, "NOT_FOUND", "no such activity");
  co_return JsonResponse(200, {{"activity_id", std::to_string(*id)},
                               {"stock", reply->stock()},
                               {"remaining", reply->remaining()},
                               {"reserved", reply->reserved()},
                               {"sold", reply->sold()},
                               {"owed", reply->owed()},
                               {"queued", reply->queued()},
                               {"drift", reply->drift()},
                               {"repaired", reply->repaired()},
                               {"note", reply->note()}});
}

asio::awaitable<Response> HttpApi::ListDeadLetters(Request request) {
  ov1::ListDeadLettersRequest req;
  req.set_limit(100);
  auto reply_call = Call<ov1::ListDeadLettersReply>(
      "order", SECKILL_ASYNC_METHOD(backends_.order, ListDeadLetters), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "order service");
  json::array letters;
  for (const ov1::DeadLetterInfo& d : reply->dead_letters()) {
    json::object o{{"id", std::to_string(d.id())},
                   {"message_id", d.message_id()},
                   {"reason", d.reason()},
                   {"received_at", base::FormatRfc3339(d.received_at_ms())},
                   {"replayed", d.replayed()}};
    o["order_id"] =
        d.order_id() == 0 ? json::value(nullptr) : json::value(std::to_string(d.order_id()));
    letters.push_back(std::move(o));
  }
  co_return JsonResponse(200, {{"dead_letters", std::move(letters)}});
}

asio::awaitable<Response> HttpApi::ReplayDeadLetter(Request request, Params params) {
  auto id = ParseId(params["id"]);
  if (!id)
    co_return ErrorResponse(400, "INVALID_ARGUMENT", "dead letter id must be a positive integer");
  ov1::ReplayDeadLetterRequest req;
  req.set_id(*id);
  auto reply_call = Call<ov1::ReplayDeadLetterReply>(
      "order", SECKILL_ASYNC_METHOD(backends_.order, ReplayDeadLetter), req, Traceparent(request));
  auto reply = co_await std::move(reply_call);
  if (!reply.ok()) co_return FromStatus(reply.status(), "order service");
  using R = ov1::ReplayDeadLetterReply;
  switch (reply->outcome()) {
    case R::REPLAYED:
      co_return JsonResponse(200, {{"id", std::to_string(*id)}, {"outcome", "REPLAYED"}});
    case R::ALREADY_REPLAYED:
      co_return JsonResponse(200, {{"id", std::to_string(*id)}, {"outcome", "ALREADY_REPLAYED"}});
    case R::ALREADY_LIVE:
      co_return JsonResponse(200, {{"id", std::to_string(*id)}, {"outcome", "ALREADY_LIVE"}});
    case R::NOT_AN_ORDER:
      co_return ErrorResponse(409, "NOT_REPLAYABLE", "this dead letter is not an order message");
    case R::REPLAY_SOLD_OUT:
      co_return ErrorResponse(409, "SOLD_OUT",
                              "the order's units were sold meanwhile; it stays FAILED");
    case R::REPLAY_PURCHASE_LIMIT:
      co_return ErrorResponse(409, "PURCHASE_LIMIT",
                              "the buyer holds their limit; the order stays FAILED");
    default:
      co_return ErrorResponse(404, "NOT_FOUND", "no such dead letter");
  }
}

asio::awaitable<Response> HttpApi::CreateUsers(Request request) {
  auto body = http::ParseJsonObject(request.body, false);
  if (!body.ok()) co_return FromStatus(body.status(), "request");
  http::JsonFields fields(*body);
  auto prefix = fields.String("prefix", true);
  auto count = fields.Int("count", true, 1, app::Accounts::kMaxBulkUsers);
  auto password = fields.String("password", true);
  if (absl::Status s = fields.Finish(); !s.ok()) co_return FromStatus(s, "request");
  auto users_call = base::Offload(blocking_, [&] {
    return accounts_.RegisterMany(*prefix, static_cast<int>(*count), *password);
  });
  auto users = co_await std::move(users_call);
  if (absl::IsAlreadyExists(users.status())) {
    co_return ErrorResponse(409, "USERNAME_TAKEN",
                            "some of those usernames are taken; use another prefix");
  }
  if (!users.ok()) co_return FromStatus(users.status(), "account store");
  json::array out;
  for (const app::IssuedUser& u : *users) {
    out.push_back(json::object{{"user_id", std::to_string(u.user_id)},
                               {"username", u.username},
                               {"token", u.token.value}});
  }
  co_return JsonResponse(201, {{"users", std::move(out)}});
}

}  // namespace seckill::gateway::api
