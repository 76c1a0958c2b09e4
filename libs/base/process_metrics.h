#pragma once

#include <string>

#include "libs/base/metrics.h"

namespace seckill::base {

// The process's own figures under Prometheus's standard names, read from /proc at each scrape:
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds. And
// seckill_build_info{service,version,build_type} 1, so a dashboard can tell builds apart.
void AddProcessMetrics(Metrics& metrics, const std::string& service);

}  // namespace seckill::base
