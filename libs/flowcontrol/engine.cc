#include "libs/flowcontrol/engine.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "absl/container/inlined_vector.h"
#include "libs/flowcontrol/rule_set.h"

namespace seckill::flowcontrol {

std::string_view BlockReasonName(BlockReason reason) {
  switch (reason) {
    case BlockReason::kNone:
      return "NONE";
    case BlockReason::kFlow:
      return "FLOW";
    case BlockReason::kHotspot:
      return "HOTSPOT";
    case BlockReason::kSystem:
      return "SYSTEM";
    case BlockReason::kDegrade:
      return "DEGRADE";
  }
  return "NONE";
}

// Lock-free counters of one resource; they live as long as the engine, across reloads.
struct Engine::Stats {
  std::string resource;
  std::atomic<uint64_t> passed{0}, blocked_flow{0}, blocked_hotspot{0}, blocked_system{0},
      blocked_degrade{0}, would_block{0}, success{0}, error{0};
};

uint64_t NextEngineId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

Engine::Engine(const Clock& clock, std::vector<std::string> resources,
               const SystemMetrics* system_metrics)
    : clock_(clock),
      system_metrics_(system_metrics),
      id_(NextEngineId()),
      other_stats_(std::make_unique<Stats>()) {
  other_stats_->resource = "__other__";
  for (std::string& r : resources) {
    auto stats = std::make_unique<Stats>();
    stats->resource = r;
    stats_.emplace(std::move(r), std::move(stats));
  }
  auto initial = std::make_shared<RuleSet>();
  for (const auto& [name, stats] : stats_) initial->entries[name].stats = stats.get();
  rules_ = std::move(initial);
}

Engine::~Engine() = default;

const RuleSet* Engine::Current(std::shared_ptr<const RuleSet>* keep) const {
  // Each thread keeps the rule set it last saw and re-checks only the version: no reference
  // count traffic on the hot path. The cached pointer keeps its rule set alive.
  struct Cache {
    uint64_t engine = 0;
    uint64_t version = ~0ull;
    std::shared_ptr<const RuleSet> rules;
  };
  thread_local Cache cache;
  const uint64_t version = version_.load(std::memory_order_acquire);
  if (cache.engine != id_ || cache.version != version || cache.rules == nullptr) {
    std::lock_guard lock(mu_);
    cache.rules = rules_;
    cache.engine = id_;
    cache.version = cache.rules->version;
  }
  if (keep != nullptr) *keep = cache.rules;
  return cache.rules.get();
}

absl::Status Engine::Load(RuleDocument document) {
  const bool empty = document.flow_rules.empty() && document.hotspot_rules.empty() &&
                     document.breaker_rules.empty() && document.system_rules.empty();
  std::shared_ptr<const RuleSet> old;
  {
    std::lock_guard lock(mu_);
    old = rules_;
  }
  const RuleDocument& current = old->document;
  const bool had_rules = !current.flow_rules.empty() || !current.hotspot_rules.empty() ||
                         !current.breaker_rules.empty() || !current.system_rules.empty();
  if (empty && document.on_delete == OnDelete::kKeepLastGood && had_rules) {
    return absl::FailedPreconditionError(
        "an empty rule document is ignored (onDelete KEEP_LAST_GOOD)");
  }
  auto next = std::make_shared<RuleSet>();
  // Identical rules keep their controller (warm-up tokens, TAT, breaker state, window);
  // stat-compatible flow rules keep their window; anything else starts fresh.
  for (const FlowRule& r : document.flow_rules) {
    std::shared_ptr<FlowController> controller = IdenticalIn(old->all_flow, r);
    if (!controller) {
      std::shared_ptr<SlidingWindow> window;
      for (const auto& c : old->all_flow) {
        if (c->StatCompatible(r)) window = c->window;
      }
      controller = std::make_shared<FlowController>(r, window);
    }
    next->all_flow.push_back(controller);
    next->by_resource[r.resource].flow.push_back(controller);
  }
  for (const HotspotRule& r : document.hotspot_rules) {
    std::shared_ptr<HotspotController> controller = IdenticalIn(old->all_hotspot, r);
    if (!controller) controller = std::make_shared<HotspotController>(r);
    next->all_hotspot.push_back(controller);
    next->by_resource[r.resource].hotspot.push_back(controller);
  }
  for (const CircuitBreakerRule& r : document.breaker_rules) {
    std::shared_ptr<BreakerController> controller = IdenticalIn(old->all_breakers, r);
    if (!controller) controller = std::make_shared<BreakerController>(r);  // starts CLOSED
    next->all_breakers.push_back(controller);
    next->by_resource[r.resource].breakers.push_back(controller);
  }
  if (!document.system_rules.empty()) {
    if (old->system && old->system->rules == document.system_rules) {
      next->system = old->system;
    } else {
      // Several system rules merge by taking the strictest value of each limit.
      SystemLimits limits;
      auto tighten = [](auto& limit, auto value) {
        if (value >= 0 && (limit < 0 || value < limit)) limit = value;
      };
      for (const SystemRule& r : document.system_rules) {
        tighten(limits.max_inbound_qps, r.max_inbound_qps);
        tighten(limits.max_concurrency, r.max_concurrency);
        tighten(limits.max_avg_rt_ms, r.max_avg_rt_ms);
        tighten(limits.max_load1, r.max_load1);
        tighten(limits.max_cpu_usage, r.max_cpu_usage);
        limits.bbr = limits.bbr || r.bbr;
      }
      next->system = std::make_shared<SystemController>(SystemController{
          document.system_rules, std::make_unique<SystemGuard>(limits, system_metrics_)});
    }
  }
  for (const auto& [name, stats] : stats_) next->entries[name].stats = stats.get();
  for (const auto& [name, rules] : next->by_resource) {
    RuleSet::Entry& entry = next->entries[name];
    entry.rules = &rules;
    if (entry.stats == nullptr) entry.stats = other_stats_.get();
  }
  next->document = std::move(document);
  next->version = old->version + 1;
  {
    std::lock_guard lock(mu_);
    rules_ = next;
    version_.store(next->version, std::memory_order_release);
  }
  return absl::OkStatus();
}

Decision Engine::Enter(const RequestInfo& request) {
  Decision d;
  d.acquire = request.acquire;
  std::shared_ptr<const RuleSet> keep;
  const RuleSet* rules = Current(nullptr);
  const RuleSet::Entry* entry = rules->Find(request.resource);
  Stats& stats = entry != nullptr ? *static_cast<Stats*>(entry->stats) : *other_stats_;
  const ResourceRules* rr = entry != nullptr ? entry->rules : nullptr;
  d.stats = &stats;
  const bool system = request.inbound && rules->system != nullptr;
  if (rr == nullptr && !system) {
    stats.passed.fetch_add(1, std::memory_order_relaxed);
    return d;
  }
  const int64_t now = clock_.NowNanos();
  const int64_t n = request.acquire;
  auto block = [&](BlockReason reason, const std::string& id, int64_t retry) {
    d.admitted = false;
    d.reason = reason;
    d.rule_id = id;
    d.retry_after_ns = retry;
    switch (reason) {
      case BlockReason::kFlow:
        stats.blocked_flow.fetch_add(1, std::memory_order_relaxed);
        break;
      case BlockReason::kHotspot:
        stats.blocked_hotspot.fetch_add(1, std::memory_order_relaxed);
        break;
      case BlockReason::kSystem:
        stats.blocked_system.fetch_add(1, std::memory_order_relaxed);
        break;
      case BlockReason::kDegrade:
        stats.blocked_degrade.fetch_add(1, std::memory_order_relaxed);
        break;
      case BlockReason::kNone:
        break;
    }
    return d;
  };

  // 1. An open breaker answers before any quota is used.
  if (rr != nullptr) {
    for (const auto& b : rr->breakers) {
      auto peek = b->breaker->Peek(now);
      if (!peek.admitted) return block(BlockReason::kDegrade, b->rule.id, peek.retry_after_ns);
    }
  }
  // Everything taken so far, to hand back if a later rule blocks.
  struct HotspotTaken {
    HotspotController* c;
    std::string value;
    int64_t state;
  };
  // Inline storage: a decision allocates nothing in the common case.
  absl::InlinedVector<HotspotTaken, 2> hotspot_taken;
  absl::InlinedVector<std::pair<FlowController*, FlowController::Taken>, 4> flow_taken;
  auto rollback = [&] {
    for (auto& [c, t] : flow_taken) c->Rollback(now, n, t);
    for (auto& h : hotspot_taken) h.c->limiter->Rollback(h.value, n, h.state);
    if (d.system_entered) rules->system->guard->Rollback(now);
    d.system_entered = false;
  };
  // 2. System protection, inbound only.
  if (system) {
    auto check = rules->system->guard->TryEnter(now);
    if (check.reason != SystemReason::kNone)
      return block(BlockReason::kSystem, rules->system->rules.front().id, check.retry_after_ns);
    d.system_entered = true;
  }
  if (rr != nullptr) {
    // 3. Hotspot: per-value limits; a request without the value passes.
    for (const auto& h : rr->hotspot) {
      std::optional<std::string_view> value =
          request.param ? request.param(h->rule.param) : std::nullopt;
      if (!value) continue;
      LimitResult r = h->limiter->TryAcquire(*value, now, n);
      if (!r.admitted) {
        rollback();
        return block(BlockReason::kHotspot, h->rule.id, r.retry_after_ns);
      }
      hotspot_taken.push_back({h.get(), std::string(*value), r.state_after});
    }
    // 4. Flow rules.
    for (const auto& f : rr->flow) {
      FlowController::Taken t = f->TryPass(now, n);
      if (!t.result.admitted) {
        if (f->rule.dry_run) {
          d.would_block = true;
          stats.would_block.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        rollback();
        return block(BlockReason::kFlow, f->rule.id, t.result.retry_after_ns);
      }
      flow_taken.emplace_back(f.get(), t);
      d.delay_ns = std::max(d.delay_ns, t.result.delay_ns);
      if (f->concurrency) d.concurrency.push_back(f->concurrency.get());
    }
    // 5. Breakers: take a probe permit when half-open.
    for (const auto& b : rr->breakers) {
      auto pass = b->breaker->TryPass(now);
      if (!pass.admitted) {
        for (auto& [ptr, probe] : d.breakers) {
          if (probe) static_cast<CircuitBreaker*>(ptr)->ReleaseProbe();
        }
        d.breakers.clear();
        d.concurrency.clear();
        rollback();
        return block(BlockReason::kDegrade, b->rule.id, pass.retry_after_ns);
      }
      d.breakers.emplace_back(b->breaker.get(), pass.probe);
    }
  }
  stats.passed.fetch_add(1, std::memory_order_relaxed);
  if (d.system_entered || !d.breakers.empty() || !d.concurrency.empty()) {
    Current(&keep);
    d.rules = std::move(keep);  // keeps the controllers alive until Exit
    d.entered_ns = now;
  }
  return d;
}

void Engine::Exit(Decision& d, bool error) {
  if (!d.admitted) return;
  Stats& stats = d.stats != nullptr ? *static_cast<Stats*>(d.stats) : *other_stats_;
  (error ? stats.error : stats.success).fetch_add(1, std::memory_order_relaxed);
  if (d.rules == nullptr) return;
  const int64_t now = clock_.NowNanos();
  const int64_t rt = now - d.entered_ns;
  for (void* c : d.concurrency) static_cast<ConcurrencyLimiter*>(c)->Release(d.acquire);
  for (auto& [ptr, probe] : d.breakers)
    static_cast<CircuitBreaker*>(ptr)->OnComplete(now, rt, error, probe);
  if (d.system_entered) d.rules->system->guard->Exit(now, rt, !error);
  d.rules.reset();
  d.concurrency.clear();
  d.breakers.clear();
  d.system_entered = false;
}

RuleDocument Engine::rules() const {
  std::lock_guard lock(mu_);
  return rules_->document;
}

std::vector<ResourceCounters> Engine::Counters() const {
  std::vector<ResourceCounters> out;
  auto copy = [&out](const Stats& s) {
    out.push_back(ResourceCounters{s.resource, s.passed.load(), s.blocked_flow.load(),
                                   s.blocked_hotspot.load(), s.blocked_system.load(),
                                   s.blocked_degrade.load(), s.would_block.load(), s.success.load(),
                                   s.error.load()});
  };
  std::map<std::string, const Stats*> sorted;
  for (const auto& [name, s] : stats_) sorted[name] = s.get();
  for (const auto& [name, s] : sorted) copy(*s);
  copy(*other_stats_);
  return out;
}

std::vector<BreakerStatus> Engine::Breakers() const {
  std::vector<BreakerStatus> out;
  std::shared_ptr<const RuleSet> rules;
  {
    std::lock_guard lock(mu_);
    rules = rules_;
  }
  for (const auto& b : rules->all_breakers) {
    out.push_back({b->rule.id, b->rule.resource, b->breaker->state()});
  }
  return out;
}

std::vector<HotspotStatus> Engine::Hotspots() const {
  std::shared_ptr<const RuleSet> rules;
  {
    std::lock_guard lock(mu_);
    rules = rules_;
  }
  std::vector<HotspotStatus> out;
  for (const auto& h : rules->all_hotspot) {
    out.push_back({h->rule.id, h->rule.resource, h->limiter->size(), h->limiter->capacity(),
                   h->limiter->evictions()});
  }
  return out;
}

const void* Engine::FlowControllerForTest(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto& c : rules_->all_flow) {
    if (c->rule.id == id) return c.get();
  }
  return nullptr;
}

const void* Engine::FlowWindowForTest(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto& c : rules_->all_flow) {
    if (c->rule.id == id) return c->window.get();
  }
  return nullptr;
}

}  // namespace seckill::flowcontrol
