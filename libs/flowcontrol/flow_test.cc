// Flow rules F1-F12 of docs/flow-control-spec.md. Time moves only through ManualClock: no sleeps.
#include <barrier>
#include <cstdlib>
#include <random>
#include <thread>

#include "gtest/gtest.h"
#include "libs/flowcontrol/engine.h"
#include "libs/flowcontrol/rate_limiters.h"
#include "libs/flowcontrol/sliding_window.h"

namespace seckill::flowcontrol {
namespace {

using namespace std::chrono_literals;
constexpr int64_t kMs = kNanosPerMilli;

FlowRule QpsRule(const std::string& id, int64_t threshold) {
  FlowRule r;
  r.id = id;
  r.resource = "r";
  r.threshold = threshold;
  return r;
}

std::unique_ptr<Engine> EngineWith(const Clock& clock, std::vector<FlowRule> rules) {
  auto engine = std::make_unique<Engine>(clock, std::vector<std::string>{"r"});
  RuleDocument doc;
  doc.flow_rules = std::move(rules);
  EXPECT_TRUE(engine->Load(doc).ok());
  return engine;
}

TEST(FlowTest, Window_Threshold5_SixthBlocked) {
  ManualClock clock(10s);
  Engine engine(clock, {"r"});
  RuleDocument doc;
  doc.flow_rules = {QpsRule("f1", 5)};
  ASSERT_TRUE(engine.Load(doc).ok());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(engine.Enter({"r"}).admitted) << i;
  Decision sixth = engine.Enter({"r"});
  EXPECT_FALSE(sixth.admitted);
  EXPECT_EQ(sixth.reason, BlockReason::kFlow);
  EXPECT_EQ(sixth.rule_id, "f1");
  EXPECT_EQ(sixth.retry_after_ns, 1000 * kMs);  // Retry-After: 1
  clock.Advance(1000ms);
  EXPECT_TRUE(engine.Enter({"r"}).admitted);
}

TEST(FlowTest, Window_BucketReuse) {
  SlidingWindow w(2, 1000 * kMs);  // 2 x 500 ms, as Sentinel's default
  w.Add(0, 1);
  w.Add(499 * kMs, 1);
  EXPECT_EQ(w.BucketCount(499 * kMs, 0), 2);  // same bucket within 500 ms
  EXPECT_EQ(w.BucketCount(500 * kMs, 0), 0);  // a new bucket after one bucket length
  EXPECT_EQ(w.Sum(500 * kMs), 2);
  w.Add(600 * kMs, 3);
  // At 1000 ms the first slot is reused for a new epoch: its stale count is gone, not leaked.
  EXPECT_EQ(w.BucketCount(1000 * kMs, 0), 0);
  EXPECT_EQ(w.Sum(1000 * kMs), 3);
  w.Add(1000 * kMs, 1);
  EXPECT_EQ(w.Sum(1000 * kMs), 4);
  EXPECT_EQ(w.Sum(2000 * kMs), 0);
}

TEST(FlowTest, Window_EdgeBurst_DocumentedAnd_GcraStrict) {
  // WINDOW admits up to 2x the threshold across a bucket edge (Sentinel#2859), by design.
  SlidingWindow w(2, 1000 * kMs);
  int window_admitted = 0;
  for (int i = 0; i < 5; ++i) window_admitted += w.TryAdd(499 * kMs, 1, 5);
  for (int i = 0; i < 5; ++i) window_admitted += w.TryAdd(1000 * kMs, 1, 5);
  EXPECT_EQ(window_admitted, 10);
  // GCRA with burst 0 is a strict rolling limit.
  Gcra gcra(5, 0, 1000 * kMs);
  int gcra_admitted = 0;
  for (int i = 0; i < 5; ++i) gcra_admitted += gcra.TryAcquire(499 * kMs, 1).admitted;
  for (int i = 0; i < 5; ++i) gcra_admitted += gcra.TryAcquire(1000 * kMs, 1).admitted;
  EXPECT_EQ(gcra_admitted, 2);
  // Property: random arrivals never put more than 5 admissions in any half-open 1 s window.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    Gcra strict(5, 0, 1000 * kMs);
    std::vector<int64_t> admitted;
    int64_t t = 0;
    for (int i = 0; i < 2000; ++i) {
      t += static_cast<int64_t>(rng() % (150 * kMs));
      if (strict.TryAcquire(t, 1).admitted) admitted.push_back(t);
    }
    for (size_t i = 0; i < admitted.size(); ++i) {
      size_t j = i;
      while (j < admitted.size() && admitted[j] < admitted[i] + 1000 * kMs) ++j;
      ASSERT_LE(j - i, 5u) << "seed " << seed << " at " << admitted[i];
    }
  }
}

TEST(FlowTest, Window_ConcurrentExactAdmission) {
  // Regression for Sentinel#2092/#2732: many threads racing on the threshold with a frozen
  // clock admit exactly the threshold. FLOW_STRESS_ROUNDS repeats it (the TSan run uses more).
  const char* env = std::getenv("FLOW_STRESS_ROUNDS");
  const int rounds = env != nullptr ? std::atoi(env) : 3;
  constexpr int kThreads = 64;
  constexpr int kAttempts = 10'000;
  for (int round = 0; round < rounds; ++round) {
    ManualClock clock(10s);
    auto engine = EngineWith(clock, {QpsRule("f4", 5)});
    std::atomic<int> admitted{0};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        int mine = 0;
        for (int i = 0; i < kAttempts; ++i) mine += engine->Enter({"r"}).admitted;
        admitted += mine;
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(admitted.load(), 5) << "round " << round;
  }
}

std::barrier<>* g_race_barrier = nullptr;
thread_local bool g_raced = false;

TEST(FlowTest, Window_CasRaceInjected) {
  SlidingWindow w(2, 1000 * kMs);
  std::barrier both(2);
  g_race_barrier = &both;
  // Both admitters have read count 0 and decided to admit; then both try their CAS.
  w.SetPreCasHookForTest(+[] {
    if (!g_raced) {
      g_raced = true;
      g_race_barrier->arrive_and_wait();
    }
  });
  std::atomic<int> admitted{0};
  std::thread a([&] { admitted += w.TryAdd(0, 1, 1); });
  std::thread b([&] { admitted += w.TryAdd(0, 1, 1); });
  a.join();
  b.join();
  EXPECT_EQ(admitted.load(), 1);  // the loser re-read the count and blocked
  EXPECT_EQ(w.Sum(0), 1);
}

TEST(FlowTest, TokenBucket_FullStartEmptyStart) {
  TokenBucket bucket(10, 10, 1000 * kMs);  // 10/s, capacity 10, starts full
  const int64_t t0 = 5000 * kMs;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.TryAcquire(t0, 1).admitted) << i;
  LimitResult empty = bucket.TryAcquire(t0, 1);
  EXPECT_FALSE(empty.admitted);
  EXPECT_EQ(empty.retry_after_ns, 100 * kMs);  // exactly one token's time
  EXPECT_FALSE(bucket.TryAcquire(t0 + 100 * kMs - 1, 1).admitted);
  EXPECT_TRUE(bucket.TryAcquire(t0 + 100 * kMs, 1).admitted);
  // Idle for long: never more than the capacity.
  EXPECT_EQ(bucket.Available(t0 + 3600'000 * kMs), 10);
  LimitResult five = bucket.TryAcquire(t0 + 3600'000 * kMs, 5);
  EXPECT_TRUE(five.admitted);
  bucket.Rollback(5, five.state_after);
  EXPECT_EQ(bucket.Available(t0 + 3600'000 * kMs), 10);
  EXPECT_FALSE(bucket.TryAcquire(t0, 11).admitted);  // more than the capacity never fits
  // A rate that does not divide the interval still fills to exactly its capacity.
  TokenBucket thirds(3, 3, 1000 * kMs);
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += thirds.TryAcquire(t0, 1).admitted;
  EXPECT_EQ(admitted, 3);
}

TEST(FlowTest, Gcra_RetryAfterExact) {
  Gcra gcra(5, 0, 1000 * kMs);  // T = 200 ms
  EXPECT_TRUE(gcra.TryAcquire(0, 1).admitted);
  LimitResult second = gcra.TryAcquire(0, 1);
  EXPECT_FALSE(second.admitted);
  EXPECT_EQ(second.retry_after_ns, 200 * kMs);
  EXPECT_TRUE(gcra.TryAcquire(200 * kMs, 1).admitted);
  // redis-cell's README: CL.THROTTLE user123 15 30 60 -> limit 16, remaining 15 after one.
  Gcra cell(30, 15, 60'000 * kMs);
  EXPECT_EQ(cell.Limit(), 16);
  ASSERT_TRUE(cell.TryAcquire(0, 1).admitted);
  EXPECT_EQ(cell.Remaining(0), 15);
}

TEST(FlowTest, Throttle_PacingAndQueueLimit) {
  Pacer pacer(10, 1000 * kMs, 500 * kMs, /*max_waiters=*/10 * 500 / 1000 + 1);
  for (int i = 0; i <= 5; ++i) {
    LimitResult r = pacer.TryAcquire(0, 1);
    ASSERT_TRUE(r.admitted) << i;
    EXPECT_EQ(r.delay_ns, i * 100 * kMs);
  }
  LimitResult seventh = pacer.TryAcquire(0, 1);
  EXPECT_FALSE(seventh.admitted);
  EXPECT_EQ(seventh.retry_after_ns, 100 * kMs);
  // Rollback hands the slot back only while the state is the one the admission set.
  Pacer rolled(10, 1000 * kMs, 500 * kMs, 6);
  const int64_t before = rolled.next_free_ns();
  LimitResult taken = rolled.TryAcquire(0, 1);
  rolled.Rollback(1, taken.state_after);
  EXPECT_EQ(rolled.next_free_ns(), before + 0 * kMs + (taken.state_after - 100 * kMs - before));
  EXPECT_EQ(rolled.TryAcquire(0, 1).delay_ns, 0);
  // maxWaiters bounds the queue even when the time limit would allow more.
  Pacer few(10, 1000 * kMs, 500 * kMs, /*max_waiters=*/3);
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += few.TryAcquire(0, 1).admitted;
  EXPECT_EQ(admitted, 4);  // one at once and three waiting
}

TEST(FlowTest, Throttle_HighRate_NoMsRounding) {
  Pacer pacer(5000, 1000 * kMs, 500 * kMs, 5000);
  EXPECT_EQ(pacer.TryAcquire(0, 1).delay_ns, 0);
  EXPECT_EQ(pacer.TryAcquire(0, 1).delay_ns, 200'000);  // 200 us, not rounded to 0 ms
  EXPECT_EQ(pacer.TryAcquire(0, 1).delay_ns, 400'000);
  Pacer zero(0, 1000 * kMs, 500 * kMs, 1);
  EXPECT_FALSE(zero.TryAcquire(0, 1).admitted);
  EXPECT_TRUE(pacer.TryAcquire(0, 0).admitted);
}

TEST(FlowTest, WarmUp_FormulaConstants) {
  WarmUp a(10, 10, 3);
  EXPECT_EQ(a.warning_token(), 50);
  EXPECT_EQ(a.max_token(), 100);
  EXPECT_DOUBLE_EQ(a.slope(), 0.004);
  WarmUp b(5, 10, 3);
  EXPECT_EQ(b.warning_token(), 25);
  EXPECT_EQ(b.max_token(), 50);
  EXPECT_DOUBLE_EQ(b.slope(), 0.016);
  EXPECT_NEAR(b.AllowedQps(1000, 0), 1.67, 0.01);  // Sentinel starts cold
}

TEST(FlowTest, WarmUp_ColdToHot) {
  // A port of Sentinel's WarmUpControllerTest.testWarmUp.
  WarmUp w(10, 10, 3);
  int64_t now_ms = 10'000;
  EXPECT_FALSE(w.CanPass(now_ms, 8, 1, 1));  // cold: about 3.33 per second
  EXPECT_TRUE(w.CanPass(now_ms, 1, 1, 1));
  EXPECT_TRUE(w.CanPass(now_ms, 2, 1, 1));
  EXPECT_FALSE(w.CanPass(now_ms, 3, 1, 1));
  for (int i = 0; i < 100; ++i) {  // 10 s at full load (previous second: 10 passes)
    now_ms += 100;
    w.CanPass(now_ms, 1, 10, 1);
  }
  EXPECT_TRUE(w.CanPass(now_ms, 8, 10, 1));
  EXPECT_FALSE(w.CanPass(now_ms, 10, 10, 1));
  EXPECT_DOUBLE_EQ(w.AllowedQps(now_ms, 10), 10);
  for (int i = 0; i < 300; ++i) {  // 30 s idle: back to cold
    now_ms += 100;
    w.AllowedQps(now_ms, 0);
  }
  EXPECT_LT(w.AllowedQps(now_ms, 0), 3.4);
}

TEST(FlowTest, WarmUp_StatePreservedOnIdenticalReload) {
  ManualClock clock(100s);
  FlowRule rule = QpsRule("warm", 10);
  rule.token_strategy = TokenStrategy::kWarmUp;
  auto engine_ptr = EngineWith(clock, {rule});
  Engine& engine = *engine_ptr;
  auto admitted_this_second = [&] {
    int n = 0;
    for (int i = 0; i < 50; ++i) n += engine.Enter({"r"}).admitted;
    return n;
  };
  for (int s = 0; s < 12; ++s) {  // warm it up with full load
    admitted_this_second();
    clock.Advance(1s);
  }
  const void* controller = engine.FlowControllerForTest("warm");
  RuleDocument same;
  same.flow_rules = {rule};
  ASSERT_TRUE(engine.Load(same).ok());
  EXPECT_EQ(engine.FlowControllerForTest("warm"), controller);
  EXPECT_EQ(admitted_this_second(), 10);  // still warm: a fresh controller would allow 3
  // A changed rule starts cold again.
  FlowRule changed = rule;
  changed.threshold = 11;
  RuleDocument other;
  other.flow_rules = {changed};
  ASSERT_TRUE(engine.Load(other).ok());
  clock.Advance(1s);
  EXPECT_LT(admitted_this_second(), 10);
}

}  // namespace
}  // namespace seckill::flowcontrol
