#pragma once

#include <array>
#include <atomic>
#include <string>

#include "libs/base/metrics.h"

namespace seckill::http {

// How long one route's requests take, by the status answered:
// seckill_http_server_request_duration_seconds{route, status} (OpenTelemetry's
// http.server.request.duration). The route is listed from the start with its usual status;
// other statuses appear when first answered. Observe is lock-free after a status's first request.
class RouteDurations {
 public:
  // `route`: "METHOD /pattern" (never the raw path, whose ids would make a series per id).
  RouteDurations(base::Metrics& metrics, std::string route, int usual_status);
  void Observe(int status, double seconds);

 private:
  static constexpr int kFirstStatus = 100;
  static constexpr int kStatuses = 500;  // 100..599
  base::Histogram& For(int status);

  base::Metrics& metrics_;
  const std::string route_;
  std::array<std::atomic<base::Histogram*>, kStatuses> by_status_{};
};

}  // namespace seckill::http
