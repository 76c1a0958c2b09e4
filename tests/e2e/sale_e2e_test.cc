// A contended sale through every hop: gateway -> order -> product -> Redis -> RabbitMQ -> MariaDB.
#include "gtest/gtest.h"
#include "tests/support/e2e_fixture.h"
#include "tools/bench/sale_runner.h"

namespace seckill::testing {
namespace {

class SaleE2eTest : public E2eTest {};

TEST_F(SaleE2eTest, ThousandBuyersTwoConcurrentOrdersEachForFiftyUnits) {
  bench::SaleOptions o;
  o.host = client_.host();
  o.port = client_.port();
  o.admin_user = env_.At("SECKILL_ADMIN_USER");
  o.admin_password = env_.At("SECKILL_ADMIN_PASSWORD");
  o.stock = 50;
  o.buyers = 1000;
  o.attempts = 2;  // a buyer's two orders go out back to back on two connections
  o.concurrency = 100;
  o.db = StackDbOptions();
  auto report = bench::RunSale(o);
  ASSERT_TRUE(report.ok()) << report.status();
  std::printf("%s", bench::FormatReport(*report).c_str());

  EXPECT_TRUE(report->violations.empty());
  EXPECT_EQ(report->db_live_orders, 50);
  EXPECT_EQ(report->db_distinct_buyers, 50);
  EXPECT_EQ(report->db_failed_orders, 0);
  // Everyone else was told why, with a 409.
  EXPECT_EQ(report->outcomes["202"], 50);
  EXPECT_EQ(report->outcomes["202"] + report->outcomes["409 SOLD_OUT"] +
                report->outcomes["409 PURCHASE_LIMIT"],
            2000);
  EXPECT_EQ(report->stats.remaining, 0);
  EXPECT_EQ(report->stats.reserved, 0);
  EXPECT_EQ(report->stats.created + report->stats.paid, 50);
}

}  // namespace
}  // namespace seckill::testing
