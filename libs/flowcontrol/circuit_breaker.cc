#include "libs/flowcontrol/circuit_breaker.h"

#include <algorithm>

namespace seckill::flowcontrol {

CircuitBreaker::CircuitBreaker(BreakerOptions options)
    : o_(options),
      total_(options.stat_buckets, options.stat_interval_ns),
      bad_(options.stat_buckets, options.stat_interval_ns) {}

bool CircuitBreaker::Bad(int64_t rt_ns, bool error) const {
  if (o_.strategy == BreakerStrategy::kSlowRequestRatio) return rt_ns > o_.max_allowed_rt_ns;
  return error;
}

bool CircuitBreaker::ShouldTrip(int64_t now_ns) const {
  const int64_t total = total_.Sum(now_ns);
  if (total < o_.min_request_amount) return false;
  const int64_t bad = bad_.Sum(now_ns);
  const double metric = o_.strategy == BreakerStrategy::kErrorCount
                            ? static_cast<double>(bad)
                            : static_cast<double>(bad) / static_cast<double>(total);
  if (o_.go_compat) return metric >= o_.threshold;
  // Java Sentinel: strictly above, except a slow ratio of 1.0 trips at equality.
  if (metric > o_.threshold) return true;
  return o_.strategy == BreakerStrategy::kSlowRequestRatio && o_.threshold == 1.0 && metric == 1.0;
}

void CircuitBreaker::OpenLocked(int64_t now_ns) {
  const auto timeout = static_cast<int64_t>(static_cast<double>(o_.retry_timeout_ns) * backoff_);
  next_retry_ns_.store(now_ns + timeout, std::memory_order_relaxed);
  state_.store(BreakerState::kOpen, std::memory_order_release);
}

CircuitBreaker::Admission CircuitBreaker::Peek(int64_t now_ns) {
  switch (state_.load(std::memory_order_acquire)) {
    case BreakerState::kClosed:
      return {true, false, 0};
    case BreakerState::kOpen: {
      const int64_t retry = next_retry_ns_.load(std::memory_order_relaxed);
      if (now_ns >= retry) return {true, false, 0};
      return {false, false, retry - now_ns};
    }
    case BreakerState::kHalfOpen: {
      std::lock_guard lock(mu_);
      if (now_ns - half_open_since_ns_ > o_.half_open_max_wait_ns || probe_permits_ > 0) {
        return {true, false, 0};
      }
      return {false, false, 1'000'000'000};
    }
  }
  return {true, false, 0};
}

CircuitBreaker::Admission CircuitBreaker::TryPass(int64_t now_ns) {
  if (state_.load(std::memory_order_acquire) == BreakerState::kClosed) return {true, false, 0};
  std::lock_guard lock(mu_);
  BreakerState state = state_.load(std::memory_order_acquire);
  if (state == BreakerState::kClosed) return {true, false, 0};
  if (state == BreakerState::kHalfOpen && now_ns - half_open_since_ns_ > o_.half_open_max_wait_ns) {
    OpenLocked(now_ns);  // the probe never came back: try again later
    state = BreakerState::kOpen;
  }
  if (state == BreakerState::kOpen) {
    const int64_t retry = next_retry_ns_.load(std::memory_order_relaxed);
    if (now_ns < retry) return {false, false, retry - now_ns};
    probe_permits_ = o_.probe_num;
    probe_successes_ = 0;
    half_open_since_ns_ = now_ns;
    state_.store(BreakerState::kHalfOpen, std::memory_order_release);
  }
  if (probe_permits_ > 0) {
    --probe_permits_;
    return {true, true, 0};
  }
  return {false, false, 1'000'000'000};
}

void CircuitBreaker::ReleaseProbe() {
  std::lock_guard lock(mu_);
  if (state_.load(std::memory_order_acquire) == BreakerState::kHalfOpen) ++probe_permits_;
}

void CircuitBreaker::OnComplete(int64_t now_ns, int64_t rt_ns, bool error, bool probe) {
  const bool bad = Bad(rt_ns, error);
  if (probe) {
    std::lock_guard lock(mu_);
    if (state_.load(std::memory_order_acquire) != BreakerState::kHalfOpen) return;
    if (bad) {
      backoff_ = std::min(backoff_ * std::max(o_.open_backoff_multiplier, 1.0), 8.0);
      OpenLocked(now_ns);
    } else if (++probe_successes_ >= o_.probe_success_to_close) {
      total_.Reset();
      bad_.Reset();
      backoff_ = 1.0;
      state_.store(BreakerState::kClosed, std::memory_order_release);
    }
    return;
  }
  total_.Add(now_ns, 1);
  if (bad) bad_.Add(now_ns, 1);
  if (state_.load(std::memory_order_acquire) == BreakerState::kClosed && ShouldTrip(now_ns)) {
    std::lock_guard lock(mu_);
    if (state_.load(std::memory_order_acquire) == BreakerState::kClosed) OpenLocked(now_ns);
  }
}

}  // namespace seckill::flowcontrol
