#pragma once

#include <atomic>

#include "libs/flowcontrol/system_guard.h"

namespace seckill::flowcontrol {

// SystemMetrics from /proc: the 1-minute load average and the CPU usage between the last two
// samples. Its owner calls Sample() once a second (the gateway: a base::PeriodicTask); reading the
// figures never blocks a request.
class ProcSystemMetrics final : public SystemMetrics {
 public:
  ProcSystemMetrics() { Sample(); }
  double Load1() const override { return load1_.load(std::memory_order_relaxed); }
  double CpuUsage() const override { return cpu_.load(std::memory_order_relaxed); }
  // Reads /proc/loadavg and /proc/stat. Not reentrant: one caller at a time.
  void Sample();

 private:
  std::atomic<double> load1_{0}, cpu_{0};
  unsigned long long last_busy_ = 0, last_total_ = 0;
};

}  // namespace seckill::flowcontrol
