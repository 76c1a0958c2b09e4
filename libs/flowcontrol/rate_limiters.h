#pragma once

#include <atomic>
#include <cstdint>

namespace seckill::flowcontrol {

// Nanoseconds that `n` permits cost at `threshold` per `interval_ns` (rounded up).
int64_t CostNs(int64_t n, int64_t threshold, int64_t interval_ns);

// Every limiter below is lock-free: one atomic word updated by CAS. "Rollback" hands back
// what an admission took, only if nothing else moved the state meanwhile (a later rule
// refused the request). Time is always passed in; nothing sleeps.

struct LimitResult {
  bool admitted = false;
  int64_t retry_after_ns = 0;  // when refused: how long until it would pass
  int64_t delay_ns = 0;        // when admitted by a pacer: how long the caller must hold it
  int64_t state_after = 0;     // when admitted: the state this admission set, for Rollback
};

// A token bucket of capacity `burst`, refilled at `threshold` per `interval_ns` (Envoy/folly
// style: the state is the instant at which the bucket was empty). Starts full.
class TokenBucket {
 public:
  TokenBucket(int64_t threshold, int64_t burst, int64_t interval_ns);
  LimitResult TryAcquire(int64_t now_ns, int64_t n);
  void Rollback(int64_t n, int64_t state_after);
  // Whole tokens available at `now_ns`.
  int64_t Available(int64_t now_ns) const;

 private:
  const int64_t threshold_, burst_, interval_ns_;
  std::atomic<int64_t> zero_time_ns_;
};

// The generic cell rate algorithm (redis-cell): emission interval T = interval/threshold,
// tolerance tau = T * (burst + 1). With burst 0 it is a strict rolling limit.
class Gcra {
 public:
  Gcra(int64_t threshold, int64_t burst, int64_t interval_ns);
  LimitResult TryAcquire(int64_t now_ns, int64_t n);
  // Hands back `n` if the theoretical arrival time is still the one this admission set.
  void Rollback(int64_t n, int64_t state_after);
  int64_t tat() const { return tat_ns_.load(std::memory_order_relaxed); }
  // What CL.THROTTLE reports: the limit (burst + 1) and the requests left at `now_ns`.
  int64_t Limit() const { return burst_ + 1; }
  int64_t Remaining(int64_t now_ns) const;

 private:
  const int64_t threshold_, burst_, interval_ns_, emission_ns_, tolerance_ns_;
  std::atomic<int64_t> tat_ns_{0};
};

// Sentinel's throttling (RateLimiterController) without sleeping: requests are spaced `cost`
// apart; one whose wait would exceed `max_queue_ns` is refused, the others are admitted with
// the delay the caller must hold them for. At most `max_waiters` may be waiting at once.
class Pacer {
 public:
  Pacer(int64_t threshold, int64_t interval_ns, int64_t max_queue_ns, int64_t max_waiters);
  LimitResult TryAcquire(int64_t now_ns, int64_t n);
  void Rollback(int64_t n, int64_t state_after);
  int64_t next_free_ns() const { return next_free_ns_.load(std::memory_order_relaxed); }

 private:
  const int64_t threshold_, interval_ns_, max_queue_ns_, max_waiters_;
  std::atomic<int64_t> next_free_ns_{0};
};

// Sentinel's WarmUpController (after Guava's SmoothWarmingUp), formulas verbatim: it turns the
// tokens stored while traffic was low into a lower allowed QPS, rising to `count` as traffic
// uses them up. Inputs are the passes of the current window and of the previous second.
class WarmUp {
 public:
  WarmUp(double count, int warm_up_period_sec, int cold_factor, bool start_warm = false);

  // Sentinel's canPass: true when `pass_qps + acquire` fits the allowed QPS at `now_ms`.
  bool CanPass(int64_t now_ms, double pass_qps, double previous_pass_qps, int64_t acquire);
  // The allowed QPS after syncing tokens at `now_ms` (count when below the warning line).
  double AllowedQps(int64_t now_ms, double previous_pass_qps);

  int64_t warning_token() const { return warning_token_; }
  int64_t max_token() const { return max_token_; }
  double slope() const { return slope_; }
  int64_t stored_tokens() const { return stored_tokens_.load(); }

 private:
  void SyncToken(int64_t now_ms, double previous_pass_qps);
  int64_t CoolDownTokens(int64_t old_value, int64_t last_ms, int64_t current_ms,
                         double pass_qps) const;

  const double count_;
  const int cold_factor_;
  int64_t warning_token_ = 0;
  int64_t max_token_ = 0;
  double slope_ = 0;
  std::atomic<int64_t> stored_tokens_{0};
  std::atomic<int64_t> last_filled_ms_{kNotStarted};
  static constexpr int64_t kNotStarted = INT64_MIN;
};

// In-flight requests at most `threshold`.
class ConcurrencyLimiter {
 public:
  explicit ConcurrencyLimiter(int64_t threshold) : threshold_(threshold) {}
  bool TryAcquire(int64_t n) {
    if (in_flight_.fetch_add(n, std::memory_order_relaxed) + n > threshold_) {
      in_flight_.fetch_sub(n, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  void Release(int64_t n) { in_flight_.fetch_sub(n, std::memory_order_relaxed); }
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  const int64_t threshold_;
  std::atomic<int64_t> in_flight_{0};
};

}  // namespace seckill::flowcontrol
