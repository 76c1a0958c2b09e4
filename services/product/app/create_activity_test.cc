#include "services/product/app/create_activity.h"

#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "services/product/app/view_activities.h"
#include "services/product/testing/in_memory_catalog.h"
#include "services/product/testing/in_memory_stock_ledger.h"

namespace seckill::product::app {
namespace {

class CreateActivityTest : public ::testing::Test {
 protected:
  absl::StatusOr<CreateActivityResult> Create(const domain::ActivityTerms& terms) {
    absl::StatusOr<CreateActivityResult> out = absl::UnknownError("not called");
    create_(terms, [&](absl::StatusOr<CreateActivityResult> r) { out = std::move(r); });
    return out;
  }
  base::ManualClock clock_{1500};
  testing::InMemoryCatalog catalog_;
  testing::InMemoryStockLedger ledger_{clock_};
  CreateActivity create_{catalog_, ledger_};
  ViewActivities view_{catalog_, ledger_, clock_};
};

TEST_F(CreateActivityTest, StoresAndSeedsSoTheActivityCanSell) {
  uint64_t product = catalog_.AddProduct({0, "Phone", "", 100}).value();
  auto created = Create({product, "Sale", 90, 3, 1000, 2000, 1});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->outcome, CreateActivityOutcome::kCreated);

  absl::StatusOr<ActivityView> view = absl::UnknownError("not called");
  view_.One(created->activity_id, [&](absl::StatusOr<ActivityView> v) { view = std::move(v); });
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->remaining, 3);
  EXPECT_EQ(view->status, domain::ActivityStatus::kActive);
}

TEST_F(CreateActivityTest, UnknownProductIsReportedNotStored) {
  auto created = Create({42, "Sale", 90, 3, 1000, 2000, 1});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->outcome, CreateActivityOutcome::kProductNotFound);
  EXPECT_TRUE(catalog_.ListActivities(10)->empty());
}

TEST_F(CreateActivityTest, InvalidTermsAreRefusedBeforeStoring) {
  uint64_t product = catalog_.AddProduct({0, "Phone", "", 100}).value();
  auto created = Create({product, "Sale", 90, 0, 1000, 2000, 1});
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(catalog_.ListActivities(10)->empty());
}

TEST_F(CreateActivityTest, UnknownActivityViewIsNotFound) {
  absl::Status status;
  view_.One(7, [&](absl::StatusOr<ActivityView> v) { status = v.status(); });
  EXPECT_TRUE(absl::IsNotFound(status));
}

}  // namespace
}  // namespace seckill::product::app
