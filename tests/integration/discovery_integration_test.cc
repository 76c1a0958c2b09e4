// The etcd client and service discovery against the stack's real etcd (authentication on), each
// test under a key prefix of its own.
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/use_future.hpp"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "libs/discovery/registry.h"
#include "libs/etcd/client.h"
#include "libs/etcd/watch.h"
#include "tests/support/stack_clients.h"

namespace seckill::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A prefix no other test or service uses (the services' user may write under /seckill/ only).
std::string FreshPrefix() {
  std::random_device random;
  return fmt::format("/seckill/test/{:08x}/", random());
}

// A service name no other test or service uses.
std::string FreshService() { return fmt::format("test-{:x}", std::random_device()()); }

// An io_context on a thread of its own, as a service runs one.
class Loop {
 public:
  Loop() : thread_([this] { io_.run(); }) {}
  ~Loop() { Halt(); }
  // Stops running handlers, as a crashed process would; what is pending stays pending.
  void Halt() {
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }
  template <class T>
  T Run(boost::asio::awaitable<T> work) {
    return boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future).get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::thread thread_;
};

// What a watch reported last, waited for.
template <class T>
class Latest {
 public:
  void Set(T value) {
    std::lock_guard lock(mu_);
    value_ = std::move(value);
    ++reports_;
  }
  // Polls until `pred` holds for the latest value or `limit` passes; the last value seen.
  template <class Pred>
  bool WaitUntil(Pred pred, std::chrono::milliseconds limit) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < give_up) {
      {
        std::lock_guard lock(mu_);
        if (reports_ > 0 && pred(value_)) return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  T Get() {
    std::lock_guard lock(mu_);
    return value_;
  }

 private:
  std::mutex mu_;
  T value_{};
  int reports_ = 0;
};

// A watch of `service`'s instances that reports into `seen`.
discovery::ServiceWatch WatchInto(Loop& loop, const std::string& service,
                                  Latest<std::vector<std::string>>& seen) {
  return discovery::ServiceWatch(loop.executor(), StackEtcdOptions(), service,
                                 [&seen](const std::vector<std::string>& a) { seen.Set(a); });
}

TEST(EtcdClientTest, PutsReadsAndCreatesOnlyWhenAbsent) {
  Loop loop;
  etcd::Client client(loop.executor(), StackEtcdOptions());
  const std::string prefix = FreshPrefix();
  ASSERT_TRUE(loop.Run(client.Put(prefix + "a", "1")).ok());
  absl::StatusOr<bool> created = loop.Run(client.CreateIfAbsent(prefix + "b", "2", 0));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(*created);
  created = loop.Run(client.CreateIfAbsent(prefix + "b", "3", 0));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(*created) << "the second create of the same key must not succeed";

  absl::StatusOr<etcd::RangeResult> read = loop.Run(client.GetPrefix(prefix));
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->kvs.size(), 2U);
  EXPECT_EQ(read->kvs[0].key, prefix + "a");
  EXPECT_EQ(read->kvs[1].value, "2");
  EXPECT_GT(read->revision, 0);
  ASSERT_TRUE(loop.Run(client.Delete(prefix + "a")).ok());
  ASSERT_TRUE(loop.Run(client.Delete(prefix + "b")).ok());
  read = loop.Run(client.GetPrefix(prefix));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(read->kvs, IsEmpty());
}

TEST(EtcdClientTest, ARevokedLeaseTakesItsKeysAndCannotBeKeptAlive) {
  Loop loop;
  etcd::Client client(loop.executor(), StackEtcdOptions());
  const std::string prefix = FreshPrefix();
  absl::StatusOr<int64_t> lease = loop.Run(client.GrantLease(10s));
  ASSERT_TRUE(lease.ok()) << lease.status();
  ASSERT_TRUE(loop.Run(client.Put(prefix + "leased", "x", *lease)).ok());
  absl::StatusOr<int64_t> ttl = loop.Run(client.KeepAlive(*lease));
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_GT(*ttl, 0);

  ASSERT_TRUE(loop.Run(client.RevokeLease(*lease)).ok());
  absl::StatusOr<etcd::RangeResult> read = loop.Run(client.GetPrefix(prefix));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(read->kvs, IsEmpty());
  ttl = loop.Run(client.KeepAlive(*lease));
  EXPECT_TRUE(absl::IsNotFound(ttl.status())) << ttl.status();
}

TEST(EtcdClientTest, WrongCredentialsAreRefused) {
  Loop loop;
  etcd::Options options = StackEtcdOptions();
  options.password = "not-the-password";
  etcd::Client client(loop.executor(), options);
  absl::StatusOr<etcd::RangeResult> read = loop.Run(client.GetPrefix(FreshPrefix()));
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(std::string(read.status().message()), ::testing::HasSubstr("authentication"));
}

TEST(EtcdClientTest, UnreachableEtcdIsUnavailable) {
  Loop loop;
  etcd::Options options = StackEtcdOptions();
  options.port = 1;  // nothing listens there
  etcd::Client client(loop.executor(), options);
  absl::StatusOr<etcd::RangeResult> read = loop.Run(client.GetPrefix(FreshPrefix()));
  EXPECT_TRUE(absl::IsUnavailable(read.status())) << read.status();
}

TEST(PrefixWatchTest, FollowsPutsAndDeletesUnderThePrefixOnly) {
  Loop loop;
  etcd::Client client(loop.executor(), StackEtcdOptions());
  const std::string prefix = FreshPrefix();
  ASSERT_TRUE(loop.Run(client.Put(prefix + "before", "0")).ok());
  Latest<etcd::PrefixWatch::Snapshot> seen;
  etcd::PrefixWatch watch(loop.executor(), StackEtcdOptions(), prefix,
                          [&seen](const etcd::PrefixWatch::Snapshot& s) { seen.Set(s); });
  watch.Start();
  ASSERT_TRUE(seen.WaitUntil([](const auto& s) { return s.size() == 1; }, 5s));

  ASSERT_TRUE(loop.Run(client.Put(prefix + "added", "1")).ok());
  ASSERT_TRUE(loop.Run(client.Put(prefix.substr(0, prefix.size() - 1) + "-elsewhere", "2")).ok());
  ASSERT_TRUE(seen.WaitUntil([&](const auto& s) { return s.count(prefix + "added") == 1; }, 2s));
  ASSERT_TRUE(loop.Run(client.Delete(prefix + "before")).ok());
  ASSERT_TRUE(seen.WaitUntil([&](const auto& s) { return s.count(prefix + "before") == 0; }, 2s));
  EXPECT_EQ(seen.Get(), (etcd::PrefixWatch::Snapshot{{prefix + "added", "1"}}));
  watch.Stop();
  ASSERT_TRUE(loop.Run(client.Delete(prefix + "added")).ok());
  ASSERT_TRUE(loop.Run(client.Delete(prefix.substr(0, prefix.size() - 1) + "-elsewhere")).ok());
}

TEST(RegistrationTest, AnInstanceIsSeenWhileRegisteredAndGoneAfterStop) {
  Loop loop;
  const std::string service = FreshService();
  Latest<std::vector<std::string>> seen;
  discovery::ServiceWatch watch = WatchInto(loop, service, seen);
  watch.Start();
  ASSERT_TRUE(seen.WaitUntil([](const auto& a) { return a.empty(); }, 5s));

  discovery::Registration first(loop.executor(), StackEtcdOptions(),
                                {service, "127.0.0.1:7001", "t"}, 5s);
  discovery::Registration second(loop.executor(), StackEtcdOptions(),
                                 {service, "127.0.0.1:7002", "t"}, 5s);
  ASSERT_TRUE(loop.Run(first.Start()).ok());
  ASSERT_TRUE(loop.Run(second.Start()).ok());
  EXPECT_NE(first.key(), second.key());
  // A new instance gets traffic within 2 s of registering.
  EXPECT_TRUE(seen.WaitUntil([](const auto& a) { return a.size() == 2; }, 2s));
  EXPECT_THAT(seen.Get(), ElementsAre("127.0.0.1:7001", "127.0.0.1:7002"));

  ASSERT_TRUE(loop.Run(first.Stop()).ok());
  EXPECT_TRUE(seen.WaitUntil([](const auto& a) { return a.size() == 1; }, 2s));
  EXPECT_THAT(seen.Get(), ElementsAre("127.0.0.1:7002"));
  ASSERT_TRUE(loop.Run(second.Stop()).ok());
  EXPECT_TRUE(seen.WaitUntil([](const auto& a) { return a.empty(); }, 2s));
  watch.Stop();
}

TEST(RegistrationTest, ALostLeaseIsReplacedAndTheInstanceRegisteredAgain) {
  Loop loop;
  const std::string service = FreshService();
  discovery::Registration registration(loop.executor(), StackEtcdOptions(),
                                       {service, "127.0.0.1:7003", "t"}, 3s);
  ASSERT_TRUE(loop.Run(registration.Start()).ok());
  etcd::Client client(loop.executor(), StackEtcdOptions());
  absl::StatusOr<etcd::RangeResult> read = loop.Run(client.GetPrefix(registration.key()));
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->kvs.size(), 1U);
  absl::StatusOr<std::string> addr = discovery::DecodeAddress(read->kvs[0].value);
  ASSERT_TRUE(addr.ok()) << addr.status();
  EXPECT_EQ(*addr, "127.0.0.1:7003");

  // etcd forgets the lease (as when the instance was paused past its TTL): the next keep-alive
  // (every TTL/3) finds it gone and registers again.
  ASSERT_TRUE(loop.Run(client.RevokeLease(read->kvs[0].lease)).ok());
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  bool back = false;
  while (!back && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(100ms);
    auto again = loop.Run(client.GetPrefix(registration.key()));
    back = again.ok() && again->kvs.size() == 1 && again->kvs[0].lease != read->kvs[0].lease;
  }
  EXPECT_TRUE(back) << "not registered again within 5 s";
  ASSERT_TRUE(loop.Run(registration.Stop()).ok());
}

TEST(RegistrationTest, ACrashedInstanceIsForgottenWhenItsLeaseExpires) {
  Loop loop;
  const std::string service = FreshService();
  Latest<std::vector<std::string>> seen;
  discovery::ServiceWatch watch = WatchInto(loop, service, seen);
  watch.Start();
  {
    // A second loop plays the instance; halting it without Stop() is a crash: no deregistration,
    // no more keep-alives.
    auto instance_loop = std::make_unique<Loop>();
    discovery::Registration crashed(instance_loop->executor(), StackEtcdOptions(),
                                    {service, "127.0.0.1:7004", "t"}, 2s);
    ASSERT_TRUE(instance_loop->Run(crashed.Start()).ok());
    ASSERT_TRUE(seen.WaitUntil([](const auto& a) { return a.size() == 1; }, 2s));
    instance_loop->Halt();
  }
  // Gone within the TTL (2 s) and etcd's expiry check, with margin.
  EXPECT_TRUE(seen.WaitUntil([](const auto& a) { return a.empty(); }, 6s));
  watch.Stop();
}

}  // namespace
}  // namespace seckill::testing
