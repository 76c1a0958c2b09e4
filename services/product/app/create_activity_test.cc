#include "services/product/app/create_activity.h"

#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/run_to_completion.h"
#include "services/product/app/view_activities.h"
#include "services/product/testing/in_memory_catalog.h"
#include "services/product/testing/in_memory_stock_ledger.h"

namespace seckill::product::app {
namespace {

class CreateActivityTest : public ::testing::Test {
 protected:
  absl::StatusOr<CreateActivityResult> Create(const domain::ActivityTerms& terms) {
    return base::RunToCompletion(create_(terms));
  }
  base::ManualClock clock_{1500};
  testing::InMemoryCatalog catalog_;
  testing::InMemoryStockLedger ledger_{clock_};
  CreateActivity create_{catalog_, ledger_};
  ViewActivities view_{catalog_, ledger_, clock_};
};

TEST_F(CreateActivityTest, StoresAndSeedsSoTheActivityCanSell) {
  uint64_t product = base::RunToCompletion(catalog_.AddProduct({0, "Phone", "", 100})).value();
  auto created = Create({product, "Sale", 90, 3, 1000, 2000, 1});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->outcome, CreateActivityOutcome::kCreated);

  const absl::StatusOr<ActivityView> view = base::RunToCompletion(view_.One(created->activity_id));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->remaining, 3);
  EXPECT_EQ(view->status, domain::ActivityStatus::kActive);
}

TEST_F(CreateActivityTest, UnknownProductIsReportedNotStored) {
  auto created = Create({42, "Sale", 90, 3, 1000, 2000, 1});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->outcome, CreateActivityOutcome::kProductNotFound);
  EXPECT_TRUE(base::RunToCompletion(catalog_.ListActivities(10))->empty());
}

TEST_F(CreateActivityTest, InvalidTermsAreRefusedBeforeStoring) {
  uint64_t product = base::RunToCompletion(catalog_.AddProduct({0, "Phone", "", 100})).value();
  auto created = Create({product, "Sale", 90, 0, 1000, 2000, 1});
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(base::RunToCompletion(catalog_.ListActivities(10))->empty());
}

TEST_F(CreateActivityTest, UnknownActivityViewIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(base::RunToCompletion(view_.One(7)).status()));
}

}  // namespace
}  // namespace seckill::product::app
