// Flow limits across the cluster (docs/flow-control.md, "Across the cluster"), on the running
// stack and a second gateway this test starts (`stack.sh start gateway-2`, the first gateway's
// port plus 100): a rule's threshold is the whole cluster's, a document PUT on one gateway is in
// force on the other within a second, and a broken one changes nothing. The cluster's document
// is deleted from etcd before and after each test, so the stack's file rules are back for the
// next tests whatever happens here.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/json.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/etcd/client.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr char kRulesKey[] = "/seckill/config/flow-rules";

void Stack(const std::string& args) {
  const std::string command =
      fmt::format("{}/scripts/stack.sh {} >/dev/null 2>&1", SECKILL_SOURCE_DIR, args);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `call` with a client of the stack's etcd, as the services' user.
absl::Status WithEtcd(const std::function<asio::awaitable<absl::Status>(etcd::Client&)>& call) {
  asio::io_context io;
  etcd::Client client(io.get_executor(), StackEtcdOptions());
  absl::Status status = absl::UnknownError("not run");
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto calling = call(client);
        status = co_await std::move(calling);
      },
      asio::detached);
  io.run();  // the client's connection runs on this context
  return status;
}

absl::Status DeleteClusterRules() {
  return WithEtcd([](etcd::Client& c) { return c.Delete(kRulesKey); });
}

class FlowClusterE2eTest : public E2eTest {
 protected:
  FlowClusterE2eTest() : second_(client_.host(), static_cast<uint16_t>(client_.port() + 100)) {}

  void SetUp() override {
    ASSERT_TRUE(DeleteClusterRules().ok());
    Stack("start gateway-2");
    auto token = second_.Login(env_.At("SECKILL_ADMIN_USER"), env_.At("SECKILL_ADMIN_PASSWORD"));
    ASSERT_TRUE(token.ok()) << token.status();
    second_token_ = *token;
    for (const auto* gateway : {&client_, &second_}) {
      ASSERT_TRUE(WaitFor(*gateway,
                          [](const boost::json::object& cluster) {
                            return cluster.at("gateways").as_int64() == 2;
                          }))
          << "gateway on port " << gateway->port() << " does not see two gateways";
    }
  }
  void TearDown() override {
    EXPECT_TRUE(DeleteClusterRules().ok());
    Stack("stop gateway-2");
    EXPECT_TRUE(WaitFor(client_, [](const boost::json::object& cluster) {
      return cluster.at("gateways").as_int64() == 1 && cluster.at("source").as_string() == "file";
    })) << "the first gateway is not back on its own with its file's rules";
  }

