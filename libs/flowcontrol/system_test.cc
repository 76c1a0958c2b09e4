// System rules S1-S2 of docs/flow-control-spec.md.
#include "gtest/gtest.h"
#include "libs/flowcontrol/engine.h"

namespace seckill::flowcontrol {
namespace {

using namespace std::chrono_literals;

struct FakeMetrics final : SystemMetrics {
  double load = 0, cpu = 0;
  double Load1() const override { return load; }
  double CpuUsage() const override { return cpu; }
};

std::unique_ptr<Engine> WithSystemRule(const Clock& clock, const FakeMetrics* metrics,
                                       SystemRule rule) {
  auto engine = std::make_unique<Engine>(clock, std::vector<std::string>{"in", "out"}, metrics);
  RuleDocument doc;
  rule.id = "sys";
  doc.system_rules = {rule};
  EXPECT_TRUE(engine->Load(doc).ok());
  return engine;
}

TEST(SystemTest, System_InboundQps_Concurrency_AvgRt) {
  ManualClock clock(100s);
  FakeMetrics metrics;
  SystemRule qps;
  qps.max_inbound_qps = 3;
  auto engine = WithSystemRule(clock, &metrics, qps);
  for (int i = 0; i < 3; ++i) {
    Decision d = engine->Enter({"in", true});
    ASSERT_TRUE(d.admitted);
    engine->Exit(d, false);
  }
  Decision blocked = engine->Enter({"in", true});
  EXPECT_EQ(blocked.reason, BlockReason::kSystem);
  EXPECT_TRUE(engine->Enter({"out", /*inbound=*/false}).admitted);  // outbound unaffected

  SystemRule concurrency;
  concurrency.max_concurrency = 2;
  engine = WithSystemRule(clock, &metrics, concurrency);
  Decision a = engine->Enter({"in", true}), b = engine->Enter({"in", true});
  ASSERT_TRUE(a.admitted && b.admitted);
  EXPECT_EQ(engine->Enter({"in", true}).reason, BlockReason::kSystem);
  engine->Exit(a, false);
  Decision c = engine->Enter({"in", true});
  EXPECT_TRUE(c.admitted);

  SystemRule rt;
  rt.max_avg_rt_ms = 50;
  engine = WithSystemRule(clock, &metrics, rt);
  Decision slow = engine->Enter({"in", true});
  clock.Advance(200ms);
  engine->Exit(slow, false);
  EXPECT_EQ(engine->Enter({"in", true}).reason, BlockReason::kSystem);
  clock.Advance(2s);  // the slow second has left the window
  EXPECT_TRUE(engine->Enter({"in", true}).admitted);
}

TEST(SystemTest, System_Load_BbrGate) {
  ManualClock clock(100s);
  FakeMetrics metrics;
  SystemRule load;
  load.max_load1 = 2.0;
  auto engine = WithSystemRule(clock, &metrics, load);
  // Build a capacity estimate: 10 successes a second at 100 ms each => BBR allows ~1 in flight.
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < 10; ++i) {
      Decision d = engine->Enter({"in", true});
      ASSERT_TRUE(d.admitted);
      clock.Advance(100ms);
      engine->Exit(d, false);
    }
  }
  metrics.load = 5.0;  // above the limit
  Decision first = engine->Enter({"in", true});
  EXPECT_TRUE(first.admitted);  // inflight 0 -> 1: within capacity, passes despite the load
  Decision second = engine->Enter({"in", true});
  EXPECT_TRUE(second.admitted);  // inflight 1: "inflight > 1" does not hold yet
  Decision third = engine->Enter({"in", true});
  EXPECT_FALSE(third.admitted);  // inflight 2 > 10 qps * 100 ms / 1000 = 1
  EXPECT_EQ(third.reason, BlockReason::kSystem);
  metrics.load = 1.0;  // below the limit: no gate at all
  EXPECT_TRUE(engine->Enter({"in", true}).admitted);
}

}  // namespace
}  // namespace seckill::flowcontrol
