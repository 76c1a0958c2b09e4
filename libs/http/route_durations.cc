#include "libs/http/route_durations.h"

namespace seckill::http {

RouteDurations::RouteDurations(base::Metrics& metrics, std::string route, int usual_status)
    : metrics_(metrics), route_(std::move(route)) {
  For(usual_status);
}

base::Histogram& RouteDurations::For(int status) {
  std::atomic<base::Histogram*>& slot = by_status_[static_cast<size_t>(status - kFirstStatus)];
  base::Histogram* histogram = slot.load(std::memory_order_acquire);
  if (histogram == nullptr) {  // the status's first answer (racing callers get the same one)
    histogram = &metrics_.GetHistogram(
        "seckill_http_server_request_duration_seconds",
        "HTTP requests answered, by route and status: from the route's match to the response, "
        "in seconds",
        {{"route", route_}, {"status", std::to_string(status)}}, base::Histogram::LatencyBounds());
    slot.store(histogram, std::memory_order_release);
  }
  return *histogram;
}

void RouteDurations::Observe(int status, double seconds) {
  if (status < kFirstStatus || status >= kFirstStatus + kStatuses) status = 500;
  For(status).Observe(seconds);
}

}  // namespace seckill::http
