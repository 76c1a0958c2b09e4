// A contended sale through every hop: gateway -> order -> product -> Redis -> RabbitMQ -> MariaDB.
#include <set>

#include "gtest/gtest.h"
#include "tests/support/e2e_fixture.h"
#include "tools/bench/sale_runner.h"

namespace seckill::testing {
namespace {

class SaleE2eTest : public E2eTest {
 protected:
  bench::SaleOptions SaleAgainstTheStack() {
    bench::SaleOptions o;
    o.host = client_.host();
    o.port = client_.port();
    o.admin_user = env_.At("SECKILL_ADMIN_USER");
    o.admin_password = env_.At("SECKILL_ADMIN_PASSWORD");
    o.db = StackDbOptions();
    return o;
  }
};

TEST_F(SaleE2eTest, ThousandBuyersTwoConcurrentOrdersEachForFiftyUnits) {
  bench::SaleOptions o = SaleAgainstTheStack();
  o.stock = 50;
  o.buyers = 1000;
  o.attempts = 2;  // a buyer's two orders go out back to back on two connections
  o.concurrency = 100;
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

// Open loop: 400 attempts due over ~1 s at 400 req/s. The sale cannot end before the last attempt
// is due (a lower bound, not a timing target), and the invariants hold as in the closed loop.
TEST_F(SaleE2eTest, PacedSaleSendsEachAttemptWhenDueAndKeepsTheInvariants) {
  bench::SaleOptions o = SaleAgainstTheStack();
  o.stock = 20;
  o.buyers = 200;
  o.attempts = 2;
  o.concurrency = 50;
  o.rate = 400;
  o.seed = 7;
  auto report = bench::RunSale(o);
  ASSERT_TRUE(report.ok()) << report.status();
  std::printf("%s", bench::FormatReport(*report).c_str());

  EXPECT_TRUE(report->violations.empty());
  const double last_due_s = 399.0 / 400.0;
  EXPECT_GE(report->seconds, last_due_s);
  // Attempt i is due at i * 2.5 ms, so at most the first 200 can have been answered within 0.5 s.
  int answered_in_first_half_second = 0;
  for (const bench::Attempt& a : report->attempts)
    answered_in_first_half_second += a.done_us < 500'000 ? 1 : 0;
  EXPECT_LE(answered_in_first_half_second, 200);
  EXPECT_GT(answered_in_first_half_second, 0);
  EXPECT_EQ(report->db_live_orders, 20);
  EXPECT_EQ(report->db_distinct_buyers, 20);
  // The seed reorders the buyers: the first attempt is not buyer 0's.
  std::set<int> first_buyers;
  for (size_t i = 0; i < 20; i += 2) first_buyers.insert(report->attempts[i].buyer);
  EXPECT_NE(first_buyers, (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

}  // namespace
}  // namespace seckill::testing
