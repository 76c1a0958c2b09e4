#include "services/product/app/stock_recovery.h"

#include "gtest/gtest.h"
#include "services/product/testing/in_memory_catalog.h"
#include "services/product/testing/in_memory_stock_ledger.h"

namespace seckill::product::app {
namespace {

TEST(StockRecoveryTest, GatedActivityIsReseededFromLiveOrdersAfterTheGrace) {
  base::ManualClock clock(1500);
  testing::InMemoryCatalog catalog;
  testing::InMemoryStockLedger ledger(clock);
  const uint64_t product = catalog.AddProduct({0, "p", "", 1}).value();
  const domain::ActivityTerms terms{product, "sale", 100, 5, 1000, 100000, 1};
  const uint64_t id = catalog.AddActivity(terms).value();
  catalog.live_orders[id] = {{11, 1, 1}, {12, 2, 1}};
  StockRecovery recovery(catalog, ledger, clock, /*grace_ms=*/5000);
  recovery.Known(id);
  EXPECT_TRUE(recovery.IsKnown(id));
  EXPECT_FALSE(recovery.IsKnown(id + 1));

  recovery.GateAll();  // Redis restarted
  EXPECT_TRUE(recovery.IsGated(id));
  EXPECT_EQ(recovery.ReseedDue(), 0);  // in-flight orders get their grace first
  clock.AdvanceMs(5000);
  EXPECT_EQ(recovery.ReseedDue(), 1);
  EXPECT_FALSE(recovery.IsGated(id));
  domain::StockSnapshot snapshot;
  ledger.Snapshot(id, [&](absl::StatusOr<domain::StockSnapshot> s) { snapshot = *s; });
  EXPECT_EQ(snapshot.remaining, 3);
  domain::ReserveResult again;
  ledger.Reserve({id, 1, 99, 1, ""}, [&](absl::StatusOr<domain::ReserveResult> r) { again = *r; });
  EXPECT_EQ(again.outcome, domain::ReserveOutcome::kPurchaseLimit);  // buyer 1 still holds a unit
}

}  // namespace
}  // namespace seckill::product::app
