#include "services/product/app/stock_recovery.h"

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/product/testing/in_memory_catalog.h"
#include "services/product/testing/in_memory_stock_ledger.h"

namespace seckill::product::app {
namespace {

TEST(StockRecoveryTest, GatedActivityIsReseededFromLiveOrdersAfterTheGrace) {
  base::ManualClock clock(1500);
  testing::InMemoryCatalog catalog;
  testing::InMemoryStockLedger ledger(clock);
  const uint64_t product = base::RunToCompletion(catalog.AddProduct({0, "p", "", 1})).value();
  const domain::ActivityTerms terms{product, "sale", 100, 5, 1000, 100000, 1};
  const uint64_t id = base::RunToCompletion(catalog.AddActivity(terms)).value();
  catalog.live_orders[id] = {{11, 1, 1}, {12, 2, 1}};
  StockRecovery recovery(catalog, ledger, clock, /*grace_ms=*/5000);
  recovery.Known(id);
  EXPECT_TRUE(recovery.IsKnown(id));
  EXPECT_FALSE(recovery.IsKnown(id + 1));

  recovery.GateAll();  // Redis restarted
  EXPECT_TRUE(recovery.IsGated(id));
  EXPECT_EQ(base::RunToCompletion(recovery.ReseedDue()), 0);  // in-flight orders get their grace
  clock.AdvanceMs(5000);
  EXPECT_EQ(base::RunToCompletion(recovery.ReseedDue()), 1);
  EXPECT_FALSE(recovery.IsGated(id));
  EXPECT_EQ(base::RunToCompletion(ledger.Snapshot(id))->remaining, 3);
  const domain::ReservationRequest request{id, 1, 99, 1, ""};
  const absl::StatusOr<domain::ReserveResult> again =
      base::RunToCompletion(ledger.Reserve(request));
  EXPECT_EQ(again->refusal, common::v1::REFUSAL_PURCHASE_LIMIT);  // buyer 1 still holds a unit
}

// The periodic check notices a store restart by its instance id, gates every known activity, and
// re-seeds them once the grace has passed.
TEST(StockRecoveryTest, AStoreRestartGatesEveryActivityUntilItIsReseeded) {
  base::ManualClock clock(1500);
  testing::InMemoryCatalog catalog;
  testing::InMemoryStockLedger ledger(clock);
  const uint64_t product = base::RunToCompletion(catalog.AddProduct({0, "p", "", 1})).value();
  const uint64_t id =
      base::RunToCompletion(catalog.AddActivity({product, "sale", 100, 5, 1000, 100000, 1}))
          .value();
  StockRecovery recovery(catalog, ledger, clock, /*grace_ms=*/5000);
  recovery.Known(id);
  base::RunToCompletion(recovery.Check());  // learns the instance
  base::RunToCompletion(recovery.Check());
  EXPECT_FALSE(recovery.IsGated(id));

  ledger.Restart();
  base::RunToCompletion(recovery.Check());
  EXPECT_TRUE(recovery.IsGated(id));
  clock.AdvanceMs(5000);
  base::RunToCompletion(recovery.Check());
  EXPECT_FALSE(recovery.IsGated(id));
}

}  // namespace
}  // namespace seckill::product::app
