// The order lifecycle through the gateway: cancel returns the stock, a cancelled buyer buys
// again, paying a cancelled order is refused, and pay racing cancel has exactly one winner.
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using bench::ErrorCode;
using bench::JsonString;
// configs/gateway.yaml: after a SOLD_OUT the gateway refuses orders of that activity by itself
// for activity.sold_out_ttl_ms, and serves activity reads from a copy at most
// activity.cache_max_age_ms old.
constexpr auto kSoldOutTtl = 100ms;
constexpr auto kActivityMaxAge = 200ms;

class OrderLifecycleE2eTest : public E2eTest {
 protected:
  http::Response Post(const std::string& target, const std::string& token) {
    auto r = client_.Call("POST", target, "", token);
    EXPECT_TRUE(r.ok());
    return r.value_or(http::Response{});
  }
};

TEST_F(OrderLifecycleE2eTest, CancelReturnsTheStockAndTheBuyerCanBuyAgain) {
  const std::string activity = NewActivity(1);
  auto buyers = NewBuyers(2);
  const std::string first = PlaceRecorded(activity, buyers[0]);
  EXPECT_EQ(ErrorCode(Order(activity, buyers[1].token).body), "SOLD_OUT");

  auto cancelled = Post("/api/v1/orders/" + first + "/cancel", buyers[0].token);
  EXPECT_EQ(cancelled.status, 200);
  EXPECT_EQ(JsonString(cancelled.body, "status"), "CANCELLED");
  auto stats = Stats(activity);
  EXPECT_EQ(stats.remaining, 1);
  EXPECT_EQ(stats.cancelled, 1);
  // Paying it now is refused; cancelling again is harmless; another user cannot touch it.
  EXPECT_EQ(ErrorCode(Post("/api/v1/orders/" + first + "/payment", buyers[0].token).body),
            "ORDER_NOT_PAYABLE");
  EXPECT_EQ(Post("/api/v1/orders/" + first + "/cancel", buyers[0].token).status, 200);
  EXPECT_EQ(Post("/api/v1/orders/" + first + "/cancel", buyers[1].token).status, 404);
  EXPECT_EQ(Stats(activity).remaining, 1);  // the stock came back once

  // The same buyer buys again (the limit of 1 counts live orders only), once the gateway's
  // sold-out mark from buyer 1's refusal has lapsed.
  std::this_thread::sleep_for(kSoldOutTtl);
  const std::string second = PlaceRecorded(activity, buyers[0]);
  EXPECT_NE(second, first);
  EXPECT_EQ(Post("/api/v1/orders/" + second + "/payment", buyers[0].token).status, 200);
  EXPECT_EQ(ErrorCode(Post("/api/v1/orders/" + second + "/cancel", buyers[0].token).body),
            "ORDER_NOT_CANCELLABLE");
  stats = Stats(activity);
  EXPECT_EQ(stats.remaining, 0);
  EXPECT_EQ(stats.paid, 1);
  EXPECT_EQ(stats.cancelled, 1);
}

// The gateway answers SOLD_OUT by itself after the ledger said so once, but a unit that comes back
// is sold again: to a new buyer, at most the mark's lifetime after it came back. Reads of the
// activity show it within the cache's bound.
TEST_F(OrderLifecycleE2eTest, AReturnedUnitIsSoldToANewBuyerOnceTheSoldOutMarkLapses) {
  const std::string activity = NewActivity(1);
  auto buyers = NewBuyers(3);
  const std::string first = PlaceRecorded(activity, buyers[0]);
  EXPECT_EQ(ErrorCode(Order(activity, buyers[1].token).body), "SOLD_OUT");  // the ledger's answer
  EXPECT_EQ(ErrorCode(Order(activity, buyers[1].token).body), "SOLD_OUT");  // now the gateway's
  std::this_thread::sleep_for(kActivityMaxAge);
  auto read = client_.Call("GET", "/api/v1/activities/" + activity, "", "");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(JsonString(read->body, "status"), "SOLD_OUT") << read->body;

  ASSERT_EQ(Post("/api/v1/orders/" + first + "/cancel", buyers[0].token).status, 200);
  EXPECT_EQ(Stats(activity).remaining, 1);
  std::this_thread::sleep_for(std::max(kSoldOutTtl, kActivityMaxAge));
  read = client_.Call("GET", "/api/v1/activities/" + activity, "", "");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(JsonString(read->body, "status"), "ACTIVE")
      << "a copy older than the bound was served: " << read->body;
  auto bought = Order(activity, buyers[2].token);
  EXPECT_EQ(bought.status, 202) << "the returned unit was not offered again: " << bought.body;
  EXPECT_EQ(ErrorCode(Order(activity, buyers[1].token).body), "SOLD_OUT");
  EXPECT_EQ(Stats(activity).remaining, 0);
}

TEST_F(OrderLifecycleE2eTest, PayAndCancelRacingHaveExactlyOneWinner) {
  constexpr int kOrders = 10;
  const std::string activity = NewActivity(kOrders);
  auto buyers = NewBuyers(kOrders);
  std::vector<std::string> ids;
  for (const auto& b : buyers) ids.push_back(PlaceRecorded(activity, b));

  std::vector<int> pay_status(kOrders), cancel_status(kOrders);
  asio::io_context ioc;
  for (int i = 0; i < kOrders; ++i) {
    for (int kind = 0; kind < 2; ++kind) {
      asio::co_spawn(
          ioc,
          [&, i, kind]() -> asio::awaitable<void> {
            http::Client client(co_await asio::this_coro::executor, client_.host(), client_.port());
            const std::string target =
                fmt::format("/api/v1/orders/{}/{}", ids[i], kind == 0 ? "payment" : "cancel");
            auto send = client.Send("POST", target, "",
                                    {{"Authorization", "Bearer " + buyers[i].token}}, 10s);
            auto r = co_await std::move(send);
            (kind == 0 ? pay_status : cancel_status)[i] = r.ok() ? r->status : 0;
          },
          asio::detached);
    }
  }
  ioc.run();
  int paid = 0, cancelled = 0;
  for (int i = 0; i < kOrders; ++i) {
    EXPECT_EQ((pay_status[i] == 200) + (cancel_status[i] == 200), 1)
        << "order " << ids[i] << ": pay " << pay_status[i] << ", cancel " << cancel_status[i];
    EXPECT_EQ(pay_status[i] == 200 ? cancel_status[i] : pay_status[i], 409);
    paid += pay_status[i] == 200;
    cancelled += cancel_status[i] == 200;
    auto order = client_.Call("GET", "/api/v1/orders/" + ids[i], "", buyers[i].token);
    EXPECT_EQ(JsonString(order->body, "status"), pay_status[i] == 200 ? "PAID" : "CANCELLED");
  }
  auto stats = Stats(activity);
  EXPECT_EQ(stats.paid, paid);
  EXPECT_EQ(stats.cancelled, cancelled);
  EXPECT_EQ(stats.remaining, cancelled);  // every cancelled unit went back, and only those
}

}  // namespace
}  // namespace seckill::testing
