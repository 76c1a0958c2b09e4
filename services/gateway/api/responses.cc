#include "services/gateway/api/responses.h"

#include <vector>

#include "libs/base/status.h"
#include "libs/http/json.h"
#include "services/gateway/api/admission.h"
#include "spdlog/spdlog.h"

namespace seckill::gateway::api {

namespace json = boost::json;
namespace ov1 = seckill::order::v1;
using http::ErrorResponse;
using http::JsonResponse;
using http::Response;

namespace {

Response Unavailable(std::string_view message, std::string_view retry_after_s) {
  Response r = ErrorResponse(503, "UNAVAILABLE", message);
  r.headers.emplace_back("Retry-After", std::string(retry_after_s));
  return r;
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
    case R::RESTORING:
      return Unavailable("this sale's stock is being restored; retry in a few seconds", "2");
    default:
      return ErrorResponse(500, "INTERNAL", "internal error");
  }
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

Response PlaceOrderRefusal(domain::KnownRefusal refusal) {
  // Spoken as the order service would have answered.
  switch (refusal) {
    case domain::KnownRefusal::kNotStarted:
      return PlaceOrderRefusal(ov1::PlaceOrderReply::NOT_STARTED);
    case domain::KnownRefusal::kEnded:
      return PlaceOrderRefusal(ov1::PlaceOrderReply::ENDED);
    case domain::KnownRefusal::kSoldOut:
      break;
  }
  return PlaceOrderRefusal(ov1::PlaceOrderReply::SOLD_OUT);
}

}  // namespace seckill::gateway::api
