// The HTTP contract (docs/openapi.yaml) against the running stack: refusals with their exact
// status and code, bad input of every listed kind, and idempotency.
#include <thread>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/http/client.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

using bench::ErrorCode;
using bench::JsonString;

class HttpContractE2eTest : public E2eTest {
 protected:
  // status and error code of one call
  std::pair<int, std::string> Probe(const std::string& method, const std::string& target,
                                    const std::string& body = "", const std::string& token = "",
                                    http::Headers headers = {}) {
    auto r = client_.Call(method, target, body, token, std::move(headers));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {0, ""};
    return {r->status, ErrorCode(r->body)};
  }
  std::pair<int, std::string> ProbeOrder(const std::string& activity, const std::string& token,
                                         const std::string& body) {
    return Probe("POST", fmt::format("/api/v1/activities/{}/orders", activity), body, token);
  }
  void WaitDrained(const std::string& activity) {
    for (int i = 0; i < 100; ++i) {
      auto s = Stats(activity);
      if (s.queued == 0 && s.reserved == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "activity " << activity << " did not drain";
  }
};

using Expect = std::pair<int, std::string>;

// --- the seed's two cases, and the sale window --------------------------------------------

TEST_F(HttpContractE2eTest, UnknownActivityIsNotFound) {
  auto buyer = NewBuyers(1).at(0);
  EXPECT_EQ(ProbeOrder("987654321", buyer.token, ""), Expect(404, "NOT_FOUND"));
  EXPECT_EQ(Probe("GET", "/api/v1/activities/987654321"), Expect(404, "NOT_FOUND"));
}

TEST_F(HttpContractE2eTest, SoldOutIsConflictSoldOut) {
  const std::string activity = NewActivity(1);
  auto buyers = NewBuyers(2);
  EXPECT_EQ(Order(activity, buyers[0].token).status, 202);
  EXPECT_EQ(ProbeOrder(activity, buyers[1].token, ""), Expect(409, "SOLD_OUT"));
  auto r = client_.Call("GET", "/api/v1/activities/" + activity);
  EXPECT_EQ(JsonString(r->body, "status"), "SOLD_OUT");
}

TEST_F(HttpContractE2eTest, NotStartedAndEndedAreRefused) {
  auto buyer = NewBuyers(1).at(0);
  const std::string upcoming = NewActivity(5, 1, 3'600'000, 7'200'000);
  EXPECT_EQ(ProbeOrder(upcoming, buyer.token, ""), Expect(409, "NOT_STARTED"));
  EXPECT_EQ(JsonString(client_.Call("GET", "/api/v1/activities/" + upcoming)->body, "status"),
            "UPCOMING");
  const std::string ended = NewActivity(5, 1, -7'200'000, -3'600'000);
  EXPECT_EQ(ProbeOrder(ended, buyer.token, ""), Expect(409, "ENDED"));
  EXPECT_EQ(JsonString(client_.Call("GET", "/api/v1/activities/" + ended)->body, "status"),
            "ENDED");
  EXPECT_EQ(Stats(upcoming).remaining, 5);
  EXPECT_EQ(Stats(ended).remaining, 5);
}

TEST_F(HttpContractE2eTest, PurchaseLimitAndPerUserCountsHold) {
  const std::string activity = NewActivity(10, 2);
  auto buyer = NewBuyers(1).at(0);
  EXPECT_EQ(Order(activity, buyer.token, R"({"quantity":2})").status, 202);
  EXPECT_EQ(ProbeOrder(activity, buyer.token, R"({"quantity":1})"), Expect(409, "PURCHASE_LIMIT"));
  WaitDrained(activity);
  EXPECT_EQ(Stats(activity).remaining, 8);
}

// --- idempotency ---------------------------------------------------------------------------

TEST_F(HttpContractE2eTest, SameIdempotencyKeyTwiceMakesOneOrder) {
  const std::string activity = NewActivity(10, 5);  // the limit alone would allow a second order
  auto buyer = NewBuyers(1).at(0);
  auto first = Order(activity, buyer.token, "", {{"Idempotency-Key", "checkout-42"}});
  auto second = Order(activity, buyer.token, "", {{"Idempotency-Key", "checkout-42"}});
  ASSERT_EQ(first.status, 202);
  ASSERT_EQ(second.status, 202);
  EXPECT_EQ(JsonString(first.body, "order_id"), JsonString(second.body, "order_id"));
  WaitDrained(activity);
  auto stats = Stats(activity);
  EXPECT_EQ(stats.created, 1);
  EXPECT_EQ(stats.remaining, 9);
  // A different key is a different order.
  EXPECT_EQ(Order(activity, buyer.token, "", {{"Idempotency-Key", "checkout-43"}}).status, 202);
}

// --- orders: owner only, payment ----------------------------------------------------------

TEST_F(HttpContractE2eTest, OrdersAreVisibleToTheirOwnerAndPayableOnce) {
  const std::string activity = NewActivity(5);
  auto buyers = NewBuyers(2);
  const std::string order_id = JsonString(Order(activity, buyers[0].token).body, "order_id");
  ASSERT_FALSE(order_id.empty());
  WaitDrained(activity);
  auto mine = client_.Call("GET", "/api/v1/orders/" + order_id, "", buyers[0].token);
  EXPECT_EQ(mine->status, 200);
  EXPECT_EQ(JsonString(mine->body, "status"), "CREATED");
  EXPECT_EQ(JsonString(mine->body, "activity_id"), activity);
  EXPECT_EQ(Probe("GET", "/api/v1/orders/" + order_id, "", buyers[1].token),
            Expect(404, "NOT_FOUND"));
  EXPECT_EQ(Probe("POST", "/api/v1/orders/" + order_id + "/payment", "", buyers[1].token),
            Expect(404, "NOT_FOUND"));
  auto paid = client_.Call("POST", "/api/v1/orders/" + order_id + "/payment", "", buyers[0].token);
  EXPECT_EQ(paid->status, 200);
  EXPECT_EQ(JsonString(paid->body, "status"), "PAID");
  auto list = client_.Call("GET", "/api/v1/orders", "", buyers[0].token);
  EXPECT_NE(list->body.find(order_id), std::string::npos);
  EXPECT_EQ(Probe("POST", "/api/v1/orders/123456789/payment", "", buyers[0].token),
            Expect(404, "NOT_FOUND"));
  EXPECT_EQ(Stats(activity).paid, 1);
}

// --- accounts -------------------------------------------------------------------------------

TEST_F(HttpContractE2eTest, RegistrationAndLogin) {
  const std::string name = fmt::format("user{}", base::SystemClock().NowMs() % 100'000'000);
  const std::string body = fmt::format(R"({{"username":"{}","password":"a-good-password"}})", name);
  auto created = client_.Call("POST", "/api/v1/users", body);
  EXPECT_EQ(created->status, 201);
  EXPECT_FALSE(JsonString(created->body, "user_id").empty());
  EXPECT_EQ(Probe("POST", "/api/v1/users", body), Expect(409, "USERNAME_TAKEN"));
  auto session = client_.Call("POST", "/api/v1/sessions", body);
  EXPECT_EQ(session->status, 200);
  EXPECT_FALSE(JsonString(session->body, "token").empty());
  EXPECT_FALSE(JsonString(session->body, "expires_at").empty());
  EXPECT_EQ(Probe("POST", "/api/v1/sessions",
                  fmt::format(R"({{"username":"{}","password":"wrong-password"}})", name)),
            Expect(401, "UNAUTHENTICATED"));
  EXPECT_EQ(Probe("POST", "/api/v1/users", R"({"username":"ab","password":"a-good-password"})"),
            Expect(400, "INVALID_ARGUMENT"));
  EXPECT_EQ(
      Probe("POST", "/api/v1/users", R"({"username":"bad name","password":"a-good-password"})"),
      Expect(400, "INVALID_ARGUMENT"));
  EXPECT_EQ(Probe("POST", "/api/v1/users", R"({"username":"okname","password":"short"})"),
            Expect(400, "INVALID_ARGUMENT"));
}

// --- bad input: each with its exact status and code, nothing half-written -------------------

TEST_F(HttpContractE2eTest, MalformedWrongTypedAndUnknownJsonIs400) {
  const std::string activity = NewActivity(3);
  auto buyer = NewBuyers(1).at(0);
  for (const char* body :
       {"{", "[1,2]", "\"quantity\"", R"({"quantity":"1"})", R"({"quantity":1.5})",
        R"({"quantity":true})", R"({"quantity":1,"extra":2})", R"({"qty":1})"}) {
    EXPECT_EQ(ProbeOrder(activity, buyer.token, body), Expect(400, "INVALID_ARGUMENT")) << body;
  }
  EXPECT_EQ(Probe("POST", "/api/v1/users", "{not json"), Expect(400, "INVALID_ARGUMENT"));
  EXPECT_EQ(Probe("POST", "/api/v1/users", R"({"username":1,"password":"a-good-password"})"),
            Expect(400, "INVALID_ARGUMENT"));
  EXPECT_EQ(Probe("POST", "/api/v1/sessions", R"({"username":"x"})"),
            Expect(400, "INVALID_ARGUMENT"));
  EXPECT_EQ(
      Probe(
          "POST", "/admin/v1/activities",
          R"({"product_id":"1","title":"t","price_cents":1,"stock":1,"start_at":"tomorrow","end_at":"2030-01-01T00:00:00Z"})",
          admin_token_),
      Expect(400, "INVALID_ARGUMENT"));
  EXPECT_EQ(
      Probe(
          "POST", "/admin/v1/activities",
          R"({"product_id":"abc","title":"t","price_cents":1,"stock":1,"start_at":"2029-01-01T00:00:00Z","end_at":"2030-01-01T00:00:00Z"})",
          admin_token_),
      Expect(400, "INVALID_ARGUMENT"));
  EXPECT_EQ(Stats(activity).remaining, 3);
}

TEST_F(HttpContractE2eTest, BadQuantitiesAre400) {
  const std::string activity = NewActivity(3);
  auto buyer = NewBuyers(1).at(0);
  for (const char* body : {R"({"quantity":0})", R"({"quantity":-1})", R"({"quantity":1001})",
                           R"({"quantity":99999999999999999999})", R"({"quantity":1e30})",
                           R"({"quantity":-9223372036854775808})"}) {
    EXPECT_EQ(ProbeOrder(activity, buyer.token, body), Expect(400, "INVALID_ARGUMENT")) << body;
  }
  // Within the API's range but above this activity's limit: a purchase-limit refusal.
  EXPECT_EQ(ProbeOrder(activity, buyer.token, R"({"quantity":2})"), Expect(409, "PURCHASE_LIMIT"));
  EXPECT_EQ(Stats(activity).remaining, 3);
}

TEST_F(HttpContractE2eTest, NonNumericAndOutOfRangeIdsAre400) {
  auto buyer = NewBuyers(1).at(0);
  for (const char* id : {"abc", "-1", "0", "1.5", "99999999999999999999999", "1e3", "%20"}) {
    EXPECT_EQ(ProbeOrder(id, buyer.token, ""), Expect(400, "INVALID_ARGUMENT")) << id;
    EXPECT_EQ(Probe("GET", std::string("/api/v1/activities/") + id),
              Expect(400, "INVALID_ARGUMENT"))
        << id;
    EXPECT_EQ(Probe("GET", std::string("/api/v1/orders/") + id, "", buyer.token),
              Expect(400, "INVALID_ARGUMENT"))
        << id;
  }
}

TEST_F(HttpContractE2eTest, BodyOverTheLimitIs413AndHugeHeadersAre431) {
  const std::string activity = NewActivity(3);
  auto buyer = NewBuyers(1).at(0);
  const std::string big = R"({"quantity":1,"pad":")" + std::string(100 * 1024, 'x') + "\"}";
  EXPECT_EQ(ProbeOrder(activity, buyer.token, big), Expect(413, "PAYLOAD_TOO_LARGE"));
  EXPECT_EQ(Probe("GET", "/api/v1/activities", "", "", {{"X-Huge", std::string(16 * 1024, 'h')}}),
            Expect(431, "HEADERS_TOO_LARGE"));
  EXPECT_EQ(Stats(activity).remaining, 3);
}

TEST_F(HttpContractE2eTest, MissingExpiredForgedAndAlgNoneTokensAre401) {
  const std::string activity = NewActivity(3);
  const std::string secret = env_.At("SECKILL_JWT_SECRET");
  const int64_t now = base::SystemClock().NowMs();
  gateway::adapters::Hs256TokenCodec real(secret, std::chrono::seconds(60));
  gateway::adapters::Hs256TokenCodec forger(std::string(64, 'f'), std::chrono::seconds(3600));
  using gateway::adapters::Hs256TokenCodec;
  const std::string none =
      Hs256TokenCodec::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
      Hs256TokenCodec::Base64UrlEncode(R"({"sub":"1","role":"ADMIN","iat":1,"exp":9999999999})") +
      ".";
  const std::string expired =
      real.Issue({1, gateway::domain::Role::kBuyer}, 1, now - 3'600'000).value;
  const std::string forged = forger.Issue({1, gateway::domain::Role::kAdmin}, 1, now).value;
  for (const std::string& token :
       {std::string(), expired, forged, none, std::string("garbage"), std::string("a.b.c")}) {
    EXPECT_EQ(ProbeOrder(activity, token, ""), Expect(401, "UNAUTHENTICATED")) << token;
  }
  EXPECT_EQ(Probe("GET", "/api/v1/orders", "", "", {{"Authorization", "Basic dXNlcjpwdw=="}}),
            Expect(401, "UNAUTHENTICATED"));
  EXPECT_EQ(Probe("POST", "/admin/v1/products", R"({"name":"x","price_cents":1})", forged),
            Expect(401, "UNAUTHENTICATED"));
  EXPECT_EQ(Stats(activity).remaining, 3);
}

// The authentication scheme's name is case-insensitive (RFC 9110 section 11.1).
TEST_F(HttpContractE2eTest, TheBearerSchemeIsMatchedWhateverItsCase) {
  auto buyer = NewBuyers(1).at(0);
  for (const char* scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    auto r = client_.Call("GET", "/api/v1/orders", "", "",
                          {{"Authorization", std::string(scheme) + " " + buyer.token}});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200) << scheme << ": " << r->body;
  }
}

