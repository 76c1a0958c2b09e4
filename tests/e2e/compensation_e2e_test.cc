// Compensation: with the broker down, an order is refused with 503, no order exists, and its
// stock is back. The broker is started again afterwards, whatever the test's outcome.
#include <cstdlib>
#include <thread>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/base/url.h"
#include "libs/http/client.h"
#include "libs/mysql/connection.h"
#include "tests/support/e2e_fixture.h"
#include "tests/support/stack_env.h"

namespace seckill::testing {
namespace {

int Stack(const std::string& args) {
  return std::system(
      fmt::format("{}/scripts/stack.sh {} >/dev/null 2>&1", SECKILL_SOURCE_DIR, args).c_str());
}

// A counter of the order service's GET /metrics.
int64_t OrderServiceCounter(const std::string& name) {
  auto url = base::ParseUrl(StackEnv::Get().At("SECKILL_ORDER_HEALTH_URL"), 80);
  auto metrics = http::Fetch(url->host, url->port, "GET", "/metrics");
  EXPECT_TRUE(metrics.ok() && metrics->status == 200);
  if (!metrics.ok()) return -1;
  const std::string prefix = "\n" + name + " ";
  const size_t at = ("\n" + metrics->body).find(prefix);
  return at == std::string::npos ? 0
                                 : std::stoll(("\n" + metrics->body).substr(at + prefix.size()));
}

class CompensationE2eTest : public E2eTest {};

TEST_F(CompensationE2eTest, PublishFailureRefusesWith503AndReturnsTheStock) {
  const std::string activity = NewActivity(5);
  auto buyer = NewBuyers(1).at(0);

  struct BrokerBack {
    ~BrokerBack() { Stack("start rabbitmq"); }
  } broker_back;
  ASSERT_EQ(Stack("stop rabbitmq"), 0);

  const int64_t compensations_before = OrderServiceCounter("seckill_order_compensations_total");
  auto refused = Order(activity, buyer.token);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(bench::ErrorCode(refused.body), "UNAVAILABLE");
  EXPECT_FALSE(http::HeaderValue(refused, "retry-after").empty());
  auto stats = Stats(activity);
  EXPECT_EQ(stats.remaining, 5);
  EXPECT_EQ(stats.reserved, 0);
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(OrderServiceCounter("seckill_order_compensations_total"), compensations_before + 1);

  ASSERT_EQ(Stack("start rabbitmq"), 0);
  // The publisher reconnects on its own (with back-off, after a broker that may take seconds to
  // boot on a loaded machine); the same buyer can then buy (the release freed them).
  int status = 0;
  for (int i = 0; i < 300 && status != 202; ++i) {
    status = Order(activity, buyer.token).status;
    if (status != 202) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status, 202);
  for (int i = 0; i < 400 && (Stats(activity).created != 1); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Exactly one order in the database: the refused attempt left nothing behind.
  auto db = mysql::Connection::Open(StackDbOptions());
  ASSERT_TRUE(db.ok()) << db.status();
  auto rows = (*db)->Query("SELECT status FROM orders WHERE activity_id = ?",
                           {static_cast<uint64_t>(std::stoull(activity))});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(*(*rows)[0][0], "CREATED");
  EXPECT_EQ(Stats(activity).remaining, 4);
}

}  // namespace
}  // namespace seckill::testing
