#pragma once

#include <vector>

#include "libs/base/async.h"
#include "libs/base/clock.h"
#include "services/product/domain/catalog.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::app {

// An activity as a buyer sees it: terms, live remaining stock and status.
struct ActivityView {
  domain::Activity activity;
  int64_t remaining = 0;
  domain::ActivityStatus status = domain::ActivityStatus::kUpcoming;
};

// Reads activities from the catalog and their live stock from the ledger.
class ViewActivities {
 public:
  ViewActivities(domain::Catalog& catalog, domain::StockLedger& ledger, const base::Clock& clock)
      : catalog_(catalog), ledger_(ledger), clock_(clock) {}

  // NOT_FOUND when there is no such activity.
  base::Async<ActivityView> One(uint64_t activity_id) const;
  // The newest `limit` activities.
  base::Async<std::vector<ActivityView>> Many(int limit) const;

 private:
  // The activity with its live stock and status.
  base::Async<ActivityView> WithStock(domain::Activity activity) const;

  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
  const base::Clock& clock_;
};

}  // namespace seckill::product::app