TEST_F(HttpContractE2eTest, BuyersAreForbiddenFromAdminRoutes) {
  auto buyer = NewBuyers(1).at(0);
  EXPECT_EQ(Probe("POST", "/admin/v1/products", R"({"name":"x","price_cents":1})", buyer.token),
            Expect(403, "FORBIDDEN"));
  EXPECT_EQ(Probe("GET", "/admin/v1/activities/1/stats", "", buyer.token),
            Expect(403, "FORBIDDEN"));
}

TEST_F(HttpContractE2eTest, UnknownRoutesAre404AndWrongMethods405) {
  EXPECT_EQ(Probe("GET", "/api/v1/nothing"), Expect(404, "NOT_FOUND"));
  // The pages' files are found by name only: nothing outside the web folder is reachable.
  EXPECT_EQ(Probe("GET", "/assets/nothing.js"), Expect(404, "NOT_FOUND"));
  EXPECT_EQ(Probe("GET", "/assets/..%2f..%2fREADME.md"), Expect(404, "NOT_FOUND"));
  EXPECT_EQ(Probe("GET", "/assets/../../README.md"), Expect(404, "NOT_FOUND"));
  auto r = client_.Call("DELETE", "/api/v1/activities");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(ErrorCode(r->body), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(http::HeaderValue(*r, "allow"), "GET");
  EXPECT_EQ(Probe("GET", "/api/v1/activities/1/orders"), Expect(405, "METHOD_NOT_ALLOWED"));
}

// The storefront, the console and their assets: served with their types, a policy that runs no
// script but the origin's own, and ETags a browser revalidates with.
TEST_F(HttpContractE2eTest, ThePagesAreServedWithAStrictPolicyAndRevalidated) {
  for (const char* page : {"/", "/console"}) {
    auto r = client_.Call("GET", page);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200) << page;
    EXPECT_EQ(http::HeaderValue(*r, "content-type"), "text/html; charset=utf-8") << page;
    EXPECT_NE(http::HeaderValue(*r, "content-security-policy").find("script-src 'self'"),
              std::string::npos)
        << page;
    EXPECT_NE(r->body.find("<script type=\"module\""), std::string::npos) << page;
  }
  auto script = client_.Call("GET", "/assets/store.js");
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_EQ(http::HeaderValue(*script, "content-type"), "text/javascript; charset=utf-8");
  const std::string etag = http::HeaderValue(*script, "etag");
  ASSERT_FALSE(etag.empty());
  auto again = client_.Call("GET", "/assets/store.js", "", "", {{"If-None-Match", etag}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
}

TEST_F(HttpContractE2eTest, BadIdempotencyKeysAre400) {
  const std::string activity = NewActivity(3);
  auto buyer = NewBuyers(1).at(0);
  for (const std::string& key :
       {std::string(65, 'k'), std::string("has space"), std::string("a|b")}) {
    EXPECT_EQ(Probe("POST", fmt::format("/api/v1/activities/{}/orders", activity), "", buyer.token,
                    {{"Idempotency-Key", key}}),
              Expect(400, "INVALID_ARGUMENT"))
        << key;
  }
}

TEST_F(HttpContractE2eTest, MalformedHttpIsAnsweredAndTheServerKeepsServing) {
  const std::string host = client_.host();
  const uint16_t port = client_.port();
  auto garbage = http::SendRaw(host, port, "THIS IS NOT HTTP\r\n\r\n");
  ASSERT_TRUE(garbage.ok());
  EXPECT_NE(garbage->find(" 400 "), std::string::npos) << *garbage;
  auto bad_length = http::SendRaw(
      host, port, "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  ASSERT_TRUE(bad_length.ok());
  EXPECT_NE(bad_length->find(" 400 "), std::string::npos) << *bad_length;
  EXPECT_EQ(Probe("GET", "/healthz"), Expect(200, ""));
  // And a real order still goes through.
  const std::string activity = NewActivity(1);
  EXPECT_EQ(Order(activity, NewBuyers(1).at(0).token).status, 202);
}

}  // namespace
}  // namespace seckill::testing
