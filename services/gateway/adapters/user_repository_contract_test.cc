// One contract, two implementations: the in-memory fake used by the account use cases' unit
// tests and the MariaDB repository used in production must agree on every case.
#include <random>

#include "boost/asio/thread_pool.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/run_to_completion.h"
#include "services/gateway/adapters/mariadb_user_repository.h"
#include "services/gateway/testing/in_memory_user_repository.h"
#include "tests/support/stack_clients.h"

namespace seckill::gateway {
namespace {

template <class T>
absl::StatusOr<T> Await(base::Async<T> operation) {
  return base::RunToCompletion(std::move(operation));
}
absl::Status Await(base::AsyncStatus operation) {
  return base::RunToCompletion(std::move(operation));
}

struct InMemoryEnv {
  domain::UserRepository& Users() { return users; }
  testing::InMemoryUserRepository users;
};

struct MariaDbEnv {
  domain::UserRepository& Users() { return users; }
  base::SystemClock clock;
  mysql::Pool pool{seckill::testing::StackDbOptions(), 2};
  boost::asio::thread_pool blocking{1};
  adapters::MariaDbUserRepository users{pool, clock, blocking.get_executor()};
};

template <class Env>
class UserRepositoryContractTest : public ::testing::Test {
 protected:
  // Usernames no earlier run of this suite used (the database outlives the test).
  std::string Name(std::string_view what) {
    static const std::string run = fmt::format("{:x}", std::random_device{}() & 0xffffff);
    return fmt::format("c{}-{}", run, what);
  }
  uint64_t NewUser(std::string_view what) {
    auto id = Await(users_.Create({0, Name(what), "hash-1", domain::Role::kBuyer}));
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }
  // The seq of the newest revocation recorded so far (0 for none).
  uint64_t NewestSeq() {
    uint64_t seq = 0;
    for (;;) {
      auto batch = Await(users_.RevocationsAfter(seq, 1000));
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok() || batch->empty()) return seq;
      seq = batch->back().seq;
      if (batch->size() < 1000) return seq;
    }
  }

  static constexpr int64_t kFarFuture = 4'000'000'000'000;
  Env env_;
  domain::UserRepository& users_ = env_.Users();
};

using Implementations = ::testing::Types<InMemoryEnv, MariaDbEnv>;
TYPED_TEST_SUITE(UserRepositoryContractTest, Implementations);

TYPED_TEST(UserRepositoryContractTest, ANewUserHasTheFirstTokenVersion) {
  const uint64_t id = this->NewUser("new");
  auto found = Await(this->users_.FindByUsername(this->Name("new")));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->user_id, id);
  EXPECT_EQ((*found)->token_version, domain::kFirstTokenVersion);
  EXPECT_EQ(Await(this->users_.FindTokenVersion(id)).value(), domain::kFirstTokenVersion);
  EXPECT_FALSE(Await(this->users_.FindTokenVersion(id + 1'000'000'000)).value().has_value());
  EXPECT_TRUE(absl::IsAlreadyExists(
      Await(this->users_.Create({0, this->Name("new"), "h", domain::Role::kBuyer})).status()));
}

TYPED_TEST(UserRepositoryContractTest, RevokingAllBumpsTheVersionAndRecordsIt) {
  const uint64_t id = this->NewUser("revoke-all");
  const uint64_t before = this->NewestSeq();
  EXPECT_EQ(Await(this->users_.RevokeAll(id, this->kFarFuture)).value(), 2u);
  EXPECT_EQ(Await(this->users_.RevokeAll(id, this->kFarFuture)).value(), 3u);
  EXPECT_EQ(Await(this->users_.FindTokenVersion(id)).value(), 3u);
  auto recorded = Await(this->users_.RevocationsAfter(before, 10)).value();
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_LT(recorded[0].seq, recorded[1].seq);
  EXPECT_EQ(recorded[1].user_id, id);
  EXPECT_EQ(recorded[1].token_id, "");
  EXPECT_EQ(recorded[1].token_version, 3u);
  EXPECT_EQ(recorded[1].expires_at_ms, this->kFarFuture);
  EXPECT_TRUE(absl::IsNotFound(
      Await(this->users_.RevokeAll(id + 1'000'000'000, this->kFarFuture)).status()));
}

TYPED_TEST(UserRepositoryContractTest, ResettingAPasswordRevokesTheOldTokens) {
  const uint64_t id = this->NewUser("reset");
  EXPECT_EQ(Await(this->users_.ResetPassword(id, "hash-2", this->kFarFuture)).value(), 2u);
  auto found = Await(this->users_.FindByUsername(this->Name("reset"))).value();
  EXPECT_EQ(found->password_hash, "hash-2");
  EXPECT_EQ(found->token_version, 2u);
  EXPECT_TRUE(absl::IsNotFound(
      Await(this->users_.ResetPassword(id + 1'000'000'000, "h", this->kFarFuture)).status()));
}

TYPED_TEST(UserRepositoryContractTest, OneTokensRevocationIsListedUntilItExpires) {
  const uint64_t id = this->NewUser("logout");
  const uint64_t before = this->NewestSeq();
  const std::string soon(32, 'a'), later(32, 'b');
  ASSERT_TRUE(Await(this->users_.RevokeToken({0, id, soon, 1, 1'000})).ok());
  ASSERT_TRUE(Await(this->users_.RevokeToken({0, id, later, 1, this->kFarFuture})).ok());
  auto first = Await(this->users_.RevocationsAfter(before, 1)).value();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].token_id, soon);
  auto rest = Await(this->users_.RevocationsAfter(first[0].seq, 10)).value();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].token_id, later);
  EXPECT_EQ(rest[0].user_id, id);
  ASSERT_TRUE(Await(this->users_.ForgetExpiredRevocations(2'000)).ok());
  auto kept = Await(this->users_.RevocationsAfter(before, 10)).value();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].token_id, later);
}

}  // namespace
}  // namespace seckill::gateway
