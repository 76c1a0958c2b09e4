// Redis losing stock data on the running stack: a flushed activity, and a Redis restart. Either
// way the activity stops selling (503) until it is re-seeded from the database, and the books
// are exact afterwards.
#include <cstdlib>
#include <thread>

#include "boost/json.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/redis/sync_client.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

using namespace std::chrono_literals;
using bench::ErrorCode;
using bench::JsonString;

class RedisLossE2eTest : public E2eTest {
 protected:
  void Recorded(const std::string& activity, int created) {
    for (int i = 0; i < 100 && Stats(activity).created < created; ++i)
      std::this_thread::sleep_for(50ms);
  }
  // Orders with fresh buyers until one is accepted (the activity is re-seeded); the statuses
  // seen on the way.
  std::vector<int> OrderUntilAccepted(const std::string& activity,
                                      std::vector<bench::BuyerAccount>& buyers) {
    std::vector<int> seen;
    while (!buyers.empty() && seen.size() < 60) {
      auto r = Order(activity, buyers.back().token);
      buyers.pop_back();
      seen.push_back(r.status);
      if (r.status == 202) break;
      std::this_thread::sleep_for(500ms);
    }
    return seen;
  }
  int64_t Drift(const std::string& activity) {
    auto r = client_.Call("POST", fmt::format("/admin/v1/activities/{}/reconcile", activity), "",
                          admin_token_);
    return r.ok() ? boost::json::parse(r->body).at("drift").as_int64() : -999;
  }
};

TEST_F(RedisLossE2eTest, FlushedActivityStopsSellingUntilReseededFromTheDatabase) {
  const std::string activity = NewActivity(5);
  auto buyers = NewBuyers(40);
  const auto first = buyers[0], second = buyers[1];
  ASSERT_EQ(Order(activity, first.token).status, 202);
  ASSERT_EQ(Order(activity, second.token).status, 202);
  Recorded(activity, 2);

  // As the operator: the product service's own Redis user may only call the stock functions.
  redis::SyncClient redis(*redis::Endpoint::FromUrl(env_.At("SECKILL_REDIS_OPS_URL")), 2s);
  const std::string tag = fmt::format("{{act:{}}}", activity);
  for (const char* key :
       {":info", ":remaining", ":buyers", ":resv", ":idem", ":inflight", ":pending"}) {
    ASSERT_TRUE(redis.Command({"DEL", tag + key}).ok());
  }
  buyers.erase(buyers.begin(), buyers.begin() + 2);
  auto lost = Order(activity, buyers.back().token);
  buyers.pop_back();
  EXPECT_EQ(lost.status, 503)
      << lost.body;  // not 404: the activity exists, its stock data does not
  EXPECT_EQ(ErrorCode(lost.body), "UNAVAILABLE");

  const std::vector<int> seen = OrderUntilAccepted(activity, buyers);
  ASSERT_EQ(seen.back(), 202) << "never re-seeded";
  for (size_t i = 0; i + 1 < seen.size(); ++i) EXPECT_EQ(seen[i], 503);
  Recorded(activity, 3);
  EXPECT_EQ(Stats(activity).remaining, 2);  // 5 - 2 before - 1 now
  EXPECT_EQ(ErrorCode(Order(activity, first.token).body), "PURCHASE_LIMIT");  // holdings restored
  EXPECT_EQ(Drift(activity), 0);
}

TEST_F(RedisLossE2eTest, RedisRestartGatesSellingUntilReseeded) {
  const std::string activity = NewActivity(4);
  auto buyers = NewBuyers(40);
  ASSERT_EQ(Order(activity, buyers.back().token).status, 202);
  buyers.pop_back();
  Recorded(activity, 1);

  ASSERT_EQ(std::system(fmt::format("{0}/scripts/stack.sh stop redis >/dev/null 2>&1 && "
                                    "{0}/scripts/stack.sh start redis >/dev/null 2>&1",
                                    SECKILL_SOURCE_DIR)
                            .c_str()),
            0);
  const std::vector<int> seen = OrderUntilAccepted(activity, buyers);
  ASSERT_EQ(seen.back(), 202) << "never re-seeded";
  EXPECT_EQ(seen.front(), 503);  // the first order after the restart was not sold on old data
  Recorded(activity, 2);
  EXPECT_EQ(Stats(activity).remaining, 2);
  EXPECT_EQ(Drift(activity), 0);
}

}  // namespace
}  // namespace seckill::testing
