// The cost of one admission decision, next to a plain mutex-protected counter in the same
// binary (the baseline). Run with `make bench`.
#include <mutex>

#include "benchmark/benchmark.h"
#include "libs/flowcontrol/engine.h"

namespace seckill::flowcontrol {
namespace {

Engine& SharedEngine(int64_t threshold) {
  static SteadyClock clock;
  static Engine* admitted = [] {
    auto* e = new Engine(clock, {"r"});
    RuleDocument doc;
    doc.flow_rules = {FlowRule{"huge", "r", Metric::kQps, 1'000'000'000}};
    (void)e->Load(doc);
    return e;
  }();
  static Engine* blocked = [] {
    auto* e = new Engine(clock, {"r"});
    RuleDocument doc;
    doc.flow_rules = {FlowRule{"five", "r", Metric::kQps, 5}};
    (void)e->Load(doc);
    return e;
  }();
  return threshold > 5 ? *admitted : *blocked;
}

// A QPS rule (sliding window, 2 x 500 ms) that admits everything: the full decision path.
void BM_Decision_Admitted(benchmark::State& state) {
  Engine& engine = SharedEngine(1'000'000'000);
  for (auto _ : state) benchmark::DoNotOptimize(engine.Enter({"r"}).admitted);
}
BENCHMARK(BM_Decision_Admitted)->Threads(1)->Threads(2)->Threads(4)->Threads(8)->UseRealTime();

// The same rule at threshold 5: nearly every decision is a refusal (the flash-sale case).
void BM_Decision_Blocked(benchmark::State& state) {
  Engine& engine = SharedEngine(5);
  for (auto _ : state) benchmark::DoNotOptimize(engine.Enter({"r"}).admitted);
}
BENCHMARK(BM_Decision_Blocked)->Threads(1)->Threads(2)->Threads(4)->Threads(8)->UseRealTime();

// Baseline: a counter with a threshold behind a mutex, reading the same clock.
void BM_MutexCounter(benchmark::State& state) {
  static std::mutex mu;
  static int64_t window_start = 0, count = 0;
  static SteadyClock clock;
  for (auto _ : state) {
    const int64_t now = clock.NowNanos();
    std::lock_guard lock(mu);
    if (now - window_start > kNanosPerSecond) {
      window_start = now;
      count = 0;
    }
    benchmark::DoNotOptimize(++count <= 1'000'000'000);
  }
}
BENCHMARK(BM_MutexCounter)->Threads(1)->Threads(2)->Threads(4)->Threads(8)->UseRealTime();

}  // namespace
}  // namespace seckill::flowcontrol

BENCHMARK_MAIN();