  const std::string& TokenOf(const bench::SaleClient& gateway) const {
    return &gateway == &client_ ? admin_token_ : second_token_;
  }
  // The gateway's `cluster` object from its flow metrics.
  boost::json::object Cluster(const bench::SaleClient& gateway) {
    auto r = gateway.Call("GET", "/admin/v1/flow/metrics", "", TokenOf(gateway));
    if (!r.ok() || r->status != 200) return {};
    boost::system::error_code ec;
    boost::json::value metrics = boost::json::parse(r->body, ec);
    if (ec || !metrics.is_object() || !metrics.as_object().contains("cluster")) return {};
    return metrics.at("cluster").as_object();
  }
  // Polls (10 s at most) until the gateway's cluster state satisfies `done`.
  bool WaitFor(const bench::SaleClient& gateway,
               const std::function<bool(const boost::json::object&)>& done) {
    for (int i = 0; i < 200; ++i) {
      const boost::json::object cluster = Cluster(gateway);
      if (!cluster.empty() && done(cluster)) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  std::string RulesOf(const bench::SaleClient& gateway) {
    auto r = gateway.Call("GET", "/admin/v1/flow/rules", "", TokenOf(gateway));
    return r.ok() ? r->body : "";
  }

  bench::SaleClient second_;
  std::string second_token_;
};

TEST_F(FlowClusterE2eTest, ARulePutOnOneGatewayHoldsForTheWholeClusterWithinASecond) {
  const std::string activity = NewActivity(1000);
  auto buyers = NewBuyers(50);
  const std::string seed =
      ReadFile(std::string(SECKILL_SOURCE_DIR) + "/configs/flow-rules.seed.json");

  auto put = client_.Call("PUT", "/admin/v1/flow/rules", seed, admin_token_);
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_EQ(put->status, 200) << put->body;
  const auto stored = std::chrono::steady_clock::now();
  // The other gateway serves it: its rules and its source change.
  while (RulesOf(second_).find("\"seckill-qps\"") == std::string::npos &&
         std::chrono::steady_clock::now() - stored < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - stored);
  std::printf("the rules PUT on the first gateway were in force on the second after %lld ms\n",
              static_cast<long long>(took.count()));
  EXPECT_LT(took, 1000ms);
  EXPECT_EQ(Cluster(second_).at("source").as_string(), "etcd");
  EXPECT_EQ(Cluster(client_).at("source").as_string(), "etcd");

  // QPS 5 for the cluster: 50 concurrent orders, half through each gateway, within one window.
  std::this_thread::sleep_for(1100ms);  // earlier orders out of the route's window
  const auto start = std::chrono::steady_clock::now();
  const std::vector<http::Response> responses =
      OrdersAtOnce(activity, buyers, {&client_, &second_});
  const auto answered = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  ASSERT_LT(answered, 1000ms)
      << "the 50 orders did not fit in one window; the count below would not mean anything";
  int accepted[2] = {0, 0};
  int limited = 0;
  for (size_t i = 0; i < responses.size(); ++i) {
    if (responses[i].status == 202) ++accepted[i % 2];
    if (responses[i].status == 429) ++limited;
  }
  std::printf("QPS 5 over two gateways, 50 concurrent orders: %d admitted (%d + %d), %d refused\n",
              accepted[0] + accepted[1], accepted[0], accepted[1], limited);
  EXPECT_EQ(accepted[0] + accepted[1], 5);
  EXPECT_EQ(limited, 45);
  // Each gateway admitted its share (3 and 2, in the order of their addresses).
  EXPECT_EQ(std::max(accepted[0], accepted[1]), 3);
  EXPECT_EQ(std::min(accepted[0], accepted[1]), 2);
}

TEST_F(FlowClusterE2eTest, ABrokenDocumentIsRefusedAndTheLastGoodOneStays) {
  const std::string seed =
      ReadFile(std::string(SECKILL_SOURCE_DIR) + "/configs/flow-rules.seed.json");
  for (const std::string broken :
       {"{", "{}", R"({"flowRules":[{"id":"x","resource":"r","threshold":-1}]})",
        R"({"flowRules":[{"id":"x","resource":"r","threshold":1,"typo":1}]})"}) {
    auto put = client_.Call("PUT", "/admin/v1/flow/rules", broken, admin_token_);
    ASSERT_TRUE(put.ok()) << put.status();
    EXPECT_EQ(put->status, 400) << broken << ": " << put->body;
    EXPECT_EQ(bench::ErrorCode(put->body), "INVALID_RULES") << put->body;
  }
  EXPECT_EQ(Cluster(client_).at("source").as_string(), "file");  // nothing was stored

  auto put = second_.Call("PUT", "/admin/v1/flow/rules", seed, second_token_);
  ASSERT_TRUE(put.ok() && put->status == 200);
  for (const auto* gateway : {&client_, &second_}) {
    ASSERT_TRUE(WaitFor(*gateway, [](const boost::json::object& cluster) {
      return cluster.at("source").as_string() == "etcd";
    }));
  }
  // A document written to etcd by hand that does not parse: every gateway keeps the last good.
  ASSERT_TRUE(WithEtcd([](etcd::Client& c) {
                return c.Put(kRulesKey, R"({"flowRules":[{"id":"x"}]})");
              }).ok());
  std::this_thread::sleep_for(1s);
  for (const auto* gateway : {&client_, &second_}) {
    EXPECT_NE(RulesOf(*gateway).find("\"seckill-qps\""), std::string::npos) << gateway->port();
  }
  // With no document in etcd, each gateway is back on its own file's rules.
  ASSERT_TRUE(DeleteClusterRules().ok());
  for (const auto* gateway : {&client_, &second_}) {
    EXPECT_TRUE(WaitFor(*gateway, [](const boost::json::object& cluster) {
      return cluster.at("source").as_string() == "file";
    }));
    EXPECT_NE(RulesOf(*gateway).find("\"order-route-qps\""), std::string::npos);
  }
}

}  // namespace
}  // namespace seckill::testing
