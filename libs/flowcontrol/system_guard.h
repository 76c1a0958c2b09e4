#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "libs/flowcontrol/sliding_window.h"

namespace seckill::flowcontrol {

// Host figures for system protection. Implementations are thread-safe and cheap to call (a
// sampler refreshes them in the background; see ProcSystemMetrics).
class SystemMetrics {
 public:
  virtual ~SystemMetrics() = default;
  virtual double Load1() const = 0;     // 1-minute load average
  virtual double CpuUsage() const = 0;  // 0..1
};

// Limits on everything inbound at once; a negative value means "no limit".
struct SystemLimits {
  double max_inbound_qps = -1;
  int64_t max_concurrency = -1;
  double max_avg_rt_ms = -1;
  double max_load1 = -1;
  double max_cpu_usage = -1;
  bool bbr = false;  // gate the CPU limit by the BBR check too (load is always gated)
};

enum class SystemReason { kNone, kQps, kConcurrency, kAvgRt, kLoad, kCpu };

// Sentinel's system adaptive protection over inbound requests: QPS, concurrency and average RT
// limits, and load/CPU limits that block only when the BBR check says the system is beyond
// its estimated capacity: inflight > 1 and inflight > maxSuccessQps * minRtMs / 1000.
// Thread-safe.
class SystemGuard {
 public:
  struct Check {
    SystemReason reason = SystemReason::kNone;  // kNone: admitted
    int64_t retry_after_ns = 0;
  };

  SystemGuard(SystemLimits limits, const SystemMetrics* metrics);

  // Admits an inbound request, counting it as passed and in flight.
  Check TryEnter(int64_t now_ns);
  // A later rule refused the request TryEnter admitted.
  void Rollback(int64_t now_ns);
  void Exit(int64_t now_ns, int64_t rt_ns, bool success);

  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // Exposed for tests and metrics.
  double MaxSuccessQps(int64_t now_ns) const;
  double MinRtMs(int64_t now_ns) const;

 private:
  bool BbrAllows(int64_t now_ns) const;

  const SystemLimits limits_;
  const SystemMetrics* metrics_;
  std::atomic<int64_t> in_flight_{0};
  SlidingWindow passes_;       // 1 s, 2 buckets: the QPS
  SlidingWindow completions_;  // 1 s, 2 buckets
  SlidingWindow rt_sum_ms_;    // 1 s, 2 buckets
  SlidingWindow successes_;    // 10 s of 1 s buckets: maxSuccessQps
  struct alignas(64) MinBucket {
    std::atomic<uint64_t> word{~0ull};  // epoch << 32 | min rt in microseconds
  };
  std::unique_ptr<MinBucket[]> min_rt_;  // 10 s of 1 s buckets
};

}  // namespace seckill::flowcontrol
