#include "services/product/app/view_activities.h"

#include "libs/base/await.h"

namespace seckill::product::app {

base::Async<ActivityView> ViewActivities::WithStock(domain::Activity activity) const {
  auto reading = ledger_.Snapshot(activity.activity_id);
  const absl::StatusOr<domain::StockSnapshot> snapshot = co_await std::move(reading);
  if (!snapshot.ok()) co_return snapshot.status();
  // An activity not (yet) seeded into the ledger has nothing to sell.
  const int64_t remaining = snapshot->found ? snapshot->remaining : 0;
  const domain::ActivityStatus status = domain::StatusAt(activity.terms, remaining, clock_.NowMs());
  co_return ActivityView{std::move(activity), remaining, status};
}

base::Async<ActivityView> ViewActivities::One(uint64_t activity_id) const {
  auto finding = catalog_.FindActivity(activity_id);
  absl::StatusOr<std::optional<domain::Activity>> found = co_await std::move(finding);
  if (!found.ok()) co_return found.status();
  if (!found->has_value()) co_return absl::NotFoundError("activity not found");
  auto viewing = WithStock(**std::move(found));
  co_return co_await std::move(viewing);
}

base::Async<std::vector<ActivityView>> ViewActivities::Many(int limit) const {
  if (limit <= 0) co_return std::vector<ActivityView>{};
  auto listing = catalog_.ListActivities(limit);
  absl::StatusOr<std::vector<domain::Activity>> activities = co_await std::move(listing);
  if (!activities.ok()) co_return activities.status();
  // One snapshot after the other: a page holds at most `limit` activities, and the gateway
  // caches the list, so this is not a hot path.
  std::vector<ActivityView> views;
  views.reserve(activities->size());
  for (domain::Activity& activity : *activities) {
    auto viewing = WithStock(std::move(activity));
    absl::StatusOr<ActivityView> view = co_await std::move(viewing);
    if (!view.ok()) co_return view.status();
    views.push_back(*std::move(view));
  }
  co_return views;
}

}  // namespace seckill::product::app
