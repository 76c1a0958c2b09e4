#include "services/gateway/api/flow_control.h"

#include <cctype>
#include <deque>

#include "boost/json/serialize.hpp"
#include "fmt/format.h"
#include "libs/base/status.h"
#include "libs/flowcontrol/cluster_share.h"
#include "libs/http/json.h"
#include "spdlog/spdlog.h"

namespace seckill::gateway::api {

namespace json = boost::json;

namespace {

int64_t RetryAfterSeconds(int64_t retry_after_ns) {
  const int64_t seconds =
      (retry_after_ns + flowcontrol::kNanosPerSecond - 1) / flowcontrol::kNanosPerSecond;
  return std::max<int64_t>(seconds, 1);
}

http::Response Blocked(const flowcontrol::Decision& d, const std::string& resource) {
  const int64_t retry = RetryAfterSeconds(d.retry_after_ns);
  const bool degrade = d.reason == flowcontrol::BlockReason::kDegrade;
  json::object error{
      {"code", degrade ? "UNAVAILABLE" : "RATE_LIMITED"},
      {"message", degrade ? fmt::format("{} is degraded; retry in {} s", resource, retry)
                          : fmt::format("too many requests; retry in {} s", retry)},
      {"reason", flowcontrol::BlockReasonName(d.reason)}};
  http::Response r =
      http::JsonResponse(degrade ? 503 : 429, json::object{{"error", std::move(error)}});
  r.headers.emplace_back("Retry-After", std::to_string(retry));
  return r;
}

std::optional<std::string_view> QueryValue(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> CookieValue(std::string_view cookies, std::string_view name) {
  while (!cookies.empty()) {
    const size_t semi = cookies.find(';');
    std::string_view pair = cookies.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (semi == std::string_view::npos) break;
    cookies.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

}  // namespace

FlowControl::FlowControl(const flowcontrol::Clock& clock,
                         const flowcontrol::SystemMetrics* system_metrics)
    : clock_(clock), system_metrics_(system_metrics) {}

FlowControl::~FlowControl() {
  if (watcher_) watcher_->Stop();
}

absl::Status FlowControl::Start(std::vector<std::string> resources, const std::string& rules_file) {
  engine_ = std::make_unique<flowcontrol::Engine>(clock_, std::move(resources), system_metrics_);
  if (rules_file.empty()) return absl::OkStatus();
  watcher_ = std::make_unique<flowcontrol::RuleFileWatcher>(
      *engine_, rules_file, std::chrono::seconds(3),
      [this](flowcontrol::RuleDocument document) { return LoadFileRules(std::move(document)); });
  absl::Status loaded = watcher_->LoadNow();
  watcher_->Start();
  return loaded;
}

absl::Status FlowControl::LoadRules(std::string_view json_text) {
  absl::StatusOr<flowcontrol::RuleDocument> document = flowcontrol::ParseRules(json_text);
  if (!document.ok()) return document.status();
  return LoadFileRules(*std::move(document));
}

absl::Status FlowControl::LoadFileRules(flowcontrol::RuleDocument document) {
  std::lock_guard lock(sources_mu_);
  std::optional<flowcontrol::RuleDocument> previous = std::move(sources_.file);
  sources_.file = std::move(document);
  // Kept for when the cluster has no document; the cluster's stays in force meanwhile.
  if (sources_.cluster) return absl::OkStatus();
  absl::Status applied = ApplyLocked();
  if (!applied.ok()) sources_.file = std::move(previous);
  return applied;
}

absl::Status FlowControl::SetClusterRules(const std::optional<std::string>& json_text) {
  std::optional<flowcontrol::RuleDocument> document;
  if (json_text) {
    absl::StatusOr<flowcontrol::RuleDocument> parsed = flowcontrol::ParseRules(*json_text);
    if (!parsed.ok()) return parsed.status();
    document = *std::move(parsed);
  }
  std::lock_guard lock(sources_mu_);
  std::optional<flowcontrol::RuleDocument> previous = std::move(sources_.cluster);
  sources_.cluster = std::move(document);
  if (!sources_.cluster && !sources_.file) return absl::OkStatus();  // nothing to apply
  absl::Status applied = ApplyLocked();
  if (!applied.ok()) sources_.cluster = std::move(previous);
  return applied;
}

void FlowControl::SetMembership(size_t rank, size_t members) {
  std::lock_guard lock(sources_mu_);
  if (members == 0 || rank >= members) return;
  if (sources_.rank == rank && sources_.members == members) return;
  sources_.rank = rank;
  sources_.members = members;
  if (!sources_.cluster && !sources_.file) return;
  if (absl::Status applied = ApplyLocked(); !applied.ok()) {
    spdlog::error("flow rules: this gateway's share as {} of {} refused: {}", rank + 1, members,
                  base::Message(applied));
  }
}

absl::Status FlowControl::ApplyLocked() {
  if (!engine_) return absl::FailedPreconditionError("flow control is not started");
  const flowcontrol::RuleDocument& in_force = sources_.cluster ? *sources_.cluster : *sources_.file;
  absl::Status loaded =
      engine_->Load(flowcontrol::ClusterShare(in_force, sources_.rank, sources_.members));
  if (loaded.ok()) {
    spdlog::info("flow rules in force: {}'s, this gateway's share as {} of {} (version {})",
                 sources_.cluster ? "the cluster" : "the file", sources_.rank + 1, sources_.members,
                 engine_->version());
  }
  return loaded;
}

Admission FlowControl::Admit(const std::string& resource, const http::Request& request,
                             const http::PathParams& params, const domain::Principal* principal) {
  Admission admission;
  if (!engine_) return admission;
  const std::string user =
      principal != nullptr ? std::to_string(principal->user_id) : std::string();
  // The body is parsed only if a rule asks for one of its fields, and once.
  std::optional<absl::StatusOr<json::object>> body;
  std::deque<std::string> lowered;  // BODY_FIELD values, stable while the decision is made
  flowcontrol::RequestInfo info;
  info.resource = resource;
  info.inbound = true;
  info.param = [&](const flowcontrol::ParamSource& p) -> std::optional<std::string_view> {
    switch (p.kind) {
      case flowcontrol::ParamKind::kJwtClaim:
        if (principal == nullptr) return std::nullopt;
        if (p.name == "sub") return std::string_view(user);
        if (p.name == "role") return domain::RoleName(principal->role);
        return std::nullopt;
      case flowcontrol::ParamKind::kPathVar: {
        auto it = params.find(p.name);
        return it == params.end() ? std::nullopt : std::optional<std::string_view>(it->second);
      }
      case flowcontrol::ParamKind::kClientIp:
        return std::string_view(request.client_ip);
      case flowcontrol::ParamKind::kHeader: {
        const std::string* value = request.FindHeader(p.name);
        return value == nullptr ? std::nullopt : std::optional<std::string_view>(*value);
      }
      case flowcontrol::ParamKind::kQuery:
        return QueryValue(request.query, p.name);
      case flowcontrol::ParamKind::kCookie:
        return CookieValue(request.Header("cookie"), p.name);
      case flowcontrol::ParamKind::kBodyField: {
        if (!body) body = http::ParseJsonObject(request.body, /*allow_empty=*/false);
        if (!body->ok()) return std::nullopt;
        const json::value* field = (*body)->if_contains(p.name);
        if (field == nullptr || !field->is_string()) return std::nullopt;
        std::string& value = lowered.emplace_back(field->as_string());
        for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return std::string_view(value);
      }
    }
    return std::nullopt;
  };
  auto decision = std::make_shared<flowcontrol::Decision>(engine_->Enter(info));
  if (!decision->admitted) {
    admission.refusal = Blocked(*decision, resource);
    return admission;
  }
  if (decision->would_block) {
    admission.headers.emplace_back("X-FlowGuard-DryRun", "would-block;reason=FLOW");
  }
  admission.delay = std::chrono::nanoseconds(decision->delay_ns);
  admission.ticket = std::move(decision);
  return admission;
}

void FlowControl::Complete(Admission& admission, int http_status) {
  if (!engine_ || !admission.ticket) return;
  engine_->Exit(*std::static_pointer_cast<flowcontrol::Decision>(admission.ticket),
                http_status >= 500);
}

std::optional<absl::Status> FlowControl::Before(std::string_view backend,
                                                std::shared_ptr<void>* ticket) {
  if (!engine_) return std::nullopt;
  const std::string resource = BackendResource(backend);
  auto decision =
      std::make_shared<flowcontrol::Decision>(engine_->Enter({resource, /*inbound=*/false}));
  if (!decision->admitted) {
    absl::Status refused = absl::UnavailableError(fmt::format(
        "the {} service is degraded (circuit breaker {} open)", backend, decision->rule_id));
    refused.SetPayload(kDegradePayload,
                       absl::Cord(std::to_string(RetryAfterSeconds(decision->retry_after_ns))));
    return refused;
  }
  *ticket = std::move(decision);
  return std::nullopt;
}

void FlowControl::After(const std::shared_ptr<void>& ticket, const absl::Status& status) {
  if (!engine_ || !ticket) return;
  // Only failures of the call itself count; business refusals come back as OK replies.
  const bool error = absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
                     absl::IsInternal(status) || absl::IsUnknown(status);
  engine_->Exit(*std::static_pointer_cast<flowcontrol::Decision>(ticket), error);
}

std::string FlowControl::RulesJson() const {
  std::lock_guard lock(sources_mu_);
  if (sources_.cluster) return flowcontrol::ToJson(*sources_.cluster);
  if (sources_.file) return flowcontrol::ToJson(*sources_.file);
  return engine_ ? flowcontrol::ToJson(engine_->rules()) : "{}";
}

std::string FlowControl::MetricsJson() const {
  if (!engine_) return "{}";
  json::array resources;
  for (const flowcontrol::ResourceCounters& c : engine_->Counters()) {
    resources.push_back(json::object{{"resource", c.resource},
                                     {"passed", c.passed},
                                     {"blocked",
                                      {{"FLOW", c.blocked_flow},
                                       {"HOTSPOT", c.blocked_hotspot},
                                       {"SYSTEM", c.blocked_system},
                                       {"DEGRADE", c.blocked_degrade}}},
                                     {"wouldBlock", c.would_block},
                                     {"success", c.success},
                                     {"error", c.error}});
  }
  json::array breakers;
  for (const flowcontrol::BreakerStatus& b : engine_->Breakers()) {
    const char* state = b.state == flowcontrol::BreakerState::kClosed ? "CLOSED"
                        : b.state == flowcontrol::BreakerState::kOpen ? "OPEN"
                                                                      : "HALF_OPEN";
    breakers.push_back(json::object{{"id", b.id}, {"resource", b.resource}, {"state", state}});
  }
  json::array hotspots;
  for (const flowcontrol::HotspotStatus& h : engine_->Hotspots()) {
    hotspots.push_back(json::object{{"id", h.id},
                                    {"resource", h.resource},
                                    {"values", h.values},
                                    {"capacity", h.capacity},
                                    {"evictions", h.evictions}});
  }
  json::object cluster;
  {
    std::lock_guard lock(sources_mu_);
    cluster = json::object{{"source", sources_.cluster ? "etcd"
                                      : sources_.file  ? "file"
                                                       : "none"},
                           {"gateways", sources_.members},
                           {"rank", sources_.rank + 1}};
  }
  return json::serialize(json::object{{"rulesVersion", engine_->version()},
                                      {"cluster", std::move(cluster)},
                                      {"resources", std::move(resources)},
                                      {"breakers", std::move(breakers)},
                                      {"hotspots", std::move(hotspots)}});
}

void FlowControl::AddMetrics(base::Metrics& metrics) const {
  using Type = base::Metrics::Type;
  metrics.AddCollector(
      "seckill_flow_passed_total", "Requests flow control admitted, by resource", Type::kCounter,
      [this] {
        std::vector<base::Sample> samples;
        if (!engine_) return samples;
        for (const flowcontrol::ResourceCounters& c : engine_->Counters()) {
          samples.push_back({{{"resource", c.resource}}, static_cast<double>(c.passed)});
        }
        return samples;
      });
  metrics.AddCollector(
      "seckill_flow_blocked_total",
      "Requests flow control refused, by resource and the kind of rule that refused them",
      Type::kCounter, [this] {
        std::vector<base::Sample> samples;
        if (!engine_) return samples;
        for (const flowcontrol::ResourceCounters& c : engine_->Counters()) {
          for (const auto& [reason, count] :
               {std::pair{"flow", c.blocked_flow}, std::pair{"hotspot", c.blocked_hotspot},
                std::pair{"system", c.blocked_system}, std::pair{"degrade", c.blocked_degrade}}) {
            samples.push_back(
                {{{"resource", c.resource}, {"reason", reason}}, static_cast<double>(count)});
          }
        }
        return samples;
      });
  metrics.AddCollector(
      "seckill_flow_breaker_state",
      "Each circuit breaker's state: 0 closed, 1 open (calls refused), 2 half-open (probing)",
      Type::kGauge, [this] {
        std::vector<base::Sample> samples;
        if (!engine_) return samples;
        for (const flowcontrol::BreakerStatus& b : engine_->Breakers()) {
          const double state = b.state == flowcontrol::BreakerState::kClosed ? 0
                               : b.state == flowcontrol::BreakerState::kOpen ? 1
                                                                             : 2;
          samples.push_back({{{"rule", b.id}, {"resource", b.resource}}, state});
        }
        return samples;
      });
  metrics.AddCollector(
      "seckill_flow_cluster_gateways",
      "Live gateways sharing the cluster's flow limits (this one included)", Type::kGauge, [this] {
        std::lock_guard lock(sources_mu_);
        return std::vector<base::Sample>{{{}, static_cast<double>(sources_.members)}};
      });
}

}  // namespace seckill::gateway::api
