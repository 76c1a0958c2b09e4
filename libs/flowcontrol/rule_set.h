#pragma once
// The engine's rule set and the state behind each rule: internal to libs/flowcontrol (engine.cc
// decides with them; nothing outside the library includes this).

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "libs/flowcontrol/circuit_breaker.h"
#include "libs/flowcontrol/engine.h"
#include "libs/flowcontrol/hotspot.h"
#include "libs/flowcontrol/rate_limiters.h"
#include "libs/flowcontrol/rules.h"
#include "libs/flowcontrol/sliding_window.h"
#include "libs/flowcontrol/system_guard.h"

namespace seckill::flowcontrol {

// One flow rule's state. Everything a decision touches is atomic.
struct FlowController {
  FlowRule rule;
  std::shared_ptr<SlidingWindow> window;      // WINDOW (and warm-up's current-window passes)
  std::shared_ptr<SlidingWindow> per_second;  // warm-up: the previous second's passes
  std::unique_ptr<TokenBucket> bucket;
  std::unique_ptr<Gcra> gcra;
  std::unique_ptr<Pacer> pacer;
  std::unique_ptr<WarmUp> warm_up;
  std::unique_ptr<ConcurrencyLimiter> concurrency;

  // `reuse_window`: the window of a stat-compatible rule of the previous set, or null.
  FlowController(const FlowRule& r, std::shared_ptr<SlidingWindow> reuse_window);

  // Same statistics (for window reuse across reloads).
  bool StatCompatible(const FlowRule& other) const {
    return window && rule.resource == other.resource && rule.metric == other.metric &&
           rule.stat_interval_ms == other.stat_interval_ms &&
           rule.sample_count == other.sample_count && other.algorithm == Algorithm::kWindow;
  }

  struct Taken {
    LimitResult result;
    int64_t limit = 0;
  };
  Taken TryPass(int64_t now, int64_t n);
  void Rollback(int64_t now, int64_t n, const Taken& t);
};

struct HotspotController {
  HotspotRule rule;
  std::unique_ptr<HotspotLimiter> limiter;
  explicit HotspotController(const HotspotRule& r)
      : rule(r),
        limiter(std::make_unique<HotspotLimiter>(
            r.threshold, r.burst_count, r.duration_sec * kNanosPerSecond,
            static_cast<size_t>(r.params_max_capacity), r.specific_items)) {}
};

struct BreakerController {
  CircuitBreakerRule rule;
  std::unique_ptr<CircuitBreaker> breaker;
  explicit BreakerController(const CircuitBreakerRule& r);
};

struct SystemController {
  std::vector<SystemRule> rules;
  std::unique_ptr<SystemGuard> guard;
};

// The controller of an identical rule in the old set, to keep its state across a reload.
template <class Controller, class Rule>
std::shared_ptr<Controller> IdenticalIn(const std::vector<std::shared_ptr<Controller>>& old,
                                        const Rule& rule) {
  for (const auto& c : old) {
    if (c->rule == rule) return c;
  }
  return nullptr;
}

struct ResourceRules {
  std::vector<std::shared_ptr<FlowController>> flow;
  std::vector<std::shared_ptr<HotspotController>> hotspot;
  std::vector<std::shared_ptr<BreakerController>> breakers;
};

struct RuleSet {
  uint64_t version = 0;
  RuleDocument document;
  std::unordered_map<std::string, ResourceRules, StringHash, std::equal_to<>> by_resource;
  // Every resource the engine knows: its rules (or none) and its counters, found with one
  // hash lookup per decision.
  struct Entry {
    const ResourceRules* rules = nullptr;
    void* stats = nullptr;
  };
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries;
  std::vector<std::shared_ptr<FlowController>> all_flow;
  std::vector<std::shared_ptr<HotspotController>> all_hotspot;
  std::vector<std::shared_ptr<BreakerController>> all_breakers;
  std::shared_ptr<SystemController> system;

  const Entry* Find(std::string_view resource) const {
    auto it = entries.find(resource);
    return it == entries.end() ? nullptr : &it->second;
  }
};

}  // namespace seckill::flowcontrol
