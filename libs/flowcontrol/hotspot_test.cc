// Hotspot rules H1-H5 of docs/flow-control-spec.md.
#include "libs/flowcontrol/hotspot.h"

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/flowcontrol/engine.h"

namespace seckill::flowcontrol {
namespace {

using namespace std::chrono_literals;
constexpr int64_t kSec = kNanosPerSecond;

TEST(HotspotTest, Hotspot_PerKeyThreshold) {
  HotspotLimiter limiter(5, 0, kSec, 1000);
  const int64_t t0 = 100 * kSec;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.TryAcquire("A", t0, 1).admitted);
  EXPECT_FALSE(limiter.TryAcquire("A", t0, 1).admitted);
  EXPECT_TRUE(limiter.TryAcquire("B", t0, 1).admitted);  // another value is unaffected
  int again = 0;
  for (int i = 0; i < 10; ++i) again += limiter.TryAcquire("A", t0 + 3 * kSec, 1).admitted;
  EXPECT_EQ(again, 5);
}

TEST(HotspotTest, Hotspot_BurstAndSpecificItems) {
  HotspotLimiter burst(5, 3, kSec, 1000);
  int admitted = 0;
  for (int i = 0; i < 20; ++i) admitted += burst.TryAcquire("k", 0, 1).admitted;
  EXPECT_EQ(admitted, 8);
  HotspotLimiter vip(5, 0, kSec, 1000, {{"vip", 100}});
  admitted = 0;
  for (int i = 0; i < 200; ++i) admitted += vip.TryAcquire("vip", 0, 1).admitted;
  EXPECT_EQ(admitted, 100);
  HotspotLimiter zero(0, 0, kSec, 1000);
  EXPECT_FALSE(zero.TryAcquire("any", 0, 1).admitted);
}

TEST(HotspotTest, Hotspot_ThresholdsThatDoNotDivideASecondStillFillTheBucket) {
  for (int64_t threshold : {3, 7, 9, 11, 13}) {
    HotspotLimiter limiter(threshold, 0, kSec, 100);
    int admitted = 0;
    for (int i = 0; i < 100; ++i) admitted += limiter.TryAcquire("k", 5 * kSec, 1).admitted;
    EXPECT_EQ(admitted, threshold);
  }
}

TEST(HotspotTest, Hotspot_LongIntervalNoOverflow) {
  HotspotLimiter limiter(5, 0, kSec, 100);
  EXPECT_TRUE(limiter.TryAcquire("A", 0, 1).admitted);
  const int64_t later = 48 * 3600 * kSec;
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += limiter.TryAcquire("A", later, 1).admitted;
  EXPECT_EQ(admitted, 5);
}

TEST(HotspotTest, Hotspot_CapacityBounded) {
  HotspotLimiter limiter(5, 0, kSec, 4000);
  for (int i = 0; i < 1'000'000; ++i) limiter.TryAcquire(fmt::format("user-{}", i), 0, 1);
  EXPECT_LE(limiter.size(), limiter.capacity());
  EXPECT_GE(limiter.evictions(), 1'000'000u - limiter.capacity());
  // Through the engine, the evictions are visible to an operator.
  ManualClock clock(std::chrono::seconds(10));
  Engine engine(clock, {"r"});
  RuleDocument doc;
  HotspotRule rule;
  rule.id = "per-ip";
  rule.resource = "r";
  rule.param = {ParamKind::kClientIp, ""};
  rule.threshold = 5;
  rule.params_max_capacity = 64;
  doc.hotspot_rules = {rule};
  ASSERT_TRUE(engine.Load(doc).ok());
  for (int i = 0; i < 1000; ++i) {
    const std::string ip = fmt::format("10.0.{}.{}", i / 250, i % 250);
    engine.Enter(
        {"r", true, [&](const ParamSource&) { return std::optional<std::string_view>(ip); }});
  }
  ASSERT_EQ(engine.Hotspots().size(), 1u);
  EXPECT_LE(engine.Hotspots()[0].values, 64u);
  EXPECT_GE(engine.Hotspots()[0].evictions, 1000u - 64u);
}

TEST(HotspotTest, Hotspot_MissingParamPasses) {
  ManualClock clock(10s);
  Engine engine(clock, {"r"});
  RuleDocument doc;
  HotspotRule rule;
  rule.id = "per-user";
  rule.resource = "r";
  rule.param = {ParamKind::kHeader, "x-user-id"};
  rule.threshold = 0;  // any request carrying the header is blocked
  rule.params_max_capacity = 100;
  doc.hotspot_rules = {rule};
  ASSERT_TRUE(engine.Load(doc).ok());
  RequestInfo without{"r", true,
                      [](const ParamSource&) { return std::optional<std::string_view>(); }};
  EXPECT_TRUE(engine.Enter(without).admitted);
  RequestInfo with{"r", true, [](const ParamSource& p) {
                     return p.name == "x-user-id" ? std::optional<std::string_view>("42")
                                                  : std::nullopt;
                   }};
  Decision d = engine.Enter(with);
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.reason, BlockReason::kHotspot);
}

}  // namespace
}  // namespace seckill::flowcontrol
