#pragma once

#include "libs/base/async.h"
#include "services/product/domain/catalog.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::app {

enum class CreateActivityOutcome { kCreated, kProductNotFound };
struct CreateActivityResult {
  CreateActivityOutcome outcome = CreateActivityOutcome::kCreated;
  uint64_t activity_id = 0;
};

// Stores a new activity in the catalog, then seeds its stock into the ledger so it can sell.
// INVALID_ARGUMENT for bad terms; a failed seed is UNAVAILABLE (the activity exists but cannot sell
// until seeded).
class CreateActivity {
 public:
  CreateActivity(domain::Catalog& catalog, domain::StockLedger& ledger)
      : catalog_(catalog), ledger_(ledger) {}

  base::Async<CreateActivityResult> operator()(domain::ActivityTerms terms) const;

 private:
  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
};

}  // namespace seckill::product::app
