#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace seckill::flowcontrol {

// A count over the last `interval` split into `buckets` (Sentinel's LeapArray), exact under
// concurrency: each bucket is one atomic word packing (epoch << 32 | count), so resetting a
// stale bucket and adding to it is a single CAS, and an admission is counted in the same CAS
// that checks it against the limit. Thread-safe and lock-free.
class SlidingWindow {
 public:
  SlidingWindow(int buckets, int64_t interval_ns);

  // Adds `n` unless that takes the window's sum over `limit`; true when added.
  bool TryAdd(int64_t now_ns, int64_t n, int64_t limit);
  void Add(int64_t now_ns, int64_t n);
  // Hands back `n` previously added in the current bucket (a later rule refused the request);
  // false when the bucket has moved on meanwhile (then the count simply expires).
  bool Remove(int64_t now_ns, int64_t n);
  int64_t Sum(int64_t now_ns) const;
  // Forgets every count (each bucket atomically); safe while others use the window.
  void Reset();
  // The count of the bucket `back` bucket lengths before the current one (0: the current).
  int64_t BucketCount(int64_t now_ns, int back) const;
  // How long until `n` more would fit under `limit` as buckets expire (0 when it fits now).
  int64_t RetryAfterNs(int64_t now_ns, int64_t n, int64_t limit) const;

  // Test-only sync point, run in TryAdd just before its CAS (Envoy-style race injection).
  void SetPreCasHookForTest(void (*hook)()) { pre_cas_hook_ = hook; }

  int buckets() const { return buckets_; }
  int64_t interval_ns() const { return interval_ns_; }
  int64_t bucket_ns() const { return bucket_ns_; }

 private:
  struct alignas(64) Bucket {
    std::atomic<uint64_t> word{0};
  };
  static uint64_t Pack(uint64_t epoch, uint64_t count) {
    return (epoch << 32) | (count & 0xFFFFFFFFu);
  }
  static uint32_t EpochOf(uint64_t word) { return static_cast<uint32_t>(word >> 32); }
  static int64_t CountOf(uint64_t word) { return static_cast<int64_t>(word & 0xFFFFFFFFu); }
  uint32_t Epoch(int64_t now_ns) const { return static_cast<uint32_t>(now_ns / bucket_ns_); }
  // Sum of every valid bucket but the current one.
  int64_t PastSum(uint32_t epoch) const;

  const int buckets_;
  const int64_t interval_ns_;
  const int64_t bucket_ns_;
  std::unique_ptr<Bucket[]> slots_;
  void (*pre_cas_hook_)() = nullptr;
};

}  // namespace seckill::flowcontrol
