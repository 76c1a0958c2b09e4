#include "services/product/app/view_activities.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace seckill::product::app {

void ViewActivities::One(uint64_t activity_id, domain::Callback<ActivityView> done) const {
  auto found = catalog_.FindActivity(activity_id);
  if (!found.ok()) return done(found.status());
  if (!found->has_value()) return done(absl::NotFoundError("activity not found"));
  domain::Activity activity = std::move(**found);
  ledger_.Snapshot(activity_id, [this, activity = std::move(activity), done = std::move(done)](
                                    absl::StatusOr<domain::StockSnapshot> snapshot) mutable {
    if (!snapshot.ok()) return done(snapshot.status());
    // An activity not (yet) seeded into the ledger has nothing to sell.
    const int64_t remaining = snapshot->found ? snapshot->remaining : 0;
    ActivityView view{std::move(activity), remaining, domain::ActivityStatus::kUpcoming};
    view.status = domain::StatusAt(view.activity.terms, remaining, clock_.NowMs());
    done(std::move(view));
  });
}

void ViewActivities::Many(int limit, domain::Callback<std::vector<ActivityView>> done) const {
  if (limit <= 0) return done(std::vector<ActivityView>{});
  auto activities = catalog_.ListActivities(limit);
  if (!activities.ok()) return done(activities.status());
  if (activities->empty()) return done(std::vector<ActivityView>{});
  // Snapshots run concurrently; the last one to answer completes the list.
  struct Join {
    std::mutex mu;
    std::vector<ActivityView> views;
    absl::Status error;
    size_t pending = 0;
    domain::Callback<std::vector<ActivityView>> done;
  };
  auto join = std::make_shared<Join>();
  join->pending = activities->size();
  join->done = std::move(done);
  for (domain::Activity& a : *activities) join->views.push_back(ActivityView{std::move(a), 0, {}});
  for (size_t i = 0; i < join->views.size(); ++i) {
    ledger_.Snapshot(join->views[i].activity.activity_id,
                     [this, join, i](absl::StatusOr<domain::StockSnapshot> snapshot) {
                       std::unique_lock lock(join->mu);
                       ActivityView& view = join->views[i];
                       if (!snapshot.ok()) {
                         join->error = snapshot.status();
                       } else {
                         view.remaining = snapshot->found ? snapshot->remaining : 0;
                         view.status =
                             domain::StatusAt(view.activity.terms, view.remaining, clock_.NowMs());
                       }
                       if (--join->pending > 0) return;
                       lock.unlock();
                       if (!join->error.ok()) return join->done(join->error);
                       join->done(std::move(join->views));
                     });
  }
}

}  // namespace seckill::product::app
