#include "libs/http/access_log.h"

#include <random>
#include <string>

#include "fmt/format.h"
#include "libs/base/logging.h"

namespace seckill::http {

bool AccessLog::Sampled() const {
  if (options_.sample_percent <= 0) return false;
  if (options_.sample_percent >= 100) return true;
  thread_local std::minstd_rand generator{std::random_device{}()};
  return static_cast<int64_t>(generator() % 100) < options_.sample_percent;
}

void AccessLog::Record(const Request& request, std::string_view route, int status, double seconds,
                       const base::TraceContext& trace) const {
  const bool failed = status >= 500;
  const bool slow = seconds * 1000 >= static_cast<double>(options_.slow.count());
  if (!failed && !slow && !Sampled()) return;
  base::LogEvent(failed ? spdlog::level::warn : spdlog::level::info, "request",
                 {{"trace_id", std::string(trace.TraceIdHex())},
                  {"span_id", std::string(trace.SpanIdHex())},
                  {"method", request.method},
                  {"route", std::string(route)},
                  {"path", request.path},
                  base::NumberField("status", status),
                  {"duration_ms", fmt::format("{:.3f}", seconds * 1000), true},
                  {"client", request.client_ip}});
}

}  // namespace seckill::http
