#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "libs/http/message.h"
#include "libs/http/router.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::api {

// What admission control decided for one request.
struct Admission {
  std::optional<http::Response> refusal;  // answer this; the handler and its calls do not run
  std::chrono::nanoseconds delay{0};      // hold the request this long first (throttling)
  std::vector<std::pair<std::string, std::string>> headers;  // add these to the response
  std::shared_ptr<void> ticket;                              // handed back to Complete
};

// Where flow control sits: asked before a route's handler runs, after authentication.
// `resource` is the route, e.g. "POST /api/v1/activities/{id}/orders". Thread-safe.
class AdmissionControl {
 public:
  virtual ~AdmissionControl() = default;
  virtual Admission Admit(const std::string& resource, const http::Request& request,
                          const http::PathParams& params, const domain::Principal* principal) = 0;
  // The admitted request has been answered with `http_status`.
  virtual void Complete(Admission& admission, int http_status) = 0;
  // The rules and counters in force, as JSON, for the admin API.
  virtual std::string RulesJson() const = 0;
  virtual std::string MetricsJson() const = 0;
};

// Guards calls to a backend service with a circuit breaker. Thread-safe.
class BackendGuard {
 public:
  virtual ~BackendGuard() = default;
  // nullopt: call it (keep `*ticket` for After). A status: do not call; answer this instead (an
  // UNAVAILABLE carrying the kDegradePayload with the retry-after seconds).
  virtual std::optional<absl::Status> Before(std::string_view backend,
                                             std::shared_ptr<void>* ticket) = 0;
  virtual void After(const std::shared_ptr<void>& ticket, const absl::Status& status) = 0;
};

// The payload key on a status refused by an open breaker; its value is Retry-After seconds.
inline constexpr char kDegradePayload[] = "seckill.flow/degrade";

}  // namespace seckill::gateway::api
