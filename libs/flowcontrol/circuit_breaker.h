#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "libs/flowcontrol/sliding_window.h"

namespace seckill::flowcontrol {

enum class BreakerStrategy { kSlowRequestRatio, kErrorRatio, kErrorCount };
enum class BreakerState { kClosed, kOpen, kHalfOpen };

struct BreakerOptions {
  BreakerStrategy strategy = BreakerStrategy::kErrorRatio;
  double threshold = 0.5;         // a ratio (0..1), or a count for kErrorCount
  int64_t max_allowed_rt_ns = 0;  // slow-request ratio: slower than this is "slow"
  int64_t min_request_amount = 5;
  int64_t stat_interval_ns = 1'000'000'000;
  int stat_buckets = 10;
  int64_t retry_timeout_ns = 5'000'000'000;
  int probe_num = 1;                              // concurrent probes in HALF_OPEN
  int probe_success_to_close = 1;                 // successful probes that close it
  int64_t half_open_max_wait_ns = 5'000'000'000;  // a probe not back by then re-opens it
  double open_backoff_multiplier = 1.0;  // retry timeout grows by this per failed probe, to 8x
  bool go_compat = false;                // Sentinel-Go comparisons (>=) instead of Java's (>)
};

// A circuit breaker: CLOSED -> OPEN when the bad share (or count) of the last interval passes
// the threshold; OPEN -> HALF_OPEN after the retry timeout, admitting at most `probe_num`
// probes; a bad probe re-opens it, `probe_success_to_close` good ones close it; a probe that
// never comes back re-opens it after `half_open_max_wait` (Sentinel#1638 cannot happen).
// Thread-safe: the CLOSED path is lock-free, transitions take a short mutex.
class CircuitBreaker {
 public:
  struct Admission {
    bool admitted = false;
    bool probe = false;
    int64_t retry_after_ns = 0;
  };

  explicit CircuitBreaker(BreakerOptions options);

  // Would a request pass now? Consumes nothing (the "peek" before any quota is used).
  Admission Peek(int64_t now_ns);
  // Admits a request, taking a probe permit when HALF_OPEN.
  Admission TryPass(int64_t now_ns);
  // A probe admitted here but refused by a later rule gives its permit back.
  void ReleaseProbe();
  // The outcome of an admitted request. `bad` means an error (or a slow response, for the
  // slow-ratio strategy the caller passes rt and error separately).
  void OnComplete(int64_t now_ns, int64_t rt_ns, bool error, bool probe);

  BreakerState state() const { return state_.load(std::memory_order_acquire); }
  int64_t next_retry_ns() const { return next_retry_ns_.load(std::memory_order_relaxed); }

 private:
  bool Bad(int64_t rt_ns, bool error) const;
  bool ShouldTrip(int64_t now_ns) const;
  void OpenLocked(int64_t now_ns);  // mu_ held

  const BreakerOptions o_;
  std::atomic<BreakerState> state_{BreakerState::kClosed};
  std::atomic<int64_t> next_retry_ns_{0};
  SlidingWindow total_, bad_;
  std::mutex mu_;
  int probe_permits_ = 0;           // mu_
  int probe_successes_ = 0;         // mu_
  int64_t half_open_since_ns_ = 0;  // mu_
  double backoff_ = 1.0;            // mu_
};

}  // namespace seckill::flowcontrol
