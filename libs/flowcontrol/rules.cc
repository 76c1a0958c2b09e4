#include "libs/flowcontrol/rules.h"

#include <algorithm>
#include <set>

#include "boost/json.hpp"
#include "fmt/format.h"
#include "libs/base/status.h"

namespace seckill::flowcontrol {

namespace json = boost::json;

std::string ToString(const ParamSource& p) {
  switch (p.kind) {
    case ParamKind::kHeader:
      return fmt::format("HEADER({})", p.name);
    case ParamKind::kQuery:
      return fmt::format("QUERY({})", p.name);
    case ParamKind::kPathVar:
      return fmt::format("PATH_VAR({})", p.name);
    case ParamKind::kCookie:
      return fmt::format("COOKIE({})", p.name);
    case ParamKind::kClientIp:
      return "CLIENT_IP";
    case ParamKind::kJwtClaim:
      return fmt::format("JWT_CLAIM({})", p.name);
    case ParamKind::kBodyField:
      return fmt::format("BODY_FIELD({})", p.name);
  }
  return "";
}

namespace {

// Strict field reading: each getter marks its key known; the first problem is kept.
class Reader {
 public:
  Reader(const json::object& o, std::string where) : o_(o), where_(std::move(where)) {}

  template <class T>
  void Int(const char* key, T* out, int64_t min, int64_t max) {
    if (const json::value* v = Field(key)) {
      if (!v->is_int64() || v->as_int64() < min || v->as_int64() > max) {
        Fail(fmt::format("{} must be an integer in [{}, {}]", key, min, max));
      } else {
        *out = static_cast<T>(v->as_int64());
      }
    }
  }
  void Num(const char* key, double* out, double min, double max) {
    if (const json::value* v = Field(key)) {
      const bool number = v->is_number();
      const double d = number ? v->to_number<double>() : 0;
      if (!number || d < min || d > max) {
        Fail(fmt::format("{} must be a number in [{}, {}]", key, min, max));
      } else {
        *out = d;
      }
    }
  }
  void Bool(const char* key, bool* out) {
    if (const json::value* v = Field(key)) {
      if (!v->is_bool())
        Fail(fmt::format("{} must be true or false", key));
      else
        *out = v->as_bool();
    }
  }
  void Str(const char* key, std::string* out, bool required) {
    const json::value* v = Field(key);
    if (v == nullptr) {
      if (required) Fail(fmt::format("{} is required", key));
      return;
    }
    if (!v->is_string() || v->as_string().empty())
      Fail(fmt::format("{} must be a non-empty string", key));
    else
      *out = std::string(v->as_string());
  }
  template <class E>
  void Enum(const char* key, E* out, std::initializer_list<std::pair<const char*, E>> names) {
    std::string text;
    Str(key, &text, false);
    if (text.empty()) return;
    for (const auto& [name, value] : names) {
      if (text == name) {
        *out = value;
        return;
      }
    }
    std::string allowed;
    for (const auto& [name, value] : names) {
      if (!allowed.empty()) allowed += '|';
      allowed += name;
    }
    Fail(fmt::format("{} must be one of {}", key, allowed));
  }
  const json::value* Field(const char* key) {
    seen_.insert(key);
    return o_.if_contains(key);
  }
  void Fail(const std::string& message) {
    if (!error_) error_ = fmt::format("{}: {}", where_, message);
  }
  absl::Status Finish() {
    if (!error_) {
      for (const auto& [key, value] : o_) {
        if (!seen_.contains(std::string(key))) {
          error_ = fmt::format("{}: unknown field '{}'", where_, std::string_view(key));
          break;
        }
      }
    }
    return error_ ? absl::InvalidArgumentError(*error_) : absl::OkStatus();
  }

