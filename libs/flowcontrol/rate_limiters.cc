#include "libs/flowcontrol/rate_limiters.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace seckill::flowcontrol {

int64_t CostNs(int64_t n, int64_t threshold, int64_t interval_ns) {
  if (threshold <= 0) return std::numeric_limits<int64_t>::max() / 4;
  const __int128 total = static_cast<__int128>(n) * interval_ns;
  return static_cast<int64_t>((total + threshold - 1) / threshold);
}

// --- TokenBucket ---------------------------------------------------------------------------

TokenBucket::TokenBucket(int64_t threshold, int64_t burst, int64_t interval_ns)
    : threshold_(threshold),
      burst_(burst),
      interval_ns_(interval_ns),
      zero_time_ns_(std::numeric_limits<int64_t>::min() / 4) {}

int64_t TokenBucket::Available(int64_t now_ns) const {
  if (threshold_ <= 0) return 0;
  const int64_t unit = CostNs(1, threshold_, interval_ns_);
  const int64_t elapsed =
      std::min(now_ns - zero_time_ns_.load(std::memory_order_relaxed), unit * burst_);
  return elapsed / unit;
}

LimitResult TokenBucket::TryAcquire(int64_t now_ns, int64_t n) {
  if (n <= 0) return {true, 0, 0};
  if (threshold_ <= 0 || n > burst_) return {false, interval_ns_, 0};
  // Whole unit costs only, so a full bucket holds exactly `burst` tokens whatever the rounding.
  const int64_t unit = CostNs(1, threshold_, interval_ns_);
  const int64_t full = unit * burst_;
  const int64_t cost = unit * n;
  int64_t zero = zero_time_ns_.load(std::memory_order_relaxed);
  while (true) {
    const int64_t start = std::max(zero, now_ns - full);  // a full bucket holds no more
    const int64_t available = now_ns - start;
    if (available < cost) return {false, cost - available, 0};
    if (zero_time_ns_.compare_exchange_weak(zero, start + cost, std::memory_order_acq_rel,
                                            std::memory_order_relaxed)) {
      return {true, 0, 0, start + cost};
    }
  }
}

void TokenBucket::Rollback(int64_t n, int64_t state_after) {
  int64_t expected = state_after;
  zero_time_ns_.compare_exchange_strong(
      expected, state_after - CostNs(1, threshold_, interval_ns_) * n, std::memory_order_acq_rel);
}

// --- Gcra ----------------------------------------------------------------------------------

Gcra::Gcra(int64_t threshold, int64_t burst, int64_t interval_ns)
    : threshold_(threshold),
      burst_(burst),
      interval_ns_(interval_ns),
      emission_ns_(CostNs(1, threshold, interval_ns)),
      tolerance_ns_(CostNs(1, threshold, interval_ns) * (burst + 1)) {}

LimitResult Gcra::TryAcquire(int64_t now_ns, int64_t n) {
  if (n <= 0) return {true, 0, 0};
  if (threshold_ <= 0) return {false, interval_ns_, 0};
  int64_t tat = tat_ns_.load(std::memory_order_relaxed);
  while (true) {
    const int64_t new_tat = std::max(tat, now_ns) + n * emission_ns_;
    const int64_t allow_at = new_tat - tolerance_ns_;
    if (allow_at > now_ns) return {false, allow_at - now_ns, 0};
    if (tat_ns_.compare_exchange_weak(tat, new_tat, std::memory_order_acq_rel,
                                      std::memory_order_relaxed)) {
      return {true, 0, 0, new_tat};
    }
  }
}

void Gcra::Rollback(int64_t n, int64_t state_after) {
  int64_t expected = state_after;
  tat_ns_.compare_exchange_strong(expected, state_after - n * emission_ns_,
                                  std::memory_order_acq_rel);
}

int64_t Gcra::Remaining(int64_t now_ns) const {
  const int64_t used = std::max<int64_t>(tat_ns_.load(std::memory_order_relaxed) - now_ns, 0);
  return std::max<int64_t>((tolerance_ns_ - used) / emission_ns_, 0);
}

// --- Pacer ---------------------------------------------------------------------------------

Pacer::Pacer(int64_t threshold, int64_t interval_ns, int64_t max_queue_ns, int64_t max_waiters)
    : threshold_(threshold),
      interval_ns_(interval_ns),
      max_queue_ns_(max_queue_ns),
      max_waiters_(max_waiters) {}

