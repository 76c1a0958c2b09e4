#include "boost/json.hpp"
#include "libs/flowcontrol/rules.h"

namespace seckill::flowcontrol {

namespace json = boost::json;

std::string ToJson(const RuleDocument& d) {
  json::array flow, hotspot, breaker, system;
  for (const FlowRule& r : d.flow_rules) {
    flow.push_back(json::object{
        {"id", r.id},
        {"resource", r.resource},
        {"metric", r.metric == Metric::kQps ? "QPS" : "CONCURRENCY"},
        {"threshold", r.threshold},
        {"statIntervalMs", r.stat_interval_ms},
        {"sampleCount", r.sample_count},
        {"algorithm", r.algorithm == Algorithm::kWindow ? "WINDOW"
                      : r.algorithm == Algorithm::kGcra ? "GCRA"
                                                        : "TOKEN_BUCKET"},
        {"burst", r.burst},
        {"tokenCalculateStrategy",
         r.token_strategy == TokenStrategy::kDirect ? "DIRECT" : "WARM_UP"},
        {"warmUpPeriodSec", r.warm_up_period_sec},
        {"coldFactor", r.cold_factor},
        {"startWarm", r.start_warm},
        {"controlBehavior", r.behavior == ControlBehavior::kReject ? "REJECT" : "THROTTLING"},
        {"maxQueueingTimeMs", r.max_queueing_time_ms},
        {"maxWaiters", r.max_waiters},
        {"dryRun", r.dry_run}});
  }
  for (const HotspotRule& r : d.hotspot_rules) {
    json::object items;
    for (const auto& [k, v] : r.specific_items) items[k] = v;
    hotspot.push_back(json::object{{"id", r.id},
                                   {"resource", r.resource},
                                   {"paramSource", ToString(r.param)},
                                   {"metricType", "QPS"},
                                   {"threshold", r.threshold},
                                   {"durationInSec", r.duration_sec},
                                   {"burstCount", r.burst_count},
                                   {"specificItems", std::move(items)},
                                   {"paramsMaxCapacity", r.params_max_capacity}});
  }
  for (const CircuitBreakerRule& r : d.breaker_rules) {
    const char* strategy = r.strategy == BreakerStrategyKind::kErrorRatio   ? "ERROR_RATIO"
                           : r.strategy == BreakerStrategyKind::kErrorCount ? "ERROR_COUNT"
                                                                            : "SLOW_REQUEST_RATIO";
    breaker.push_back(json::object{{"id", r.id},
                                   {"resource", r.resource},
                                   {"strategy", strategy},
                                   {"threshold", r.threshold},
                                   {"maxAllowedRtMs", r.max_allowed_rt_ms},
                                   {"minRequestAmount", r.min_request_amount},
                                   {"statIntervalMs", r.stat_interval_ms},
                                   {"statBucketCount", r.stat_bucket_count},
                                   {"retryTimeoutMs", r.retry_timeout_ms},
                                   {"probeNum", r.probe_num},
                                   {"probeSuccessToClose", r.probe_success_to_close},
                                   {"halfOpenMaxWaitMs", r.half_open_max_wait_ms},
                                   {"openBackoffMultiplier", r.open_backoff_multiplier},
                                   {"goCompat", r.go_compat}});
  }
  for (const SystemRule& r : d.system_rules) {
    json::object o{{"id", r.id}, {"strategy", r.bbr ? "BBR" : "NONE"}};
    if (r.max_inbound_qps >= 0) o["maxInboundQps"] = r.max_inbound_qps;
    if (r.max_concurrency >= 0) o["maxConcurrency"] = r.max_concurrency;
    if (r.max_avg_rt_ms >= 0) o["maxAvgRtMs"] = r.max_avg_rt_ms;
    if (r.max_load1 >= 0) o["maxLoad1"] = r.max_load1;
    if (r.max_cpu_usage >= 0) o["maxCpuUsage"] = r.max_cpu_usage;
    system.push_back(std::move(o));
  }
  return json::serialize(
      json::object{{"onDelete", d.on_delete == OnDelete::kClear ? "CLEAR" : "KEEP_LAST_GOOD"},
                   {"flowRules", std::move(flow)},
                   {"hotspotRules", std::move(hotspot)},
                   {"circuitBreakerRules", std::move(breaker)},
                   {"systemRules", std::move(system)}});
}

}  // namespace seckill::flowcontrol
