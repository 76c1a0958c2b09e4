#include "libs/flowcontrol/rule_set.h"

namespace seckill::flowcontrol {

FlowController::FlowController(const FlowRule& r, std::shared_ptr<SlidingWindow> reuse_window)
    : rule(r) {
  const int64_t interval = r.stat_interval_ms * kNanosPerMilli;
  if (r.metric == Metric::kConcurrency) {
    concurrency = std::make_unique<ConcurrencyLimiter>(r.threshold);
    return;
  }
  if (r.behavior == ControlBehavior::kThrottling) {
    pacer = std::make_unique<Pacer>(r.threshold, interval, r.max_queueing_time_ms * kNanosPerMilli,
                                    r.max_waiters);
    return;
  }
  if (r.token_strategy == TokenStrategy::kWarmUp) {
    warm_up = std::make_unique<WarmUp>(static_cast<double>(r.threshold), r.warm_up_period_sec,
                                       r.cold_factor, r.start_warm);
    per_second = std::make_shared<SlidingWindow>(2, 2 * kNanosPerSecond);
  }
  switch (r.algorithm) {
    case Algorithm::kWindow:
      window = reuse_window ? std::move(reuse_window)
                            : std::make_shared<SlidingWindow>(r.sample_count, interval);
      break;
    case Algorithm::kTokenBucket:
      bucket = std::make_unique<TokenBucket>(r.threshold, r.burst, interval);
      break;
    case Algorithm::kGcra:
      gcra = std::make_unique<Gcra>(r.threshold, r.burst, interval);
      break;
  }
  // Warm-up needs the current window's passes whatever the algorithm.
  if (warm_up && !window) window = std::make_shared<SlidingWindow>(r.sample_count, interval);
}

FlowController::Taken FlowController::TryPass(int64_t now, int64_t n) {
  if (concurrency) return {{concurrency->TryAcquire(n), kNanosPerSecond, 0, 0}, 0};
  if (pacer) return {pacer->TryAcquire(now, n), 0};
  int64_t limit = rule.threshold;
  if (warm_up) {
    const double previous = static_cast<double>(per_second->BucketCount(now, 1));
    limit = static_cast<int64_t>(warm_up->AllowedQps(now / kNanosPerMilli, previous));
  }
  LimitResult r;
  if (gcra) {
    r = gcra->TryAcquire(now, n);
  } else if (bucket) {
    r = bucket->TryAcquire(now, n);
  } else {
    r.admitted = window->TryAdd(now, n, limit);
    if (!r.admitted) r.retry_after_ns = window->RetryAfterNs(now, n, limit);
  }
  if (r.admitted && warm_up) {
    per_second->Add(now, n);
    if (gcra || bucket) window->Add(now, n);
  }
  return {r, limit};
}

void FlowController::Rollback(int64_t now, int64_t n, const Taken& t) {
  if (concurrency) return concurrency->Release(n);
  if (pacer) return pacer->Rollback(n, t.result.state_after);
  if (gcra)
    gcra->Rollback(n, t.result.state_after);
  else if (bucket)
    bucket->Rollback(n, t.result.state_after);
  else
    window->Remove(now, n);
  if (warm_up) {
    per_second->Remove(now, n);
    if (gcra || bucket) window->Remove(now, n);
  }
}

BreakerController::BreakerController(const CircuitBreakerRule& r) : rule(r) {
  BreakerOptions o;
  o.strategy = r.strategy == BreakerStrategyKind::kErrorCount ? BreakerStrategy::kErrorCount
               : r.strategy == BreakerStrategyKind::kErrorRatio
                   ? BreakerStrategy::kErrorRatio
                   : BreakerStrategy::kSlowRequestRatio;
  o.threshold = r.threshold;
  o.max_allowed_rt_ns = r.max_allowed_rt_ms * kNanosPerMilli;
  o.min_request_amount = r.min_request_amount;
  o.stat_interval_ns = r.stat_interval_ms * kNanosPerMilli;
  o.stat_buckets = r.stat_bucket_count;
  o.retry_timeout_ns = r.retry_timeout_ms * kNanosPerMilli;
  o.probe_num = r.probe_num;
  o.probe_success_to_close = r.probe_success_to_close;
  o.half_open_max_wait_ns = r.half_open_max_wait_ms * kNanosPerMilli;
  o.open_backoff_multiplier = r.open_backoff_multiplier;
  o.go_compat = r.go_compat;
  breaker = std::make_unique<CircuitBreaker>(o);
}

}  // namespace seckill::flowcontrol
