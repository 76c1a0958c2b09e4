#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/clock.h"
#include "services/gateway/domain/activity.h"

namespace seckill::gateway::app {

// What the gateway knows about activities, so that the hottest requests of a sale need no hop.
//
// - Reads: an activity is served from here while its copy is at most `max_age_ms` old (its age
//   counts from when the fetch that brought it started). An older copy is never served: the next
//   reader fetches, and every reader that comes meanwhile waits for that same fetch (one fetch in
//   flight per activity, no stampede when a copy expires under load). Failed fetches are not
//   kept; "no such activity" is, for the same time.
// - Sold out: a SOLD_OUT answer from the order service marks the activity for
//   `sold_out_ttl_ms`, and orders inside that time are refused here. When the mark lapses, the
//   next order goes through as a probe while the others are still refused; the probe's answer
//   renews the mark (SOLD_OUT) or clears it (anything else), and a probe unanswered after
//   another `sold_out_ttl_ms` is replaced by the next order. So a unit that comes back (cancel,
//   release, sweep, re-seed, replay) is offered again at most `sold_out_ttl_ms` after it came
//   back, and the ledger sees one order per lapse instead of a burst of every connection's.
// - The sale window: an order more than `window_margin_ms` before the start or after the end of
//   a known activity is refused here. The margin covers the difference between this host's
//   clock and Redis', which the ledger uses; inside it the ledger decides.
//
// Thread-safe; callbacks run on the thread that completes the fetch, outside the lock. Memory is
// bounded by `capacity` activities: when full, expired entries are dropped (at most once per
// `max_age_ms`) and an activity that still finds no room is fetched without being kept.
class ActivityCache {
 public:
  struct Options {
    int64_t max_age_ms = 200;
    int64_t sold_out_ttl_ms = 100;
    int64_t window_margin_ms = 1000;
    size_t capacity = 10000;
  };
  // The activity, or nullopt when there is no such activity; an error when it could not be read.
  using Fetched = absl::StatusOr<std::optional<domain::Activity>>;
  using Done = std::function<void(Fetched)>;
  // Reads one activity from the product service; calls `done` exactly once, from any thread.
  using Fetch = std::function<void(uint64_t activity_id, Done done)>;

  ActivityCache(const base::Clock& clock, Fetch fetch, Options options);
  ActivityCache(const base::Clock& clock, Fetch fetch)
      : ActivityCache(clock, std::move(fetch), Options{}) {}

  // The activity, at most `max_age_ms` old. `done` may run before Get returns.
  void Get(uint64_t activity_id, Done done);
  // The refusal an order for this activity gets now without asking anyone, if there is one.
  // nullopt means: ask the order service, then tell NoteOrderAnswer what it said.
  // It is REFUSAL_SOLD_OUT, REFUSAL_NOT_STARTED or REFUSAL_ENDED.
  std::optional<domain::Refusal> AdmitOrder(uint64_t activity_id);
  // The refusal the order service answered an order that AdmitOrder let through
  // (REFUSAL_UNSPECIFIED: it accepted the order, or the call failed). NOT_STARTED or ENDED
  // makes the cache learn the activity's window (one fetch, if it is not known), so the next
  // orders are answered here; SOLD_OUT marks the activity; anything else clears the mark.
  void NoteOrderAnswer(uint64_t activity_id, domain::Refusal answer);

  const Options& options() const { return options_; }

 private:
  struct Entry {
    bool known = false;                        // `activity` holds a fetched answer
    std::optional<domain::Activity> activity;  // nullopt when known: no such activity
    int64_t fetched_at_ms = 0;                 // when the fetch that brought it started
    bool fetching = false;
    std::vector<Done> waiters;
    int64_t sold_out_until_ms = 0;  // 0: not marked
    int64_t probe_until_ms = 0;     // a lapsed mark's probe is out until then
  };
  // The entry of `activity_id`, made if there is room; nullptr when the cache is full. Locked.
  Entry* FindOrMake(uint64_t activity_id, int64_t now_ms);
  void Complete(uint64_t activity_id, int64_t started_ms, Fetched result);

  const base::Clock& clock_;
  Fetch fetch_;
  Options options_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Entry> entries_;
  int64_t last_sweep_ms_ = 0;
};

}  // namespace seckill::gateway::app
