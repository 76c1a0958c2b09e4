#pragma once

#include <vector>

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

// Reads activities from the catalog and their live stock from the ledger. Blocks on the
// catalog: call from a worker thread.
class ViewActivities {
 public:
  ViewActivities(domain::Catalog& catalog, domain::StockLedger& ledger, const base::Clock& clock)
      : catalog_(catalog), ledger_(ledger), clock_(clock) {}

  // NOT_FOUND when there is no such activity.
  void One(uint64_t activity_id, domain::Callback<ActivityView> done) const;
  // The newest `limit` activities.
  void Many(int limit, domain::Callback<std::vector<ActivityView>> done) const;

 private:
  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
  const base::Clock& clock_;
};

}  // namespace seckill::product::app
