#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "libs/flowcontrol/circuit_breaker.h"
#include "libs/flowcontrol/clock.h"
#include "libs/flowcontrol/rules.h"
#include "libs/flowcontrol/system_guard.h"

namespace seckill::flowcontrol {

enum class BlockReason { kNone, kFlow, kHotspot, kSystem, kDegrade };
std::string_view BlockReasonName(BlockReason reason);

// Reads a request attribute for hotspot rules; nullopt when the request has none (it then
// passes that rule, as in Sentinel).
using ParamLookup = std::function<std::optional<std::string_view>(const ParamSource&)>;

struct RequestInfo {
  std::string_view resource;
  bool inbound = true;  // system rules apply to inbound resources only
  ParamLookup param;
  int64_t acquire = 1;
};

struct RuleSet;

// Lets string-keyed maps be searched with a string_view without allocating.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The engine's answer. When admitted, the caller must hold the request for `delay_ns` (a
// throttling rule paces it) and report its end with Engine::Exit.
struct Decision {
  bool admitted = true;
  BlockReason reason = BlockReason::kNone;
  std::string rule_id;
  int64_t retry_after_ns = 0;
  int64_t delay_ns = 0;
  bool would_block = false;  // a dry-run rule would have blocked it

  // What Exit releases.
  std::shared_ptr<const RuleSet> rules;
  void* stats = nullptr;  // the resource's counters
  int64_t entered_ns = 0;
  int64_t acquire = 1;
  bool system_entered = false;
  std::vector<std::pair<void*, bool>> breakers;  // (CircuitBreaker*, probe)
  std::vector<void*> concurrency;                // ConcurrencyLimiter*
};

struct ResourceCounters {
  std::string resource;
  uint64_t passed = 0, blocked_flow = 0, blocked_hotspot = 0, blocked_system = 0,
           blocked_degrade = 0;
  uint64_t would_block = 0, success = 0, error = 0;
};

struct HotspotStatus {
  std::string id, resource;
  size_t values = 0, capacity = 0;
  uint64_t evictions = 0;  // a storm of these means keys are cycling past the limit
};

struct BreakerStatus {
  std::string id, resource;
  BreakerState state = BreakerState::kClosed;
};

// Flow control for a set of resources: flow (QPS/concurrency; window, token bucket, GCRA;
// direct or warm-up; reject or throttling), hotspot, circuit-breaker and system rules, checked
// in Sentinel's order with a breaker peek first, each admission counted in one atomic step and
// handed back if a later rule blocks. Rule sets are published atomically (readers never see
// half a reload); identical rules keep their state across reloads. Thread-safe; Enter is
// lock-free except for hotspot shards and breaker transitions.
class Engine {
 public:
  // `resources` get their own counters; any other resource is counted as "__other__".
  Engine(const Clock& clock, std::vector<std::string> resources,
         const SystemMetrics* system_metrics = nullptr);
  ~Engine();

  // Replaces the rules. An empty document under onDelete KEEP_LAST_GOOD is refused
  // (FAILED_PRECONDITION) and the rules in force stay.
  absl::Status Load(RuleDocument document);
  Decision Enter(const RequestInfo& request);
  // `error`: the request failed upstream (5xx, timeout, connection failure); not 4xx.
  void Exit(Decision& decision, bool error);

  RuleDocument rules() const;
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  std::vector<ResourceCounters> Counters() const;
  std::vector<BreakerStatus> Breakers() const;
  std::vector<HotspotStatus> Hotspots() const;

  // Exposed for tests of state reuse (R3): the controller object behind a rule id, or null.
  const void* FlowControllerForTest(const std::string& id) const;
  const void* FlowWindowForTest(const std::string& id) const;

 private:
  struct Stats;
  const RuleSet* Current(std::shared_ptr<const RuleSet>* keep) const;

  const Clock& clock_;
  const SystemMetrics* system_metrics_;
  // Unique per engine for the life of the process: thread-local caches are keyed by it, not by
  // the engine's address (which a later engine may reuse).
  const uint64_t id_;
  std::unordered_map<std::string, std::unique_ptr<Stats>, StringHash, std::equal_to<>> stats_;
  std::unique_ptr<Stats> other_stats_;
  // The published rule set. Readers take `mu_` only when `version_` moved past the set their
  // thread cached (libstdc++ 12's atomic<shared_ptr> unlocks with a relaxed store, a race
  // ThreadSanitizer rightly reports).
  mutable std::mutex mu_;
  std::shared_ptr<const RuleSet> rules_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace seckill::flowcontrol
