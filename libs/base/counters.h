#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace seckill::base {

// A monotonic count of something that happened, exported in the Prometheus text format.
class Counter {
 public:
  void Add(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// A service's counters, by name: one registry, made by main() and given to what counts (there
// is no process-wide one), listed at the service's /metrics. Counters are created once and never
// removed, so a reference from Get() stays valid as long as the registry; a component takes its
// counters when it is built, so they are listed (as 0) from the start.
class Counters {
 public:
  // `name` must be a Prometheus metric name ending in `_total`; `help` says what is counted.
  Counter& Get(const std::string& name, const std::string& help);
  // `# HELP`, `# TYPE name counter` and `name value` lines for every counter, sorted by name.
  std::string PrometheusText() const;

 private:
  struct Entry {
    std::string help;
    std::unique_ptr<Counter> counter;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace seckill::base
