#pragma once

#include <atomic>
#include <thread>

#include "libs/flowcontrol/system_guard.h"

namespace seckill::flow {

// SystemMetrics from /proc: the 1-minute load average and CPU usage over the last second,
// refreshed by a sampler thread once a second (reading them never blocks a request).
class ProcSystemMetrics final : public SystemMetrics {
 public:
  ProcSystemMetrics();
  ~ProcSystemMetrics() override;
  double Load1() const override { return load1_.load(std::memory_order_relaxed); }
  double CpuUsage() const override { return cpu_.load(std::memory_order_relaxed); }

 private:
  void Sample();

  std::atomic<double> load1_{0}, cpu_{0};
  std::atomic<bool> stop_{false};
  unsigned long long last_busy_ = 0, last_total_ = 0;
  std::thread sampler_;
};

}  // namespace seckill::flow
