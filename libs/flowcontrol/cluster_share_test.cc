#include "libs/flowcontrol/cluster_share.h"

#include "gtest/gtest.h"

namespace seckill::flowcontrol {
namespace {

TEST(ClusterShareTest, TheSharesAddUpToTheThresholdExactly) {
  for (int64_t total : {0, 1, 2, 5, 7, 100, 1001}) {
    for (size_t members = 1; members <= 9; ++members) {
      int64_t sum = 0;
      for (size_t rank = 0; rank < members; ++rank) {
        const int64_t share = ShareOf(total, rank, members);
        EXPECT_GE(share, total / static_cast<int64_t>(members));
        EXPECT_LE(share, total / static_cast<int64_t>(members) + 1);
        sum += share;
      }
      EXPECT_EQ(sum, total) << total << " over " << members;
    }
  }
  EXPECT_EQ(ShareOf(5, 0, 2), 3);
  EXPECT_EQ(ShareOf(5, 1, 2), 2);
  EXPECT_EQ(ShareOf(-1, 0, 2), -1);  // a default still to be derived
}

TEST(ClusterShareTest, FlowAndHotspotLimitsAreSharedAndTheMembersOwnGuardsAreNot) {
  auto parsed = ParseRules(R"j({
    "flowRules": [{"id": "q", "resource": "r", "threshold": 5},
                  {"id": "b", "resource": "r", "threshold": 10, "algorithm": "TOKEN_BUCKET",
                   "burst": 20}],
    "hotspotRules": [{"id": "h", "resource": "r", "paramSource": "HEADER(x)", "threshold": 3,
                      "burstCount": 1, "specificItems": {"vip": 9}}],
    "circuitBreakerRules": [{"id": "cb", "resource": "r", "strategy": "ERROR_COUNT",
                             "threshold": 4}],
    "systemRules": [{"id": "s", "maxConcurrency": 100}]})j");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const RuleDocument second = ClusterShare(*parsed, 1, 2);
  EXPECT_EQ(second.flow_rules[0].threshold, 2);
  EXPECT_EQ(second.flow_rules[1].threshold, 5);
  EXPECT_EQ(second.flow_rules[1].burst, 10);
  EXPECT_EQ(second.hotspot_rules[0].threshold, 1);
  EXPECT_EQ(second.hotspot_rules[0].burst_count, 0);
  EXPECT_EQ(second.hotspot_rules[0].specific_items.at("vip"), 4);
  EXPECT_EQ(second.breaker_rules, parsed->breaker_rules);
  EXPECT_EQ(second.system_rules, parsed->system_rules);
  EXPECT_EQ(ClusterShare(*parsed, 0, 2).flow_rules[0].threshold, 3);
  EXPECT_EQ(ClusterShare(*parsed, 0, 1), *parsed);
}

}  // namespace
}  // namespace seckill::flowcontrol
