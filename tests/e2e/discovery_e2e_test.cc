// The services find each other through etcd (docs/architecture.md, "Finding each other"), on the
// running stack: a stopped instance leaves its callers at once, a started one gets their traffic,
// and the sale goes on while etcd is down.
#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/etcd/client.h"
#include "tests/support/e2e_fixture.h"
#include "tests/support/stack_clients.h"

namespace seckill::testing {
namespace {

using namespace std::chrono_literals;

// `scripts/stack.sh ARGS` (stop and start wait until done).
void Stack(const std::string& args) {
  const std::string command =
      fmt::format("{}/scripts/stack.sh {} >/dev/null 2>&1", SECKILL_SOURCE_DIR, args);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// The services with at least one instance registered in etcd ("gateway", "order", "product").
std::set<std::string> Registered() {
  boost::asio::io_context io;
  etcd::Client client(io.get_executor(), StackEtcdOptions());
  absl::StatusOr<etcd::RangeResult> read = absl::UnknownError("not read");
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        auto reading = client.GetPrefix("/seckill/services/");
        read = co_await std::move(reading);
      },
      boost::asio::detached);
  io.run();  // the client's connection runs on this context
  std::set<std::string> services;
  if (!read.ok()) return services;
  for (const etcd::KeyValue& kv : read->kvs) {
    const std::string rest = kv.key.substr(std::string("/seckill/services/").size());
    services.insert(rest.substr(0, rest.find('/')));
  }
  return services;
}

bool RegisteredWithin(const std::set<std::string>& expected, std::chrono::seconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (Registered() == expected) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// Whatever a test stopped is started again, also when it fails half-way (the next tests need the
// whole stack); starting what runs does nothing.
class DiscoveryE2eTest : public E2eTest {
 protected:
  void TearDown() override {
    Stack("start etcd");
    Stack("start product");
    Stack("stop order-2");
  }
  // The number of instances of `service` registered in etcd.
  static int InstancesOf(const std::string& service) {
    boost::asio::io_context io;
    etcd::Client client(io.get_executor(), StackEtcdOptions());
    int count = -1;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto reading = client.GetPrefix("/seckill/services/" + service + "/");
          auto read = co_await std::move(reading);
          if (read.ok()) count = static_cast<int>(read->kvs.size());
        },
        boost::asio::detached);
    io.run();
    return count;
  }
};

TEST_F(DiscoveryE2eTest, AStoppedInstanceLeavesAtOnceAndAStartedOneGetsTraffic) {
  const std::string activity = NewActivity(5);
  auto buyers = NewBuyers(3);
  const std::set<std::string> all = {"gateway", "order", "product"};
  ASSERT_TRUE(RegisteredWithin(all, 5s)) << "the stack's services are not all registered";

  // A graceful stop deregisters first: the callers know at once that no instance is left, and
  // an order is refused at once (503) rather than after the backend timeout.
  Stack("stop product");
  EXPECT_TRUE(RegisteredWithin({"gateway", "order"}, 2s));
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(Order(activity, buyers[0].token).status, 503);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s) << "no instance must fail fast";

  // A started instance registers and gets the traffic within 2 s.
  Stack("start product");
  ASSERT_TRUE(RegisteredWithin(all, 5s));
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + 2s;
  while (status != 202 && std::chrono::steady_clock::now() < give_up) {
    status = Order(activity, buyers[1].token).status;
    if (status != 202) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(status, 202);
  PlaceRecorded(activity, buyers[2]);
  EXPECT_EQ(Stats(activity).remaining, 3);
}

TEST_F(DiscoveryE2eTest, TheSaleGoesOnWhileEtcdIsDownAndRegistrationsComeBack) {
  const std::string activity = NewActivity(5);
  auto buyers = NewBuyers(2);
  ASSERT_TRUE(RegisteredWithin({"gateway", "order", "product"}, 5s));
  Stack("stop etcd");
  // The callers keep the instances they knew; keep-alives fail meanwhile.
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(Order(activity, buyers[0].token).status, 202);
  Stack("start etcd");
  // The leases outlived etcd's restart (it extends them): the keep-alives find them again.
  EXPECT_TRUE(RegisteredWithin({"gateway", "order", "product"}, 15s));
  PlaceRecorded(activity, buyers[1]);
  EXPECT_EQ(Stats(activity).remaining, 3);
}

// With two order instances, an order that is accepted but not yet in the database (QUEUED) is seen
// by the buyer whichever instance a poll reaches: the gateway's round-robin alternates between
// them, so with the orders' rows held back (the table read-locked for a few seconds: the consumers
// cannot insert, reads go on) every poll answers QUEUED, none 404, and the stats count them all.
TEST_F(DiscoveryE2eTest, EveryOrderInstanceShowsEveryQueuedOrder) {
  const std::string activity = NewActivity(20);
  auto buyers = NewBuyers(6);
  Stack("start order-2");
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (InstancesOf("order") != 2 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(InstancesOf("order"), 2);
  std::this_thread::sleep_for(500ms);  // the gateway's watch follows the registration

  const std::string lock = fmt::format(
      "mariadb -S {}/.run/mariadb/m.sock -u\"$(id -un)\" seckill -e "
      "'FLUSH TABLES orders WITH READ LOCK; SELECT SLEEP(6); UNLOCK TABLES' >/dev/null 2>&1 &",
      SECKILL_SOURCE_DIR);
  ASSERT_EQ(std::system(lock.c_str()), 0);
  std::this_thread::sleep_for(500ms);  // the lock is taken

  std::vector<std::string> ids;
  for (const auto& buyer : buyers) {
    http::Response placed = Order(activity, buyer.token);
    ASSERT_EQ(placed.status, 202) << placed.body;
    ids.push_back(bench::JsonString(placed.body, "order_id"));
  }
  int queued = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    for (int poll = 0; poll < 4; ++poll) {
      auto got = client_.Call("GET", "/api/v1/orders/" + ids[i], "", buyers[i].token);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->status, 200) << "order " << ids[i] << ", poll " << poll << ": " << got->body;
      queued += bench::JsonString(got->body, "status") == "QUEUED";
    }
  }
  std::printf("%d of %zu polls answered QUEUED while the rows were held back\n", queued,
              ids.size() * 4);
  EXPECT_EQ(queued, static_cast<int>(ids.size() * 4)) << "the rows were written before the polls";
  EXPECT_EQ(Stats(activity).queued, static_cast<int64_t>(ids.size()));

  // Once the lock is gone the consumers write them: CREATED, and nothing QUEUED is left.
  for (int i = 0; i < 200 && Stats(activity).created < static_cast<int64_t>(ids.size()); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  const auto stats = Stats(activity);
  EXPECT_EQ(stats.created, static_cast<int64_t>(ids.size()));
  EXPECT_EQ(stats.queued, 0);
}

}  // namespace
}  // namespace seckill::testing
