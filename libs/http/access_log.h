#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "libs/base/trace_context.h"
#include "libs/http/message.h"

namespace seckill::http {

struct AccessLogOptions {
  int64_t sample_percent = 1;            // of the ordinary requests, this share is logged
  std::chrono::milliseconds slow{1000};  // every request at least this slow is logged
};

// The sampled access log: one line per logged request (message "request", with trace_id,
// span_id, method, route, path, status, duration_ms, client), every 5xx and every slow request
// kept, a share of the rest; during a sale of tens of thousands of requests a second a full log
// would cost more than the requests. Never logs headers, queries or bodies (tokens, passwords).
// Thread-safe.
class AccessLog {
 public:
  explicit AccessLog(AccessLogOptions options) : options_(options) {}

  void Record(const Request& request, std::string_view route, int status, double seconds,
              const base::TraceContext& trace) const;

 private:
  bool Sampled() const;
  const AccessLogOptions options_;
};

}  // namespace seckill::http
