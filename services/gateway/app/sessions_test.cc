#include "services/gateway/app/sessions.h"

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "services/gateway/testing/in_memory_user_repository.h"

namespace seckill::gateway::app {
namespace {

constexpr int64_t kTtlMs = 3'600'000;

class SessionsTest : public ::testing::Test {
 protected:
  uint64_t NewUser(const std::string& name) {
    return base::RunToCompletion(users_.Create({0, name, "hash", domain::Role::kBuyer})).value();
  }
  domain::Token Open(Sessions& sessions, uint64_t user_id) {
    return sessions.Open({user_id, domain::Role::kBuyer}, domain::kFirstTokenVersion);
  }
  static absl::Status Check(Sessions& sessions, const domain::Token& token) {
    return base::RunToCompletion(sessions.Authenticate(token.value)).status();
  }

  base::ManualClock clock_{1'800'000'000'000};
  testing::InMemoryUserRepository users_;
  adapters::Hs256TokenCodec tokens_{std::string(32, 'k'), std::chrono::seconds(kTtlMs / 1000)};
  Sessions::Options options_{.token_ttl_ms = kTtlMs};
  Sessions here_{users_, tokens_, clock_, options_};
  Sessions elsewhere_{users_, tokens_, clock_, options_};  // another gateway on the same store
};

TEST_F(SessionsTest, LoggingOutRevokesThatTokenOnlyAtOnce) {
  const uint64_t alice = NewUser("alice");
  const domain::Token phone = Open(here_, alice), laptop = Open(here_, alice);
  ASSERT_TRUE(Check(here_, phone).ok());
  ASSERT_TRUE(base::RunToCompletion(here_.Close(phone.value)).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(Check(here_, phone)));
  EXPECT_TRUE(Check(here_, laptop).ok());
  // Closing it twice: it no longer stands.
  EXPECT_TRUE(absl::IsUnauthenticated(base::RunToCompletion(here_.Close(phone.value))));
}

TEST_F(SessionsTest, RevokingAllRefusesEveryEarlierTokenButNotLaterOnes) {
  const uint64_t bob = NewUser("bob");
  const domain::Token first = Open(here_, bob), second = Open(here_, bob);
  ASSERT_TRUE(base::RunToCompletion(here_.CloseAll(bob)).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(Check(here_, first)));
  EXPECT_TRUE(absl::IsUnauthenticated(Check(here_, second)));
  const domain::Token after =
      here_.Open({bob, domain::Role::kBuyer},
                 base::RunToCompletion(users_.FindTokenVersion(bob)).value().value());
  EXPECT_TRUE(Check(here_, after).ok());
  EXPECT_TRUE(absl::IsNotFound(base::RunToCompletion(here_.CloseAll(bob + 100))));
}

TEST_F(SessionsTest, ATokenForAUserTheStoreDoesNotKnowIsRefused) {
  const domain::Token ghost = tokens_.Issue({4242, domain::Role::kBuyer}, 1, clock_.NowMs());
  const absl::Status refused = Check(here_, ghost);
  EXPECT_TRUE(absl::IsUnauthenticated(refused));
  EXPECT_NE(refused.message().find("does not exist"), std::string_view::npos) << refused;
}

TEST_F(SessionsTest, AnotherGatewayLearnsOfRevocationsAtItsNextRefresh) {
  const uint64_t carol = NewUser("carol");
  const domain::Token logged_out = Open(here_, carol);
  // The other gateway has never seen carol: it reads her version from the store.
  ASSERT_TRUE(Check(elsewhere_, logged_out).ok());
  ASSERT_TRUE(base::RunToCompletion(here_.Close(logged_out.value)).ok());
  EXPECT_TRUE(Check(elsewhere_, logged_out).ok()) << "not pulled yet";
  ASSERT_TRUE(base::RunToCompletion(elsewhere_.Refresh()).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(Check(elsewhere_, logged_out)));

  const domain::Token kept = Open(here_, carol);
  ASSERT_TRUE(Check(elsewhere_, kept).ok());
  ASSERT_TRUE(base::RunToCompletion(here_.CloseAll(carol)).ok());
  ASSERT_TRUE(base::RunToCompletion(elsewhere_.Refresh()).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(Check(elsewhere_, kept)));
  // A gateway started after the revocation reads the new version: the old token stays refused.
  Sessions fresh(users_, tokens_, clock_, options_);
  EXPECT_TRUE(absl::IsUnauthenticated(Check(fresh, kept)));
}

TEST_F(SessionsTest, ExpiredRevocationsAreForgotten) {
  const uint64_t dave = NewUser("dave");
  const domain::Token token = Open(here_, dave);
  ASSERT_TRUE(base::RunToCompletion(here_.Close(token.value)).ok());
  clock_.AdvanceMs(kTtlMs + 1);
  ASSERT_TRUE(base::RunToCompletion(here_.Refresh()).ok());
  EXPECT_TRUE(base::RunToCompletion(users_.RevocationsAfter(0, 10)).value().empty());
  // The token itself has expired by now.
  EXPECT_TRUE(absl::IsUnauthenticated(Check(here_, token)));
}

}  // namespace
}  // namespace seckill::gateway::app