LimitResult Pacer::TryAcquire(int64_t now_ns, int64_t n) {
  if (n <= 0) return {true, 0, 0};
  if (threshold_ <= 0) return {false, interval_ns_, 0};
  const int64_t cost = CostNs(n, threshold_, interval_ns_);
  const int64_t unit = CostNs(1, threshold_, interval_ns_);
  int64_t next_free = next_free_ns_.load(std::memory_order_relaxed);
  while (true) {
    const int64_t start = std::max(next_free, now_ns);
    const int64_t delay = start - now_ns;
    if (delay > max_queue_ns_) return {false, delay - max_queue_ns_, 0};
    // This request would be waiter number delay/unit (the one running now is not waiting).
    if (delay > 0 && unit > 0 && delay / unit > max_waiters_) return {false, unit, 0};
    if (next_free_ns_.compare_exchange_weak(next_free, start + cost, std::memory_order_acq_rel,
                                            std::memory_order_relaxed)) {
      return {true, 0, delay, start + cost};
    }
  }
}

void Pacer::Rollback(int64_t n, int64_t state_after) {
  int64_t expected = state_after;
  next_free_ns_.compare_exchange_strong(expected, state_after - CostNs(n, threshold_, interval_ns_),
                                        std::memory_order_acq_rel);
}

// --- WarmUp --------------------------------------------------------------------------------

WarmUp::WarmUp(double count, int warm_up_period_sec, int cold_factor, bool start_warm)
    : count_(count), cold_factor_(cold_factor <= 1 ? 3 : cold_factor) {
  // Sentinel's WarmUpController.construct, verbatim (including its integer casts).
  warning_token_ = static_cast<int64_t>(warm_up_period_sec * count_) / (cold_factor_ - 1);
  max_token_ =
      warning_token_ + static_cast<int64_t>(2 * warm_up_period_sec * count_ / (1.0 + cold_factor_));
  slope_ = (cold_factor_ - 1.0) / count_ / static_cast<double>(max_token_ - warning_token_);
  // Sentinel starts cold (its first sync fills the bucket); startWarm starts at the warning line.
  stored_tokens_ = start_warm ? warning_token_ : max_token_;
}

int64_t WarmUp::CoolDownTokens(int64_t old_value, int64_t last_ms, int64_t current_ms,
                               double pass_qps) const {
  int64_t new_value = old_value;
  const auto refill =
      static_cast<int64_t>(static_cast<double>(current_ms - last_ms) * count_ / 1000);
  if (old_value < warning_token_) {
    new_value = old_value + refill;
  } else if (old_value >= warning_token_) {
    // Sentinel tests `>` here, so tokens that land exactly on the warning line never refill
    // again and the rule stays warm after any idle time; `>=` lets it cool down.
    // Integer division, as Sentinel computes it.
    if (pass_qps <
        static_cast<int64_t>(count_) / cold_factor_)  // NOLINT(bugprone-integer-division)
      new_value = old_value + refill;
  }
  return std::min(new_value, max_token_);
}

void WarmUp::SyncToken(int64_t now_ms, double previous_pass_qps) {
  const int64_t current_ms = now_ms - now_ms % 1000;
  int64_t last = last_filled_ms_.load();
  if (last == kNotStarted) {
    last_filled_ms_.compare_exchange_strong(last, current_ms);
    return;
  }
  if (current_ms <= last) return;
  // One winner per second resyncs the tokens; everyone else reads them.
  if (!last_filled_ms_.compare_exchange_strong(last, current_ms)) return;
  const int64_t synced =
      CoolDownTokens(stored_tokens_.load(), last, current_ms, previous_pass_qps) -
      static_cast<int64_t>(previous_pass_qps);
  stored_tokens_.store(std::max<int64_t>(synced, 0));
}

double WarmUp::AllowedQps(int64_t now_ms, double previous_pass_qps) {
  SyncToken(now_ms, previous_pass_qps);
  const int64_t rest = stored_tokens_.load();
  if (rest >= warning_token_) {
    const double above = static_cast<double>(rest - warning_token_);
    return std::nextafter(1.0 / (above * slope_ + 1.0 / count_),
                          std::numeric_limits<double>::max());
  }
  return count_;
}

bool WarmUp::CanPass(int64_t now_ms, double pass_qps, double previous_pass_qps, int64_t acquire) {
  return pass_qps + static_cast<double>(acquire) <= AllowedQps(now_ms, previous_pass_qps);
}

}  // namespace seckill::flowcontrol
