#include "libs/flowcontrol/system_guard.h"

#include <algorithm>

#include "libs/flowcontrol/clock.h"

namespace seckill::flowcontrol {

namespace {
constexpr int kStatBuckets = 10;
}

SystemGuard::SystemGuard(SystemLimits limits, const SystemMetrics* metrics)
    : limits_(limits),
      metrics_(metrics),
      passes_(2, kNanosPerSecond),
      completions_(2, kNanosPerSecond),
      rt_sum_ms_(2, kNanosPerSecond),
      successes_(kStatBuckets, kStatBuckets * kNanosPerSecond),
      min_rt_(new MinBucket[kStatBuckets]) {}

double SystemGuard::MaxSuccessQps(int64_t now_ns) const {
  int64_t best = 0;
  // Full past seconds only: the current one is still filling.
  for (int back = 1; back < kStatBuckets; ++back)
    best = std::max(best, successes_.BucketCount(now_ns, back));
  return static_cast<double>(best);
}

double SystemGuard::MinRtMs(int64_t now_ns) const {
  const auto epoch = static_cast<uint32_t>(now_ns / kNanosPerSecond);
  uint64_t best_us = ~0ull;
  for (int back = 0; back < kStatBuckets; ++back) {
    const uint32_t e = epoch - static_cast<uint32_t>(back);
    const uint64_t word = min_rt_[e % kStatBuckets].word.load(std::memory_order_relaxed);
    if ((word >> 32) == e) best_us = std::min(best_us, word & 0xFFFFFFFFu);
  }
  return best_us == ~0ull ? 1.0 : static_cast<double>(best_us) / 1000.0;
}

bool SystemGuard::BbrAllows(int64_t now_ns) const {
  const int64_t inflight = in_flight_.load(std::memory_order_relaxed);
  return !(inflight > 1 &&
           static_cast<double>(inflight) > MaxSuccessQps(now_ns) * MinRtMs(now_ns) / 1000.0);
}

SystemGuard::Check SystemGuard::TryEnter(int64_t now_ns) {
  if (limits_.max_load1 >= 0 && metrics_ != nullptr && metrics_->Load1() > limits_.max_load1 &&
      !BbrAllows(now_ns)) {
    return {SystemReason::kLoad, kNanosPerSecond};
  }
  if (limits_.max_cpu_usage >= 0 && metrics_ != nullptr &&
      metrics_->CpuUsage() > limits_.max_cpu_usage && (!limits_.bbr || !BbrAllows(now_ns))) {
    return {SystemReason::kCpu, kNanosPerSecond};
  }
  if (limits_.max_avg_rt_ms >= 0) {
    const int64_t done = completions_.Sum(now_ns);
    if (done > 0 && static_cast<double>(rt_sum_ms_.Sum(now_ns)) / static_cast<double>(done) >
                        limits_.max_avg_rt_ms) {
      return {SystemReason::kAvgRt, kNanosPerSecond};
    }
  }
  if (limits_.max_concurrency >= 0) {
    if (in_flight_.fetch_add(1, std::memory_order_relaxed) + 1 > limits_.max_concurrency) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      return {SystemReason::kConcurrency, kNanosPerSecond};
    }
  } else {
    in_flight_.fetch_add(1, std::memory_order_relaxed);
  }
  if (limits_.max_inbound_qps >= 0) {
    const auto limit = static_cast<int64_t>(limits_.max_inbound_qps);
    if (!passes_.TryAdd(now_ns, 1, limit)) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      return {SystemReason::kQps, std::max<int64_t>(passes_.RetryAfterNs(now_ns, 1, limit), 1)};
    }
  } else {
    passes_.Add(now_ns, 1);
  }
  return {};
}

void SystemGuard::Rollback(int64_t now_ns) {
  passes_.Remove(now_ns, 1);
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
}

void SystemGuard::Exit(int64_t now_ns, int64_t rt_ns, bool success) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  completions_.Add(now_ns, 1);
  rt_sum_ms_.Add(now_ns, rt_ns / kNanosPerMilli);
  if (!success) return;
  successes_.Add(now_ns, 1);
  const auto epoch = static_cast<uint32_t>(now_ns / kNanosPerSecond);
  const uint64_t rt_us = static_cast<uint64_t>(std::clamp<int64_t>(rt_ns / 1000, 0, 0xFFFFFFFE));
  std::atomic<uint64_t>& slot = min_rt_[epoch % kStatBuckets].word;
  uint64_t word = slot.load(std::memory_order_relaxed);
  while (true) {
    const bool same = (word >> 32) == epoch;
    if (same && (word & 0xFFFFFFFFu) <= rt_us) return;
    if (slot.compare_exchange_weak(word, (static_cast<uint64_t>(epoch) << 32) | rt_us,
                                   std::memory_order_relaxed)) {
      return;
    }
  }
}

}  // namespace seckill::flowcontrol
