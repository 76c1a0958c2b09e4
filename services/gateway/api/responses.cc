#include "services/gateway/api/responses.h"

#include <vector>

#include "libs/base/status.h"
#include "libs/http/json.h"
#include "services/gateway/api/admission.h"
#include "services/gateway/app/login_guard.h"
#include "spdlog/spdlog.h"

namespace seckill::gateway::api {

namespace json = boost::json;
using http::ErrorResponse;
using http::JsonResponse;
using http::Response;

namespace {

Response Unavailable(std::string_view message, std::string_view retry_after_s) {
  Response r = ErrorResponse(503, "UNAVAILABLE", message);
  r.headers.emplace_back("Retry-After", std::string(retry_after_s));
  return r;
}

// The HTTP answer to each refusal of the vocabulary (proto/seckill/common/v1/refusal.proto):
// the one place a refusal gets its status, stable code, message and Retry-After.
struct RefusalAnswer {
  domain::Refusal refusal;
  int status;
  std::string_view code;
  std::string_view message;
  std::string_view retry_after_s;  // empty: none
};

constexpr RefusalAnswer kRefusalAnswers[] = {
    {common::v1::REFUSAL_ACTIVITY_NOT_FOUND, 404, "NOT_FOUND", "no such activity", ""},
    {common::v1::REFUSAL_NOT_STARTED, 409, "NOT_STARTED", "the sale has not started yet", ""},
    {common::v1::REFUSAL_ENDED, 409, "ENDED", "the sale has ended", ""},
    {common::v1::REFUSAL_SOLD_OUT, 409, "SOLD_OUT", "the activity is sold out", ""},
    {common::v1::REFUSAL_PURCHASE_LIMIT, 409, "PURCHASE_LIMIT",
     "you have reached this activity's purchase limit", ""},
    {common::v1::REFUSAL_RESTORING, 503, "UNAVAILABLE",
     "this sale's stock is being restored; retry in a few seconds", "2"},
};

Response BuildRefusalResponse(domain::Refusal refusal) {
  for (const RefusalAnswer& a : kRefusalAnswers) {
    if (a.refusal != refusal) continue;
    Response r = ErrorResponse(a.status, a.code, a.message);
    if (!a.retry_after_s.empty()) r.headers.emplace_back("Retry-After", a.retry_after_s);
    return r;
  }
  // A refusal this gateway has no row for (a newer service) or none at all: a bug somewhere.
  spdlog::error("no HTTP answer for refusal {}", static_cast<int>(refusal));
  return ErrorResponse(500, "INTERNAL", "internal error");
}

}  // namespace

Response Unauthenticated(std::string_view message) {
  Response r = ErrorResponse(401, "UNAUTHENTICATED", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

Response FromStatus(const absl::Status& s, std::string_view what) {
  if (auto retry = s.GetPayload(kDegradePayload); retry.has_value()) {
    // An open circuit breaker answered for the backend: nothing was called.
    json::object error{
        {"code", "UNAVAILABLE"}, {"message", base::Message(s)}, {"reason", "DEGRADE"}};
    Response r = JsonResponse(503, json::object{{"error", std::move(error)}});
    r.headers.emplace_back("Retry-After", std::string(*retry));
    return r;
  }
  if (auto retry = s.GetPayload(app::LoginGuard::kRetryAfterPayload); retry.has_value()) {
    // The login guard: this account from this address must wait, or password work is full.
    const auto reason = s.GetPayload(app::LoginGuard::kReasonPayload);
    json::object error{{"code", "RATE_LIMITED"},
                       {"message", base::Message(s)},
                       {"reason", reason ? std::string(*reason) : std::string("BUSY")}};
    Response r = JsonResponse(429, json::object{{"error", std::move(error)}});
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
      return Unavailable(fmt::format("{} is temporarily unavailable; retry shortly", what), "1");
    default:
      spdlog::error("{}: {}", what, s.ToString());
      return ErrorResponse(500, "INTERNAL", "internal error");
  }
}

Response RefusalResponse(domain::Refusal refusal) {
  static const std::vector<Response> kBuilt = [] {
    std::vector<Response> built;
    for (int r = 0; r <= common::v1::Refusal_MAX; ++r) {
      built.push_back(BuildRefusalResponse(static_cast<domain::Refusal>(r)));
    }
    return built;
  }();
  const auto i = static_cast<size_t>(refusal);
  return i < kBuilt.size() ? kBuilt[i] : BuildRefusalResponse(refusal);
}

}  // namespace seckill::gateway::api
