#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/base/metrics.h"
#include "libs/flowcontrol/engine.h"
#include "libs/flowcontrol/rule_file_watcher.h"
#include "services/gateway/api/admission.h"

namespace seckill::gateway::api {

// Flow control for the gateway on the flowcontrol engine. Every route is a resource; each
// backend is an outbound resource "grpc:<service>" carrying its circuit breaker. Blocked by a
// limit: 429 with Retry-After (whole seconds, at least 1) and reason FLOW, HOTSPOT or SYSTEM;
// breaker open: 503 with Retry-After and reason DEGRADE.
//
// Limits hold across the cluster (Sentinel's "average local" mode, docs/flow-control.md): the
// rules in force are the cluster's document (kept in etcd, SetClusterRules) when there is one,
// else the file's, and this gateway, one of `members` live gateways, enforces its share of each
// limit (flowcontrol::ClusterShare). Thread-safe.
class FlowControl final : public AdmissionControl, public BackendGuard {
 public:
  explicit FlowControl(const flowcontrol::Clock& clock,
                       const flowcontrol::SystemMetrics* system_metrics = nullptr);
  ~FlowControl() override;

  // Creates the engine for `resources` (the gateway's routes and "grpc:<service>" names) and,
  // when `rules_file` is not empty, loads it and watches it for changes. Until then everything
  // is admitted. Call once, before serving.
  absl::Status Start(std::vector<std::string> resources, const std::string& rules_file);
  // Replaces the file's rules directly (tests, or no file).
  absl::Status LoadRules(std::string_view json);
  // The cluster's document, or nullopt when the cluster has none (the file's rules apply). One
  // that does not parse is refused (INVALID_ARGUMENT) and the rules in force stay.
  absl::Status SetClusterRules(const std::optional<std::string>& json);
  // This gateway is the `rank`-th of `members` live gateways (rank < members).
  void SetMembership(size_t rank, size_t members);

  Admission Admit(const std::string& resource, const http::Request& request,
                  const http::PathParams& params, const domain::Principal* principal) override;
  void Complete(Admission& admission, int http_status) override;
  // The cluster-wide document in force (its thresholds the whole cluster's).
  std::string RulesJson() const override;
  std::string MetricsJson() const override;
  // Lists, read at each scrape: seckill_flow_passed_total{resource},
  // seckill_flow_blocked_total{resource, reason} (flow, hotspot, system, degrade),
  // seckill_flow_breaker_state{rule, resource} (0 closed, 1 open, 2 half-open) and
  // seckill_flow_cluster_gateways. Call after Start; this outlives `metrics`' scrapes.
  void AddMetrics(base::Metrics& metrics) const;
  std::optional<absl::Status> Before(std::string_view backend,
                                     std::shared_ptr<void>* ticket) override;
  void After(const std::shared_ptr<void>& ticket, const absl::Status& status) override;

  static std::string BackendResource(std::string_view service) {
    return "grpc:" + std::string(service);
  }

 private:
  const flowcontrol::Clock& clock_;
  const flowcontrol::SystemMetrics* system_metrics_;
  std::unique_ptr<flowcontrol::Engine> engine_;
  std::unique_ptr<flowcontrol::RuleFileWatcher> watcher_;

  // Where the rules come from, and this gateway's share of them.
  struct Sources {
    std::optional<flowcontrol::RuleDocument> file, cluster;
    size_t rank = 0, members = 1;
  };
  // The file's document (the file watcher's loader).
  absl::Status LoadFileRules(flowcontrol::RuleDocument document);
  // Loads this gateway's share of the document in force into the engine.
  absl::Status ApplyLocked();
  mutable std::mutex sources_mu_;
  Sources sources_;
};

}  // namespace seckill::gateway::api
