#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace seckill::flowcontrol {

// The rule document (JSON), field names as in Sentinel-Go where one exists. Defaults are those
// of docs/flow-control-spec.md. Every rule has an `id` (unique per kind) and a `resource` (for the
// gateway: "METHOD /route/pattern").

enum class Metric { kQps, kConcurrency };
enum class Algorithm { kWindow, kTokenBucket, kGcra };
enum class TokenStrategy { kDirect, kWarmUp };
enum class ControlBehavior { kReject, kThrottling };

struct FlowRule {
  std::string id;
  std::string resource;
  Metric metric = Metric::kQps;
  int64_t threshold = 0;
  int64_t stat_interval_ms = 1000;
  int sample_count = 2;
  Algorithm algorithm = Algorithm::kWindow;
  int64_t burst = -1;  // TOKEN_BUCKET default threshold; GCRA default 0
  TokenStrategy token_strategy = TokenStrategy::kDirect;
  int warm_up_period_sec = 10;
  int cold_factor = 3;
  bool start_warm = false;
  ControlBehavior behavior = ControlBehavior::kReject;
  int64_t max_queueing_time_ms = 500;
  int64_t max_waiters = -1;  // default threshold * maxQueueingTimeMs / 1000 + 1
  bool dry_run = false;
  bool operator==(const FlowRule&) const = default;
};

// kBodyField: a top-level string field of a JSON object body, lower-cased (account names are
// case-insensitive, so "Admin" and "admin" must count as one).
enum class ParamKind { kHeader, kQuery, kPathVar, kCookie, kClientIp, kJwtClaim, kBodyField };
struct ParamSource {
  ParamKind kind = ParamKind::kHeader;
  std::string name;  // header/query/cookie/path-variable/claim/field name; empty for CLIENT_IP
  bool operator==(const ParamSource&) const = default;
};
std::string ToString(const ParamSource& source);

struct HotspotRule {
  std::string id;
  std::string resource;
  ParamSource param;
  int64_t threshold = 0;
  int64_t duration_sec = 1;
  int64_t burst_count = 0;
  std::map<std::string, int64_t, std::less<>> specific_items;
  int64_t params_max_capacity = -1;  // default min(4000 * durationInSec, 200000)
  bool operator==(const HotspotRule&) const = default;
};

enum class BreakerStrategyKind { kSlowRequestRatio, kErrorRatio, kErrorCount };
struct CircuitBreakerRule {
  std::string id;
  std::string resource;
  BreakerStrategyKind strategy = BreakerStrategyKind::kErrorRatio;
  double threshold = 0.5;
  int64_t max_allowed_rt_ms = 0;
  int64_t min_request_amount = 5;
  int64_t stat_interval_ms = 1000;
  int stat_bucket_count = 10;
  int64_t retry_timeout_ms = 5000;
  int probe_num = 1;
  int probe_success_to_close = -1;     // default probeNum
  int64_t half_open_max_wait_ms = -1;  // default retryTimeoutMs
  double open_backoff_multiplier = 1.0;
  bool go_compat = false;
  bool operator==(const CircuitBreakerRule&) const = default;
};

struct SystemRule {
  std::string id;
  double max_inbound_qps = -1;
  int64_t max_concurrency = -1;
  double max_avg_rt_ms = -1;
  double max_load1 = -1;
  double max_cpu_usage = -1;
  bool bbr = false;
  bool operator==(const SystemRule&) const = default;
};

enum class OnDelete { kKeepLastGood, kClear };

struct RuleDocument {
  std::vector<FlowRule> flow_rules;
  std::vector<HotspotRule> hotspot_rules;
  std::vector<CircuitBreakerRule> breaker_rules;
  std::vector<SystemRule> system_rules;
  OnDelete on_delete = OnDelete::kKeepLastGood;
  bool operator==(const RuleDocument&) const = default;
};

// Parses and validates a whole document: INVALID_ARGUMENT naming the first problem (unknown
// fields, wrong types, values out of range, duplicate ids) and nothing else is accepted.
absl::StatusOr<RuleDocument> ParseRules(std::string_view json);
// The document as JSON, every field spelled out (defaults resolved); parses back to itself.
std::string ToJson(const RuleDocument& document);

}  // namespace seckill::flowcontrol
