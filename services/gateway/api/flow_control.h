#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/flowcontrol/engine.h"
#include "libs/flowcontrol/rule_file_watcher.h"
#include "services/gateway/api/admission.h"

namespace seckill::gateway::api {

// Flow control for the gateway on the flowcontrol engine. Every route is a resource; each
// backend is an outbound resource "grpc:<service>" carrying its circuit breaker. Blocked by a
// limit: 429 with Retry-After (whole seconds, at least 1) and reason FLOW, HOTSPOT or SYSTEM;
// breaker open: 503 with Retry-After and reason DEGRADE. Thread-safe.
class FlowControl final : public AdmissionControl, public BackendGuard {
 public:
  explicit FlowControl(const flowcontrol::Clock& clock,
                       const flowcontrol::SystemMetrics* system_metrics = nullptr);
  ~FlowControl() override;

  // Creates the engine for `resources` (the gateway's routes and "grpc:<service>" names) and,
  // when `rules_file` is not empty, loads it and watches it for changes. Until then everything
  // is admitted. Call once, before serving.
  absl::Status Start(std::vector<std::string> resources, const std::string& rules_file);
  // Replaces the rules directly (tests, or no file).
  absl::Status LoadRules(std::string_view json);

  Admission Admit(const std::string& resource, const http::Request& request,
                  const http::PathParams& params, const domain::Principal* principal) override;
  void Complete(Admission& admission, int http_status) override;
  std::string RulesJson() const override;
  std::string MetricsJson() const override;
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
};

}  // namespace seckill::gateway::api
