#pragma once

#include <cstddef>
#include <cstdint>

#include "libs/flowcontrol/rules.h"

namespace seckill::flowcontrol {

// Sentinel's "average local" cluster mode: a rule's threshold is the whole cluster's, and each
// of `members` gateways enforces its share of it. The shares add up to the threshold exactly:
// each member gets threshold / members, and the first (threshold % members) members in `rank`
// order one more, so a cluster never admits more than the rule says (a member may get 0 when the
// threshold is below the member count). Flow rules' thresholds (QPS or concurrency), their
// explicit bursts and queue bounds, and hotspot rules' thresholds, bursts and per-value items
// are shared; breakers and system rules guard the member itself and stay as they are.
// `rank` < `members`; with one member the document is returned unchanged.
RuleDocument ClusterShare(const RuleDocument& document, size_t rank, size_t members);

// One member's share of a cluster-wide `total` (see ClusterShare); a negative total (a default
// to be derived) stays as it is.
int64_t ShareOf(int64_t total, size_t rank, size_t members);

}  // namespace seckill::flowcontrol
