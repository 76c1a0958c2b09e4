// Flow control against the running stack: the seed's rule (QPS 5 on the order route) and the
// order service's circuit breaker. The live rules file is switched for each test and the
// project's defaults are put back afterwards, whatever happens.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "boost/json.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Stack(const std::string& args) {
  return std::system(
      fmt::format("{}/scripts/stack.sh {} >/dev/null 2>&1", SECKILL_SOURCE_DIR, args).c_str());
}

class FlowControlE2eTest : public E2eTest {
 protected:
  ~FlowControlE2eTest() override {
    UseRules(ReadFile(std::string(SECKILL_SOURCE_DIR) + "/configs/flow-rules.json"),
             "order-route-qps");
  }
  // Replaces the live rules file (as an operator would) and waits until the gateway serves it.
  void UseRules(const std::string& json, const std::string& marker_id) {
    const std::string path = env_.At("SECKILL_FLOW_RULES_FILE");
    std::ofstream(path + ".tmp") << json;
    std::filesystem::rename(path + ".tmp", path);
    for (int i = 0; i < 100; ++i) {
      auto rules = client_.Call("GET", "/admin/v1/flow/rules", "", admin_token_);
      if (rules.ok() && rules->body.find("\"" + marker_id + "\"") != std::string::npos) return;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "the gateway did not load the rules with " << marker_id;
  }
  std::string Metrics() {
    auto r = client_.Call("GET", "/admin/v1/flow/metrics", "", admin_token_);
    return r.ok() ? r->body : "";
  }
  // {passed, blocked by DEGRADE} of one resource, from the gateway's counters.
  std::pair<int64_t, int64_t> Counters(const std::string& resource) {
    boost::json::value metrics = boost::json::parse(Metrics());
    for (const auto& r : metrics.at("resources").as_array()) {
      if (r.at("resource").as_string() == resource) {
        return {r.at("passed").as_int64(), r.at("blocked").at("DEGRADE").as_int64()};
      }
    }
    return {-1, -1};
  }
};

TEST_F(FlowControlE2eTest, SeedRuleAdmitsExactlyFiveOfFiftyConcurrentOrders) {
  const std::string activity = NewActivity(1000);
  auto buyers = NewBuyers(50);
  UseRules(ReadFile(std::string(SECKILL_SOURCE_DIR) + "/configs/flow-rules.seed.json"),
           "seckill-qps");
  std::this_thread::sleep_for(1100ms);  // let the route's window forget earlier tests' orders

  const auto start = std::chrono::steady_clock::now();
  const std::vector<http::Response> responses = OrdersAtOnce(activity, buyers);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::printf("50 concurrent orders answered in %lld ms\n", static_cast<long long>(took.count()));
  ASSERT_LT(took, 1000ms)
      << "the 50 orders did not fit in one window; the count below would not mean anything";

  int accepted = 0, limited = 0;
  for (const http::Response& r : responses) {
    if (r.status == 202) ++accepted;
    if (r.status == 429) {
      ++limited;
      EXPECT_GE(std::atoi(http::HeaderValue(r, "retry-after").c_str()), 1);
      EXPECT_EQ(bench::ErrorCode(r.body), "RATE_LIMITED");
      EXPECT_NE(r.body.find(R"("reason":"FLOW")"), std::string::npos);
    }
  }
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(limited, 45);
  // Exactly 5 reached the order service: 5 orders exist, 5 units left the stock.
  for (int i = 0; i < 100 && Stats(activity).reserved + Stats(activity).queued > 0; ++i)
    std::this_thread::sleep_for(50ms);
  auto stats = Stats(activity);
  EXPECT_EQ(stats.created, 5);
  EXPECT_EQ(stats.remaining, 995);
}

TEST_F(FlowControlE2eTest, OrderServiceBreakerOpensThenClosesWhenItIsBack) {
  const std::string activity = NewActivity(100);
  auto buyers = NewBuyers(40);
  UseRules(
      R"({"circuitBreakerRules":[{"id":"order-breaker","resource":"grpc:order","strategy":"ERROR_RATIO",
      "threshold":0.5,"minRequestAmount":3,"statIntervalMs":10000,"retryTimeoutMs":2000,"probeNum":1}]})",
      "order-breaker");
  struct OrderServiceBack {
    ~OrderServiceBack() { Stack("start order"); }
  } back;
  ASSERT_EQ(Stack("stop order"), 0);

  const auto [passed_before, degraded_before] = Counters("grpc:order");
  size_t next = 0;
  for (int i = 0; i < 3; ++i) {  // the order service is down: these calls fail and are counted
    auto r = Order(activity, buyers[next++].token);
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.body.find("DEGRADE"), std::string::npos) << r.body;
  }
  auto degraded = Order(activity, buyers[next++].token);
  EXPECT_EQ(degraded.status, 503);
  EXPECT_NE(degraded.body.find(R"("reason":"DEGRADE")"), std::string::npos) << degraded.body;
  EXPECT_GE(std::atoi(http::HeaderValue(degraded, "retry-after").c_str()), 1);
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find(R"("resource":"grpc:order","state":"OPEN")"), std::string::npos)
      << metrics;
  // Three calls went to the (stopped) service; the fourth never reached the client.
  const auto [passed_after, degraded_after] = Counters("grpc:order");
  EXPECT_EQ(passed_after - passed_before, 3);
  EXPECT_EQ(degraded_after - degraded_before, 1);

  ASSERT_EQ(Stack("start order"), 0);
  int status = 0;
  for (int i = 0; i < 60 && status != 202 && next < buyers.size(); ++i) {
    status = Order(activity, buyers[next++].token).status;  // a half-open probe once due
    if (status != 202) std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(status, 202);
  EXPECT_NE(Metrics().find(R"("resource":"grpc:order","state":"CLOSED")"), std::string::npos)
      << Metrics();
}

}  // namespace
}  // namespace seckill::testing