 private:
  const json::object& o_;
  std::string where_;
  std::set<std::string> seen_;
  std::optional<std::string> error_;
};

absl::StatusOr<ParamSource> ParseParamSource(std::string_view text) {
  const std::pair<const char*, ParamKind> kinds[] = {
      {"HEADER", ParamKind::kHeader},      {"QUERY", ParamKind::kQuery},
      {"PATH_VAR", ParamKind::kPathVar},   {"COOKIE", ParamKind::kCookie},
      {"JWT_CLAIM", ParamKind::kJwtClaim}, {"BODY_FIELD", ParamKind::kBodyField}};
  if (text == "CLIENT_IP") return ParamSource{ParamKind::kClientIp, ""};
  for (const auto& [prefix, kind] : kinds) {
    const std::string open = std::string(prefix) + "(";
    if (text.size() > open.size() + 1 && text.substr(0, open.size()) == open &&
        text.back() == ')') {
      std::string name(text.substr(open.size(), text.size() - open.size() - 1));
      if (kind == ParamKind::kHeader) {
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      return ParamSource{kind, name};
    }
  }
  return absl::InvalidArgumentError(fmt::format(
      "paramSource '{}' must be HEADER(name), QUERY(name), PATH_VAR(name), COOKIE(name), "
      "CLIENT_IP, JWT_CLAIM(name) or BODY_FIELD(name)",
      text));
}

const json::array* ArrayField(const json::object& doc, const char* key, std::string* error) {
  const json::value* v = doc.if_contains(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    *error = fmt::format("{} must be an array", key);
    return nullptr;
  }
  return &v->as_array();
}

absl::Status ParseFlow(const json::object& o, size_t i, FlowRule* r) {
  Reader f(o, fmt::format("flowRules[{}]", i));
  f.Str("id", &r->id, true);
  f.Str("resource", &r->resource, true);
  f.Enum("metric", &r->metric, {{"QPS", Metric::kQps}, {"CONCURRENCY", Metric::kConcurrency}});
  f.Int("threshold", &r->threshold, 0, 1'000'000'000);
  if (o.if_contains("threshold") == nullptr) f.Fail("threshold is required");
  f.Int("statIntervalMs", &r->stat_interval_ms, 1, 3'600'000);
  f.Int("sampleCount", &r->sample_count, 1, 1000);
  f.Enum("algorithm", &r->algorithm,
         {{"WINDOW", Algorithm::kWindow},
          {"TOKEN_BUCKET", Algorithm::kTokenBucket},
          {"GCRA", Algorithm::kGcra}});
  f.Int("burst", &r->burst, 0, 1'000'000'000);
  f.Enum("tokenCalculateStrategy", &r->token_strategy,
         {{"DIRECT", TokenStrategy::kDirect}, {"WARM_UP", TokenStrategy::kWarmUp}});
  f.Int("warmUpPeriodSec", &r->warm_up_period_sec, 1, 3600);
  f.Int("coldFactor", &r->cold_factor, 2, 100);
  f.Bool("startWarm", &r->start_warm);
  f.Enum("controlBehavior", &r->behavior,
         {{"REJECT", ControlBehavior::kReject}, {"THROTTLING", ControlBehavior::kThrottling}});
  f.Int("maxQueueingTimeMs", &r->max_queueing_time_ms, 0, 60'000);
  f.Int("maxWaiters", &r->max_waiters, 1, 1'000'000);
  f.Bool("dryRun", &r->dry_run);
  if (r->stat_interval_ms % r->sample_count != 0)
    f.Fail("statIntervalMs must be a multiple of sampleCount");
  if (r->burst < 0) r->burst = r->algorithm == Algorithm::kTokenBucket ? r->threshold : 0;
  if (r->max_waiters < 0) r->max_waiters = r->threshold * r->max_queueing_time_ms / 1000 + 1;
  if (r->metric == Metric::kConcurrency &&
      (r->token_strategy != TokenStrategy::kDirect || r->behavior != ControlBehavior::kReject)) {
    f.Fail("a CONCURRENCY rule takes DIRECT and REJECT only");
  }
  return f.Finish();
}

absl::Status ParseHotspot(const json::object& o, size_t i, HotspotRule* r) {
  Reader f(o, fmt::format("hotspotRules[{}]", i));
  f.Str("id", &r->id, true);
  f.Str("resource", &r->resource, true);
  std::string source;
  f.Str("paramSource", &source, true);
  std::string metric = "QPS";
  f.Str("metricType", &metric, false);
  if (metric != "QPS") f.Fail("metricType must be QPS");
  f.Int("threshold", &r->threshold, 0, 1'000'000'000);
  if (o.if_contains("threshold") == nullptr) f.Fail("threshold is required");
  f.Int("durationInSec", &r->duration_sec, 1, 86'400);
  f.Int("burstCount", &r->burst_count, 0, 1'000'000'000);
  f.Int("paramsMaxCapacity", &r->params_max_capacity, 1, 10'000'000);
  if (const json::value* items = f.Field("specificItems")) {
    if (!items->is_object()) {
      f.Fail("specificItems must be an object of value: threshold");
    } else {
      for (const auto& [key, value] : items->as_object()) {
        if (!value.is_int64() || value.as_int64() < 0) {
          f.Fail("specificItems thresholds must be integers >= 0");
        } else {
          r->specific_items[std::string(key)] = value.as_int64();
        }
      }
    }
  }
  if (!source.empty()) {
    auto parsed = ParseParamSource(source);
    if (!parsed.ok())
      f.Fail(std::string(parsed.status().message()));
    else
      r->param = *parsed;
  }
  if (r->params_max_capacity < 0)
    r->params_max_capacity = std::min<int64_t>(4000 * r->duration_sec, 200'000);
  return f.Finish();
}

absl::Status ParseBreaker(const json::object& o, size_t i, CircuitBreakerRule* r) {
  Reader f(o, fmt::format("circuitBreakerRules[{}]", i));
  f.Str("id", &r->id, true);
  f.Str("resource", &r->resource, true);
  f.Enum("strategy", &r->strategy,
         {{"SLOW_REQUEST_RATIO", BreakerStrategyKind::kSlowRequestRatio},
          {"ERROR_RATIO", BreakerStrategyKind::kErrorRatio},
          {"ERROR_COUNT", BreakerStrategyKind::kErrorCount}});
  f.Num("threshold", &r->threshold, 0, 1e9);
  if (o.if_contains("threshold") == nullptr) f.Fail("threshold is required");
  f.Int("maxAllowedRtMs", &r->max_allowed_rt_ms, 0, 3'600'000);
  f.Int("minRequestAmount", &r->min_request_amount, 1, 1'000'000);
  f.Int("statIntervalMs", &r->stat_interval_ms, 1, 3'600'000);
  f.Int("statBucketCount", &r->stat_bucket_count, 1, 1000);
  f.Int("retryTimeoutMs", &r->retry_timeout_ms, 1, 3'600'000);
  f.Int("probeNum", &r->probe_num, 1, 1000);
  f.Int("probeSuccessToClose", &r->probe_success_to_close, 1, 1000);
  f.Int("halfOpenMaxWaitMs", &r->half_open_max_wait_ms, 1, 3'600'000);
  f.Num("openBackoffMultiplier", &r->open_backoff_multiplier, 1.0, 8.0);
  f.Bool("goCompat", &r->go_compat);
  if (r->strategy != BreakerStrategyKind::kErrorCount && r->threshold > 1.0) {
    f.Fail("a ratio threshold must be between 0 and 1");
  }
  if (r->strategy == BreakerStrategyKind::kSlowRequestRatio &&
      o.if_contains("maxAllowedRtMs") == nullptr) {
    f.Fail("SLOW_REQUEST_RATIO needs maxAllowedRtMs");
  }
  if (r->probe_success_to_close < 0) r->probe_success_to_close = r->probe_num;
  if (r->half_open_max_wait_ms < 0) r->half_open_max_wait_ms = r->retry_timeout_ms;
  return f.Finish();
}

absl::Status ParseSystem(const json::object& o, size_t i, SystemRule* r) {
  Reader f(o, fmt::format("systemRules[{}]", i));
  f.Str("id", &r->id, true);
  f.Num("maxInboundQps", &r->max_inbound_qps, 0, 1e12);
  f.Int("maxConcurrency", &r->max_concurrency, 0, 100'000'000);
  f.Num("maxAvgRtMs", &r->max_avg_rt_ms, 0, 3.6e6);
  f.Num("maxLoad1", &r->max_load1, 0, 1e6);
  f.Num("maxCpuUsage", &r->max_cpu_usage, 0, 1);
  std::string strategy = "NONE";
  f.Str("strategy", &strategy, false);
  if (strategy != "NONE" && strategy != "BBR") f.Fail("strategy must be NONE or BBR");
  r->bbr = strategy == "BBR";
  return f.Finish();
}

}  // namespace

absl::StatusOr<RuleDocument> ParseRules(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec)
    return absl::InvalidArgumentError(fmt::format("rules are not valid JSON: {}", ec.message()));
  if (!root.is_object()) return absl::InvalidArgumentError("rules must be a JSON object");
  const json::object& doc = root.as_object();
  static const std::set<std::string> kKnown = {"flowRules", "hotspotRules", "circuitBreakerRules",
                                               "systemRules", "onDelete"};
  for (const auto& [key, value] : doc) {
    if (!kKnown.contains(std::string(key))) {
      return absl::InvalidArgumentError(fmt::format("unknown field '{}'", std::string_view(key)));
    }
  }
  RuleDocument out;
  std::string error;
  auto each = [&](const char* key, auto parse, auto* rules) -> absl::Status {
    const json::array* array = ArrayField(doc, key, &error);
    if (!error.empty()) return absl::InvalidArgumentError(error);
    if (array == nullptr) return absl::OkStatus();
    std::set<std::string> ids;
    for (size_t i = 0; i < array->size(); ++i) {
      if (!(*array)[i].is_object())
        return absl::InvalidArgumentError(fmt::format("{}[{}] must be an object", key, i));
      typename std::remove_pointer_t<decltype(rules)>::value_type rule;
      SECKILL_RETURN_IF_ERROR(parse((*array)[i].as_object(), i, &rule));
      if (!ids.insert(rule.id).second) {
        return absl::InvalidArgumentError(fmt::format("{}: duplicate id '{}'", key, rule.id));
      }
      rules->push_back(std::move(rule));
    }
    return absl::OkStatus();
  };
  SECKILL_RETURN_IF_ERROR(each("flowRules", ParseFlow, &out.flow_rules));
  SECKILL_RETURN_IF_ERROR(each("hotspotRules", ParseHotspot, &out.hotspot_rules));
  if (absl::Status s = each("circuitBreakerRules", ParseBreaker, &out.breaker_rules); !s.ok())
    return s;
  SECKILL_RETURN_IF_ERROR(each("systemRules", ParseSystem, &out.system_rules));
  if (const json::value* v = doc.if_contains("onDelete")) {
    if (v->is_string() && v->as_string() == "KEEP_LAST_GOOD")
      out.on_delete = OnDelete::kKeepLastGood;
    else if (v->is_string() && v->as_string() == "CLEAR")
      out.on_delete = OnDelete::kClear;
    else
      return absl::InvalidArgumentError("onDelete must be KEEP_LAST_GOOD or CLEAR");
  }
  return out;
}

}  // namespace seckill::flowcontrol
