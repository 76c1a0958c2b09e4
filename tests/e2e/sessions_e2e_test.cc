// Tokens at the HTTP edge (issue "Trust nothing on the host"): a buyer's logout and an admin's
// "revoke all of user X" take effect at once; a correctly signed token for a user that does not
// exist is refused.
#include <chrono>

#include "gtest/gtest.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

class SessionsE2eTest : public E2eTest {
 protected:
  int Status(const std::string& method, const std::string& target, const std::string& token,
             const std::string& body = "") {
    auto r = client_.Call(method, target, body, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->status : 0;
  }
  // The buyer's own orders: 200 while the token stands, 401 once it is revoked.
  int ListOrders(const std::string& token) { return Status("GET", "/api/v1/orders", token); }
};

TEST_F(SessionsE2eTest, LoggingOutRevokesThatTokenAtOnceAndNoOther) {
  const bench::BuyerAccount buyer = NewBuyers(1).front();
  auto second = client_.Login(buyer.username, "e2e-password");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(ListOrders(buyer.token), 200);

  EXPECT_EQ(Status("POST", "/api/v1/sessions/current:revoke", buyer.token), 200);
  EXPECT_EQ(ListOrders(buyer.token), 401);
  EXPECT_EQ(Status("POST", "/api/v1/sessions/current:revoke", buyer.token), 401);
  EXPECT_EQ(ListOrders(*second), 200) << "another session of the same buyer stands";
}

TEST_F(SessionsE2eTest, AnAdminRevokesEveryTokenOfAUser) {
  const std::vector<bench::BuyerAccount> buyers = NewBuyers(2);
  const bench::BuyerAccount& victim = buyers[0];
  const bench::BuyerAccount& bystander = buyers[1];
  auto second = client_.Login(victim.username, "e2e-password");
  ASSERT_TRUE(second.ok()) << second.status();
  const std::string target = "/admin/v1/users/" + victim.user_id + "/sessions:revoke";

  EXPECT_EQ(Status("POST", target, bystander.token), 403) << "buyers may not";
  EXPECT_EQ(Status("POST", target, admin_token_), 200);
  EXPECT_EQ(ListOrders(victim.token), 401);
  EXPECT_EQ(ListOrders(*second), 401);
  EXPECT_EQ(ListOrders(bystander.token), 200);
  auto again = client_.Login(victim.username, "e2e-password");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(ListOrders(*again), 200) << "a login after the revocation stands";

  EXPECT_EQ(Status("POST", "/admin/v1/users/999999999999/sessions:revoke", admin_token_), 404);
  EXPECT_EQ(Status("POST", "/admin/v1/users/0/sessions:revoke", admin_token_), 400);
}

// Signed with the stack's own key: what a token of a deleted account, or one from before the
// database was reset, looks like.
TEST_F(SessionsE2eTest, ATokenForAUserThatDoesNotExistIsRefused) {
  const gateway::adapters::Hs256TokenCodec codec(env_.At("SECKILL_JWT_SECRET"),
                                                 std::chrono::seconds(600));
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const gateway::domain::Token ghost =
      codec.Issue({999'999'999'999, gateway::domain::Role::kBuyer}, 1, now_ms);
  EXPECT_EQ(ListOrders(ghost.value), 401);
  // The control: the same key and claims for a real buyer pass.
  const bench::BuyerAccount buyer = NewBuyers(1).front();
  const gateway::domain::Token real =
      codec.Issue({std::stoull(buyer.user_id), gateway::domain::Role::kBuyer}, 1, now_ms);
  EXPECT_EQ(ListOrders(real.value), 200);
}

}  // namespace
}  // namespace seckill::testing
