#include "services/gateway/app/accounts.h"

#include <sodium.h>

#include "boost/asio/thread_pool.hpp"
#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "services/gateway/adapters/sodium_password_hasher.h"
#include "services/gateway/testing/in_memory_user_repository.h"

namespace seckill::gateway::app {
namespace {

constexpr char kAddress[] = "192.0.2.1";

class AccountsTest : public ::testing::Test {
 protected:
  base::ManualClock clock_{1'800'000'000'000};
  testing::InMemoryUserRepository users_;
  // The cheapest argon2id settings: the algorithm is the same, the tests stay fast.
  boost::asio::thread_pool workers_{1};
  adapters::SodiumPasswordHasher hasher_{workers_.get_executor(), crypto_pwhash_OPSLIMIT_MIN,
                                         crypto_pwhash_MEMLIMIT_MIN};
  adapters::Hs256TokenCodec tokens_{std::string(32, 'k'), std::chrono::seconds(3600)};
  Sessions sessions_{users_, tokens_, clock_, {}};
  LoginGuard guard_{clock_, {}};
  Accounts accounts_{users_, hasher_, sessions_, guard_};

  absl::StatusOr<domain::Principal> Authenticate(const std::string& token) {
    auto claims = base::RunToCompletion(sessions_.Authenticate(token));
    if (!claims.ok()) return claims.status();
    return claims->principal;
  }
};

TEST_F(AccountsTest, RegisterThenLoginYieldsATokenForThatUser) {
  auto id = base::RunToCompletion(accounts_.Register("alice", "correct horse", kAddress));
  ASSERT_TRUE(id.ok());
  auto stored = base::RunToCompletion(users_.FindByUsername("alice")).value();
  EXPECT_EQ(stored->password_hash.rfind("$argon2id$", 0), 0u);  // never the plain password
  auto session = base::RunToCompletion(accounts_.Login("alice", "correct horse", kAddress));
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->user_id, *id);
  EXPECT_EQ(Authenticate(session->token.value)->user_id, *id);
}

TEST_F(AccountsTest, WrongPasswordAndUnknownUserLookTheSame) {
  ASSERT_TRUE(base::RunToCompletion(accounts_.Register("alice", "correct horse", kAddress)).ok());
  auto wrong = base::RunToCompletion(accounts_.Login("alice", "wrong horse", kAddress));
  auto unknown = base::RunToCompletion(accounts_.Login("bob", "correct horse", kAddress));
  EXPECT_TRUE(absl::IsUnauthenticated(wrong.status()));
  EXPECT_EQ(wrong.status(), unknown.status());
}

TEST_F(AccountsTest, DuplicateAndInvalidRegistrationsAreRefused) {
  ASSERT_TRUE(base::RunToCompletion(accounts_.Register("alice", "correct horse", kAddress)).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(
      base::RunToCompletion(accounts_.Register("alice", "another one", kAddress)).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      base::RunToCompletion(accounts_.Register("a b", "correct horse", kAddress)).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      base::RunToCompletion(accounts_.Register("carol", "short", kAddress)).status()));
}

TEST_F(AccountsTest, BulkBuyersGetTokensAndCanLogIn) {
  auto issued = base::RunToCompletion(accounts_.RegisterMany("load", 3, "bulk-password"));
  ASSERT_TRUE(issued.ok());
  ASSERT_EQ(issued->size(), 3u);
  EXPECT_EQ((*issued)[2].username, "load-3");
  EXPECT_EQ(Authenticate((*issued)[0].token.value)->user_id, (*issued)[0].user_id);
  EXPECT_TRUE(base::RunToCompletion(accounts_.Login("load-2", "bulk-password", kAddress)).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(
      base::RunToCompletion(accounts_.RegisterMany("load", 3, "bulk-password")).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      base::RunToCompletion(accounts_.RegisterMany("load", 0, "bulk-password")).status()));
}

TEST_F(AccountsTest, EnsureAdminCreatesOnce) {
  ASSERT_TRUE(base::RunToCompletion(accounts_.EnsureAdmin("admin", "admin-password")).ok());
  ASSERT_TRUE(base::RunToCompletion(accounts_.EnsureAdmin("admin", "admin-password")).ok());
  auto session = base::RunToCompletion(accounts_.Login("admin", "admin-password", kAddress));
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(Authenticate(session->token.value)->role, domain::Role::kAdmin);
}

TEST_F(AccountsTest, TheAdminsPasswordFollowsTheConfiguredOne) {
  ASSERT_TRUE(base::RunToCompletion(accounts_.EnsureAdmin("admin", "first-password")).ok());
  auto old_session = base::RunToCompletion(accounts_.Login("admin", "first-password", kAddress));
  ASSERT_TRUE(old_session.ok());
  // The operator changed admin.password and restarted.
  ASSERT_TRUE(base::RunToCompletion(accounts_.EnsureAdmin("admin", "second-password")).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(
      base::RunToCompletion(accounts_.Login("admin", "first-password", kAddress)).status()));
  auto session = base::RunToCompletion(accounts_.Login("admin", "second-password", kAddress));
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(Authenticate(session->token.value)->role, domain::Role::kAdmin);
  // Tokens got with the old password are revoked with it.
  EXPECT_TRUE(absl::IsUnauthenticated(Authenticate(old_session->token.value).status()));
}

TEST_F(AccountsTest, ABuyerIsNeverMadeAdmin) {
  ASSERT_TRUE(base::RunToCompletion(accounts_.Register("boss", "boss-password", kAddress)).ok());
  const absl::Status refused =
      base::RunToCompletion(accounts_.EnsureAdmin("boss", "admin-password"));
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  auto boss = base::RunToCompletion(users_.FindByUsername("boss")).value();
  EXPECT_EQ(boss->role, domain::Role::kBuyer);
  // The buyer's own password is untouched, and the configured one does not work.
  EXPECT_TRUE(base::RunToCompletion(accounts_.Login("boss", "boss-password", kAddress)).ok());
  EXPECT_FALSE(base::RunToCompletion(accounts_.Login("boss", "admin-password", kAddress)).ok());
}

TEST_F(AccountsTest, RepeatedFailuresMakeOnlyThatAccountAndAddressWait) {
  ASSERT_TRUE(base::RunToCompletion(accounts_.Register("alice", "correct horse", kAddress)).ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(absl::IsUnauthenticated(
        base::RunToCompletion(accounts_.Login("alice", "guess", kAddress)).status()));
  }
  // Even the right password waits now, from the guesser's address ...
  const absl::Status waiting =
      base::RunToCompletion(accounts_.Login("alice", "correct horse", kAddress)).status();
  EXPECT_TRUE(absl::IsResourceExhausted(waiting)) << waiting;
  EXPECT_EQ(std::string(*waiting.GetPayload(LoginGuard::kRetryAfterPayload)), "1");
  // ... but not from elsewhere.
  EXPECT_TRUE(
      base::RunToCompletion(accounts_.Login("alice", "correct horse", "198.51.100.7")).ok());
  clock_.AdvanceMs(1'000);
  EXPECT_TRUE(base::RunToCompletion(accounts_.Login("alice", "correct horse", kAddress)).ok());
}

}  // namespace
}  // namespace seckill::gateway::app
