#include "tests/support/e2e_fixture.h"

#include <chrono>
#include <random>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/this_coro.hpp"
#include "fmt/format.h"
#include "libs/base/clock.h"
#include "libs/http/client.h"

namespace seckill::testing {

namespace {

// Waits (at most 30 s) until the gateway and the product and order services answer /readyz:
// a test before this one may have stopped a server (the broker, Redis) and started it again,
// and the services take a moment to reconnect. Each test starts from a ready stack.
void WaitUntilReady(const StackEnv& env) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (const char* key :
       {"SECKILL_GATEWAY_URL", "SECKILL_PRODUCT_HEALTH_URL", "SECKILL_ORDER_HEALTH_URL"}) {
    for (;;) {
      auto ready = http::Fetch(env.Host(key), env.Port(key), "GET", "/readyz");
      if (ready.ok() && ready->status == 200) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << key << "/readyz: not ready after 30 s (is the stack up? `make up`)";
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace

E2eTest::E2eTest()
    : env_(StackEnv::Get()),
      client_(env_.Host("SECKILL_GATEWAY_URL"), env_.Port("SECKILL_GATEWAY_URL")) {
  WaitUntilReady(env_);
  auto token = client_.Login(env_.At("SECKILL_ADMIN_USER"), env_.At("SECKILL_ADMIN_PASSWORD"));
  if (!token.ok()) {
    ADD_FAILURE() << "admin login failed (is the stack up? `make up`): " << token.status();
    return;
  }
  admin_token_ = *token;
}

std::string E2eTest::NewActivity(int64_t stock, int64_t limit_per_user, int64_t start_offset_ms,
                                 int64_t end_offset_ms) {
  auto product = client_.CreateProduct(admin_token_, "e2e product", 1000);
  EXPECT_TRUE(product.ok()) << product.status();
  const int64_t now = base::SystemClock().NowMs();
  auto activity =
      client_.CreateActivity(admin_token_, product.value_or(""), stock, 500, now + start_offset_ms,
                             now + end_offset_ms, limit_per_user);
  EXPECT_TRUE(activity.ok()) << activity.status();
  return activity.value_or("");
}

std::vector<bench::BuyerAccount> E2eTest::NewBuyers(int count) {
  static std::mt19937_64 rng(std::random_device{}());
  auto buyers = client_.CreateBuyers(admin_token_, fmt::format("e2e{}", rng() % 100'000'000), count,
                                     "e2e-password");
  EXPECT_TRUE(buyers.ok()) << buyers.status();
  return buyers.value_or(std::vector<bench::BuyerAccount>{});
}

http::Response E2eTest::Order(const std::string& activity_id, const std::string& token,
                              const std::string& body, http::Headers headers) {
  auto r = client_.Call("POST", fmt::format("/api/v1/activities/{}/orders", activity_id), body,
                        token, std::move(headers));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.value_or(http::Response{});
}

std::vector<http::Response> E2eTest::OrdersAtOnce(const std::string& activity_id,
                                                  const std::vector<bench::BuyerAccount>& buyers,
                                                  std::vector<const bench::SaleClient*> gateways) {
  namespace asio = boost::asio;
  if (gateways.empty()) gateways.push_back(&client_);
  std::vector<http::Response> responses(buyers.size());
  asio::io_context ioc;
  const std::string target = fmt::format("/api/v1/activities/{}/orders", activity_id);
  for (size_t i = 0; i < buyers.size(); ++i) {
    const bench::SaleClient& gateway = *gateways[i % gateways.size()];
    asio::co_spawn(
        ioc,
        [&, i]() -> asio::awaitable<void> {
          http::Client client(co_await asio::this_coro::executor, gateway.host(), gateway.port());
          auto send =
              client.Send("POST", target, "", {{"Authorization", "Bearer " + buyers[i].token}},
                          std::chrono::seconds(10));
          auto r = co_await std::move(send);
          if (r.ok()) responses[i] = std::move(*r);
        },
        asio::detached);
  }
  ioc.run();
  return responses;
}

bench::SaleClient::Stats E2eTest::Stats(const std::string& activity_id) {
  auto stats = client_.ActivityStats(admin_token_, activity_id);
  EXPECT_TRUE(stats.ok()) << stats.status();
  return stats.value_or(bench::SaleClient::Stats{});
}

std::string E2eTest::PlaceRecorded(const std::string& activity_id,
                                   const bench::BuyerAccount& buyer) {
  auto placed = Order(activity_id, buyer.token);
  EXPECT_EQ(placed.status, 202) << placed.body;
  const std::string id = bench::JsonString(placed.body, "order_id");
  for (int i = 0; i < 100; ++i) {
    auto r = client_.Call("GET", "/api/v1/orders/" + id, "", buyer.token);
    if (r.ok() && bench::JsonString(r->body, "status") == "CREATED") return id;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "order " << id << " was not recorded";
  return id;
}

}  // namespace seckill::testing
