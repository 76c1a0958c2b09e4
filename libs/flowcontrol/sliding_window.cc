#include "libs/flowcontrol/sliding_window.h"

namespace seckill::flowcontrol {

SlidingWindow::SlidingWindow(int buckets, int64_t interval_ns)
    : buckets_(buckets < 1 ? 1 : buckets),
      interval_ns_(interval_ns),
      bucket_ns_(interval_ns / (buckets < 1 ? 1 : buckets) > 0
                     ? interval_ns / (buckets < 1 ? 1 : buckets)
                     : 1),
      slots_(new Bucket[static_cast<size_t>(buckets_)]) {
  Reset();  // epoch 0 is a real epoch: mark every slot as belonging to none yet
}

void SlidingWindow::Reset() {
  for (int i = 0; i < buckets_; ++i)
    slots_[i].word.store(Pack(0xFFFFFFFFu, 0), std::memory_order_relaxed);
}

int64_t SlidingWindow::PastSum(uint32_t epoch) const {
  int64_t sum = 0;
  for (int back = 1; back < buckets_; ++back) {
    const uint32_t e = epoch - static_cast<uint32_t>(back);
    const uint64_t word =
        slots_[e % static_cast<uint32_t>(buckets_)].word.load(std::memory_order_relaxed);
    if (EpochOf(word) == e) sum += CountOf(word);
  }
  return sum;
}

bool SlidingWindow::TryAdd(int64_t now_ns, int64_t n, int64_t limit) {
  const uint32_t epoch = Epoch(now_ns);
  std::atomic<uint64_t>& slot = slots_[epoch % static_cast<uint32_t>(buckets_)].word;
  const int64_t past = PastSum(epoch);
  uint64_t word = slot.load(std::memory_order_relaxed);
  while (true) {
    const int64_t current = EpochOf(word) == epoch ? CountOf(word) : 0;
    if (past + current + n > limit) return false;
    if (pre_cas_hook_ != nullptr) pre_cas_hook_();
    if (slot.compare_exchange_weak(word, Pack(epoch, static_cast<uint64_t>(current + n)),
                                   std::memory_order_acq_rel, std::memory_order_relaxed)) {
      return true;
    }
  }
}

void SlidingWindow::Add(int64_t now_ns, int64_t n) {
  const uint32_t epoch = Epoch(now_ns);
  std::atomic<uint64_t>& slot = slots_[epoch % static_cast<uint32_t>(buckets_)].word;
  uint64_t word = slot.load(std::memory_order_relaxed);
  while (true) {
    const int64_t current = EpochOf(word) == epoch ? CountOf(word) : 0;
    if (slot.compare_exchange_weak(word, Pack(epoch, static_cast<uint64_t>(current + n)),
                                   std::memory_order_acq_rel, std::memory_order_relaxed)) {
      return;
    }
  }
}

bool SlidingWindow::Remove(int64_t now_ns, int64_t n) {
  const uint32_t epoch = Epoch(now_ns);
  std::atomic<uint64_t>& slot = slots_[epoch % static_cast<uint32_t>(buckets_)].word;
  uint64_t word = slot.load(std::memory_order_relaxed);
  while (true) {
    if (EpochOf(word) != epoch || CountOf(word) < n) return false;
    if (slot.compare_exchange_weak(word, Pack(epoch, static_cast<uint64_t>(CountOf(word) - n)),
                                   std::memory_order_acq_rel, std::memory_order_relaxed)) {
      return true;
    }
  }
}

int64_t SlidingWindow::Sum(int64_t now_ns) const {
  const uint32_t epoch = Epoch(now_ns);
  return PastSum(epoch) + BucketCount(now_ns, 0);
}

int64_t SlidingWindow::BucketCount(int64_t now_ns, int back) const {
  const uint32_t e = Epoch(now_ns) - static_cast<uint32_t>(back);
  const uint64_t word =
      slots_[e % static_cast<uint32_t>(buckets_)].word.load(std::memory_order_relaxed);
  return EpochOf(word) == e ? CountOf(word) : 0;
}

int64_t SlidingWindow::RetryAfterNs(int64_t now_ns, int64_t n, int64_t limit) const {
  if (n > limit) return interval_ns_;  // never fits; the best answer is "a whole interval"
  const uint32_t epoch = Epoch(now_ns);
  int64_t sum = Sum(now_ns);
  // Oldest bucket first: each expiry frees its count.
  for (int back = buckets_ - 1; back >= 0; --back) {
    if (sum + n <= limit) {
      const int64_t next_boundary = static_cast<int64_t>(epoch + 1) * bucket_ns_;
      const int steps = buckets_ - 1 - back;  // buckets expired so far
      return steps == 0 ? 0 : next_boundary + (steps - 1) * bucket_ns_ - now_ns;
    }
    const uint32_t e = epoch - static_cast<uint32_t>(back);
    const uint64_t word =
        slots_[e % static_cast<uint32_t>(buckets_)].word.load(std::memory_order_relaxed);
    if (EpochOf(word) == e) sum -= CountOf(word);
  }
  const int64_t next_boundary = static_cast<int64_t>(epoch + 1) * bucket_ns_;
  return next_boundary + (buckets_ - 1) * bucket_ns_ - now_ns;
}

}  // namespace seckill::flowcontrol
