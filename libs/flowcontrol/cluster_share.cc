#include "libs/flowcontrol/cluster_share.h"

namespace seckill::flowcontrol {

int64_t ShareOf(int64_t total, size_t rank, size_t members) {
  if (total < 0 || members <= 1) return total;
  const auto n = static_cast<int64_t>(members);
  return total / n + (static_cast<int64_t>(rank) < total % n ? 1 : 0);
}

RuleDocument ClusterShare(const RuleDocument& document, size_t rank, size_t members) {
  RuleDocument share = document;
  if (members <= 1) return share;
  auto of = [&](int64_t total) { return ShareOf(total, rank, members); };
  for (FlowRule& rule : share.flow_rules) {
    rule.threshold = of(rule.threshold);
    rule.burst = of(rule.burst);
    rule.max_waiters = of(rule.max_waiters);
  }
  for (HotspotRule& rule : share.hotspot_rules) {
    rule.threshold = of(rule.threshold);
    rule.burst_count = of(rule.burst_count);
    for (auto& [value, threshold] : rule.specific_items) threshold = of(threshold);
  }
  return share;
}

}  // namespace seckill::flowcontrol
