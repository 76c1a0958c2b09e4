#pragma once

#include <functional>

#include "boost/asio/awaitable.hpp"
#include "libs/http/server.h"

namespace seckill::http {

// Handler for a service's probe port: GET /healthz answers 200 while the process serves;
// GET /readyz answers 200 when `ready()` yields true (dependencies reachable), else 503;
// GET /metrics lists the process's counters (base::Counters) in the Prometheus text format.
Handler HealthHandler(std::function<boost::asio::awaitable<bool>()> ready);

}  // namespace seckill::http
