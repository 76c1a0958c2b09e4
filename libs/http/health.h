#pragma once

#include <functional>

#include "boost/asio/awaitable.hpp"
#include "libs/base/metrics.h"
#include "libs/http/server.h"

namespace seckill::http {

// Handler for a service's probe port: GET /healthz answers 200 while the process serves;
// GET /readyz answers 200 when `ready()` yields true (dependencies reachable), else 503;
// GET /metrics lists `metrics` (the service's counters) in the Prometheus text format.
// `metrics` must outlive the handler.
Handler HealthHandler(std::function<boost::asio::awaitable<bool>()> ready,
                      const base::Metrics& metrics);

}  // namespace seckill::http
