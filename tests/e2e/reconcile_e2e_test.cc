// Reconciliation on the running stack: a drift introduced behind the system's back (as a Redis
// that lost writes would) is reported, left alone when only reported, and repaired when asked.
#include <thread>

#include "boost/json.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/redis/sync_client.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

using namespace std::chrono_literals;

class ReconcileE2eTest : public E2eTest {
 protected:
  boost::json::object Reconcile(const std::string& activity, bool repair) {
    auto r = client_.Call("POST", fmt::format("/admin/v1/activities/{}/reconcile", activity),
                          repair ? R"({"repair":true})" : "", admin_token_);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << r->body;
    return boost::json::parse(r->body).as_object();
  }
};

TEST_F(ReconcileE2eTest, ReportsADeliberateDriftAndRepairsItWhenAsked) {
  const std::string activity = NewActivity(10);
  auto buyers = NewBuyers(3);
  for (const auto& b : buyers) ASSERT_EQ(Order(activity, b.token).status, 202);
  for (int i = 0; i < 100 && Stats(activity).created < 3; ++i) std::this_thread::sleep_for(50ms);

  auto report = Reconcile(activity, false);
  EXPECT_EQ(report.at("sold").as_int64(), 3);
  EXPECT_EQ(report.at("drift").as_int64(), 0);

  // Two decrements "lost": remaining goes from 7 back to 9.
  // As the operator: the product service's own Redis user may only call the stock functions.
  redis::SyncClient redis(*redis::Endpoint::FromUrl(env_.At("SECKILL_REDIS_OPS_URL")), 2s);
  auto bumped = redis.Command({"INCRBY", fmt::format("{{act:{}}}:remaining", activity), "2"});
  ASSERT_TRUE(bumped.ok());
  ASSERT_EQ(bumped->integer, 9);

  report = Reconcile(activity, false);
  EXPECT_EQ(report.at("drift").as_int64(), -2);
  EXPECT_FALSE(report.at("repaired").as_bool());
  EXPECT_EQ(Stats(activity).remaining, 9);  // a report changes nothing

  report = Reconcile(activity, true);
  EXPECT_TRUE(report.at("repaired").as_bool()) << report.at("note").as_string();
  EXPECT_EQ(Stats(activity).remaining, 7);
  EXPECT_EQ(Reconcile(activity, false).at("drift").as_int64(), 0);
  // Stock then sells exactly to zero: 7 more buyers, the 8th is told SOLD_OUT.
  auto more = NewBuyers(8);
  int accepted = 0;
  for (const auto& b : more) accepted += Order(activity, b.token).status == 202;
  EXPECT_EQ(accepted, 7);
}

}  // namespace
}  // namespace seckill::testing
