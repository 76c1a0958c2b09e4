#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace seckill::flowcontrol {

// Monotonic time in nanoseconds. The library reads it once per decision and passes it down;
// every algorithm is a pure function of (state, now), so tests drive it with ManualClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowNanos() const noexcept = 0;
};

class SteadyClock final : public Clock {
 public:
  int64_t NowNanos() const noexcept override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// Moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::nanoseconds now = std::chrono::nanoseconds(0))
      : now_(now.count()) {}
  int64_t NowNanos() const noexcept override { return now_.load(std::memory_order_relaxed); }
  void Advance(std::chrono::nanoseconds d) { now_.fetch_add(d.count(), std::memory_order_relaxed); }
  void Set(std::chrono::nanoseconds t) { now_.store(t.count(), std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

inline constexpr int64_t kNanosPerMilli = 1'000'000;
inline constexpr int64_t kNanosPerSecond = 1'000'000'000;

}  // namespace seckill::flowcontrol
