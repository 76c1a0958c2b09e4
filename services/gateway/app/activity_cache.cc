#include "services/gateway/app/activity_cache.h"

#include <utility>

namespace seckill::gateway::app {

ActivityCache::ActivityCache(const base::Clock& clock, Fetch fetch, Options options)
    : clock_(clock), fetch_(std::move(fetch)), options_(options) {}

ActivityCache::Entry* ActivityCache::FindOrMake(uint64_t activity_id, int64_t now_ms) {
  if (auto it = entries_.find(activity_id); it != entries_.end()) return &it->second;
  if (entries_.size() >= options_.capacity && now_ms - last_sweep_ms_ >= options_.max_age_ms) {
    last_sweep_ms_ = now_ms;
    std::erase_if(entries_, [&](const auto& item) {
      const Entry& e = item.second;
      return !e.fetching && now_ms - e.fetched_at_ms > options_.max_age_ms &&
             e.sold_out_until_ms == 0;
    });
  }
  if (entries_.size() >= options_.capacity) return nullptr;
  return &entries_[activity_id];
}

void ActivityCache::Get(uint64_t activity_id, Done done) {
  std::unique_lock lock(mu_);
  const int64_t now = clock_.NowMs();
  Entry* entry = FindOrMake(activity_id, now);
  if (entry == nullptr) {
    lock.unlock();
    fetch_(activity_id, std::move(done));
    return;
  }
  if (entry->known && now - entry->fetched_at_ms <= options_.max_age_ms) {
    std::optional<domain::Activity> copy = entry->activity;
    lock.unlock();
    done(std::move(copy));
    return;
  }
  entry->waiters.push_back(std::move(done));
  if (entry->fetching) return;
  entry->fetching = true;
  lock.unlock();
  fetch_(activity_id, [this, activity_id, now](Fetched result) {
    Complete(activity_id, now, std::move(result));
  });
}

void ActivityCache::Complete(uint64_t activity_id, int64_t started_ms, Fetched result) {
  std::vector<Done> waiters;
  {
    std::lock_guard lock(mu_);
    Entry& entry = entries_[activity_id];
    entry.fetching = false;
    waiters.swap(entry.waiters);
    if (result.ok()) {
      entry.known = true;
      entry.activity = *result;
      entry.fetched_at_ms = started_ms;
    }
  }
  for (Done& waiter : waiters) waiter(result);
}

std::optional<domain::Refusal> ActivityCache::AdmitOrder(uint64_t activity_id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(activity_id);
  if (it == entries_.end()) return std::nullopt;
  Entry& entry = it->second;
  const int64_t now = clock_.NowMs();
  if (entry.sold_out_until_ms != 0) {
    if (now < entry.sold_out_until_ms || now < entry.probe_until_ms)
      return common::v1::REFUSAL_SOLD_OUT;
    entry.probe_until_ms = now + options_.sold_out_ttl_ms;  // this order is the probe
    return std::nullopt;
  }
  if (entry.known && entry.activity.has_value()) {
    if (now + options_.window_margin_ms < entry.activity->start_at_ms)
      return common::v1::REFUSAL_NOT_STARTED;
    if (now >= entry.activity->end_at_ms + options_.window_margin_ms)
      return common::v1::REFUSAL_ENDED;
  }
  return std::nullopt;
}

void ActivityCache::NoteOrderAnswer(uint64_t activity_id, domain::Refusal answer) {
  if (answer == common::v1::REFUSAL_NOT_STARTED || answer == common::v1::REFUSAL_ENDED) {
    {
      std::lock_guard lock(mu_);
      auto it = entries_.find(activity_id);
      if (it != entries_.end() && (it->second.known || it->second.fetching)) return;
    }
    Get(activity_id, [](const Fetched&) {});
    return;
  }
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMs();
  if (answer == common::v1::REFUSAL_SOLD_OUT) {
    if (options_.sold_out_ttl_ms <= 0) return;
    if (Entry* entry = FindOrMake(activity_id, now)) {
      entry->sold_out_until_ms = now + options_.sold_out_ttl_ms;
      entry->probe_until_ms = 0;
    }
    return;
  }
  if (auto it = entries_.find(activity_id); it != entries_.end()) {
    it->second.sold_out_until_ms = 0;
    it->second.probe_until_ms = 0;
  }
}

}  // namespace seckill::gateway::app
