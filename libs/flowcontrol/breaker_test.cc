// Circuit-breaker rules C1-C7 of docs/flow-control-spec.md.
#include "gtest/gtest.h"
#include "libs/flowcontrol/circuit_breaker.h"
#include "libs/flowcontrol/clock.h"
#include "libs/flowcontrol/engine.h"

namespace seckill::flowcontrol {
namespace {

constexpr int64_t kMs = kNanosPerMilli;

BreakerOptions ErrorRatio(double threshold, int64_t min_requests) {
  BreakerOptions o;
  o.strategy = BreakerStrategy::kErrorRatio;
  o.threshold = threshold;
  o.min_request_amount = min_requests;
  o.retry_timeout_ns = 5000 * kMs;
  o.half_open_max_wait_ns = 5000 * kMs;
  return o;
}

// One admitted request that ends at `now` with `error`.
void Complete(CircuitBreaker& b, int64_t now, bool error, int64_t rt = 1 * kMs) {
  auto a = b.TryPass(now);
  ASSERT_TRUE(a.admitted);
  b.OnComplete(now, rt, error, a.probe);
}

TEST(BreakerTest, Breaker_ErrorRatio_Sequence) {
  CircuitBreaker b(ErrorRatio(0.49, 2));
  int64_t t = 1000 * kMs;
  Complete(b, t, false);
  Complete(b, t, true);  // 1 of 2 bad: 0.5 > 0.49
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.TryPass(t).admitted);
  t += 5000 * kMs;
  auto probe = b.TryPass(t);
  ASSERT_TRUE(probe.admitted);
  EXPECT_TRUE(probe.probe);
  b.OnComplete(t, kMs, /*error=*/true, true);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  t += 5000 * kMs;
  probe = b.TryPass(t);
  ASSERT_TRUE(probe.probe);
  b.OnComplete(t, kMs, false, true);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

TEST(BreakerTest, Breaker_SlowRatio_Threshold1_TripsAtEquality) {
  BreakerOptions o;
  o.strategy = BreakerStrategy::kSlowRequestRatio;
  o.threshold = 1.0;
  o.max_allowed_rt_ns = 100 * kMs;
  o.min_request_amount = 3;
  CircuitBreaker b(o);
  for (int i = 0; i < 3; ++i) Complete(b, 1000 * kMs, false, 200 * kMs);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  // Below 1.0, Java compares strictly; the Go-compat flag compares with >=.
  o.threshold = 0.5;
  CircuitBreaker java(o);
  Complete(java, 1000 * kMs, false, 200 * kMs);
  Complete(java, 1000 * kMs, false, 1 * kMs);
  Complete(java, 1000 * kMs, false, 1 * kMs);
  Complete(java, 1000 * kMs, false, 200 * kMs);  // 2 of 4 = 0.5, not > 0.5
  EXPECT_EQ(java.state(), BreakerState::kClosed);
  o.go_compat = true;
  CircuitBreaker go(o);
  Complete(go, 1000 * kMs, false, 200 * kMs);
  Complete(go, 1000 * kMs, false, 1 * kMs);
  Complete(go, 1000 * kMs, false, 1 * kMs);
  Complete(go, 1000 * kMs, false, 200 * kMs);
  EXPECT_EQ(go.state(), BreakerState::kOpen);
}

TEST(BreakerTest, Breaker_MinRequestAmountGate) {
  CircuitBreaker b(ErrorRatio(0.1, 5));
  for (int i = 0; i < 4; ++i) Complete(b, 1000 * kMs, true);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  Complete(b, 1000 * kMs, true);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
}

TEST(BreakerTest, Breaker_SlidingVsTumbling) {
  BreakerOptions o;
  o.strategy = BreakerStrategy::kErrorCount;
  o.threshold = 4;  // trips above 4 errors in the last second
  o.min_request_amount = 1;
  o.stat_buckets = 10;
  CircuitBreaker sliding(o);
  for (int i = 0; i < 3; ++i) Complete(sliding, 900 * kMs, true);
  for (int i = 0; i < 2; ++i) Complete(sliding, 1100 * kMs, true);
  EXPECT_EQ(sliding.state(), BreakerState::kOpen);
  o.stat_buckets = 1;  // Sentinel's tumbling window forgets at the boundary
  CircuitBreaker tumbling(o);
  for (int i = 0; i < 3; ++i) Complete(tumbling, 900 * kMs, true);
  for (int i = 0; i < 2; ++i) Complete(tumbling, 1100 * kMs, true);
  EXPECT_EQ(tumbling.state(), BreakerState::kClosed);
}

TEST(BreakerTest, Breaker_HalfOpen_ProbePermits) {
  BreakerOptions o = ErrorRatio(0.1, 1);
  o.probe_num = 2;
  o.probe_success_to_close = 2;
  CircuitBreaker b(o);
  Complete(b, 0, true);
  ASSERT_EQ(b.state(), BreakerState::kOpen);
  const int64_t t = 5000 * kMs;
  auto p1 = b.TryPass(t), p2 = b.TryPass(t), p3 = b.TryPass(t);
  EXPECT_TRUE(p1.admitted && p1.probe);
  EXPECT_TRUE(p2.admitted && p2.probe);
  EXPECT_FALSE(p3.admitted);
  EXPECT_EQ(p3.retry_after_ns, 1000 * kMs);  // Retry-After: 1 while half-open
  b.OnComplete(t, kMs, false, true);
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);  // needs both probes
  b.OnComplete(t, kMs, false, true);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

TEST(BreakerTest, Breaker_HalfOpen_StuckProbeRecovers) {
  BreakerOptions o = ErrorRatio(0.1, 1);
  o.half_open_max_wait_ns = 2000 * kMs;
  CircuitBreaker b(o);
  Complete(b, 0, true);
  int64_t t = 5000 * kMs;
  ASSERT_TRUE(b.TryPass(t).probe);  // a probe that never completes
  EXPECT_FALSE(b.TryPass(t + 1000 * kMs).admitted);
  // Past the half-open limit the breaker re-opens instead of waiting forever (Sentinel#1638)...
  auto reopened = b.TryPass(t + 2001 * kMs);
  EXPECT_FALSE(reopened.admitted);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  // ...and a new probe is possible after the retry timeout.
  t += 2001 * kMs + 5000 * kMs;
  auto probe = b.TryPass(t);
  EXPECT_TRUE(probe.admitted && probe.probe);
  // A probe blocked by a later rule gives its permit back at once.
  b.ReleaseProbe();
  EXPECT_TRUE(b.TryPass(t).probe);
}

TEST(BreakerTest, Breaker_OpenReturns503RetryAfter) {
  CircuitBreaker b(ErrorRatio(0.1, 1));
  Complete(b, 1000 * kMs, true);
  auto blocked = b.TryPass(3500 * kMs);
  EXPECT_FALSE(blocked.admitted);
  EXPECT_EQ(blocked.retry_after_ns, 2500 * kMs);  // ceil to whole seconds: Retry-After 3
  EXPECT_EQ(b.Peek(3500 * kMs).retry_after_ns, 2500 * kMs);
  // Through the engine, an open breaker answers DEGRADE before any flow quota is used.
  ManualClock clock(std::chrono::seconds(1));
  Engine engine(clock, {"r"});
  RuleDocument doc;
  CircuitBreakerRule rule;
  rule.id = "b";
  rule.resource = "r";
  rule.strategy = BreakerStrategyKind::kErrorCount;
  rule.threshold = 0;
  rule.min_request_amount = 1;
  rule.half_open_max_wait_ms = rule.retry_timeout_ms;
  FlowRule flow;
  flow.id = "f";
  flow.resource = "r";
  flow.threshold = 1;
  doc.breaker_rules = {rule};
  doc.flow_rules = {flow};
  ASSERT_TRUE(engine.Load(doc).ok());
  Decision first = engine.Enter({"r"});
  ASSERT_TRUE(first.admitted);
  engine.Exit(first, /*error=*/true);
  clock.Advance(std::chrono::seconds(1));
  Decision open = engine.Enter({"r"});
  EXPECT_FALSE(open.admitted);
  EXPECT_EQ(open.reason, BlockReason::kDegrade);
  EXPECT_EQ(open.retry_after_ns, 4000 * kMs);
  EXPECT_EQ(engine.Breakers().at(0).state, BreakerState::kOpen);
  EXPECT_EQ(engine.Counters().at(0).blocked_degrade, 1u);
}

}  // namespace
}  // namespace seckill::flowcontrol
