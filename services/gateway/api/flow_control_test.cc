// HTTP behaviour of flow control (HTTP1-HTTP3 of docs/flow-control-spec.md) and the gateway's
// parameter sources for hotspot rules.
#include "services/gateway/api/flow_control.h"

#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "tools/bench/sale_client.h"

namespace seckill::gateway::api {
namespace {

using namespace std::chrono_literals;
const std::string kOrderRoute = "POST /api/v1/activities/{id}/orders";

class FlowControlTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(flow_.Start({kOrderRoute, "grpc:order"}, "").ok()); }
  Admission Order(uint64_t user, const std::string& activity = "7") {
    http::Request request;
    request.method = "POST";
    request.path = "/api/v1/activities/" + activity + "/orders";
    domain::Principal principal{user, domain::Role::kBuyer};
    return flow_.Admit(kOrderRoute, request, {{"id", activity}}, &principal);
  }
  flowcontrol::ManualClock clock_{100s};
  FlowControl flow_{clock_};
};

TEST_F(FlowControlTest, Http_429Headers) {
  ASSERT_TRUE(
      flow_
          .LoadRules(
              R"j({"flowRules":[{"id":"seckill-qps","resource":"POST /api/v1/activities/{id}/orders","threshold":5}]})j")
          .ok());
  for (int i = 0; i < 5; ++i) {
    Admission a = Order(static_cast<uint64_t>(i + 1));
    EXPECT_FALSE(a.refusal.has_value()) << i;
    flow_.Complete(a, 202);
  }
  Admission sixth = Order(99);
  ASSERT_TRUE(sixth.refusal.has_value());
  EXPECT_EQ(sixth.refusal->status, 429);
  EXPECT_EQ(http::HeaderValue(*sixth.refusal, "Retry-After"), "1");
  EXPECT_EQ(bench::ErrorCode(sixth.refusal->body), "RATE_LIMITED");
  EXPECT_NE(sixth.refusal->body.find(R"("reason":"FLOW")"), std::string::npos);
  EXPECT_NE(flow_.MetricsJson().find(R"("FLOW":1)"), std::string::npos);
}

TEST_F(FlowControlTest, Http_503OnOpenBreaker) {
  ASSERT_TRUE(
      flow_
          .LoadRules(R"j({"circuitBreakerRules":[{"id":"order-service","resource":"grpc:order",
      "strategy":"ERROR_COUNT","threshold":0,"minRequestAmount":1,"retryTimeoutMs":5000}]})j")
          .ok());
  std::shared_ptr<void> ticket;
  ASSERT_FALSE(flow_.Before("order", &ticket).has_value());
  flow_.After(ticket, absl::UnavailableError("connection refused"));
  std::shared_ptr<void> refused_ticket;
  std::optional<absl::Status> refused = flow_.Before("order", &refused_ticket);
  ASSERT_TRUE(refused.has_value());
  EXPECT_TRUE(absl::IsUnavailable(*refused));
  EXPECT_EQ(std::string(*refused->GetPayload(kDegradePayload)), "5");  // Retry-After seconds
  EXPECT_NE(flow_.MetricsJson().find(R"("state":"OPEN")"), std::string::npos);
  // Business refusals are not errors: a breaker over them would never trip.
  clock_.Advance(6s);
  ASSERT_FALSE(flow_.Before("order", &ticket).has_value());  // the half-open probe
  flow_.After(ticket, absl::OkStatus());
  EXPECT_NE(flow_.MetricsJson().find(R"("state":"CLOSED")"), std::string::npos);
}

TEST_F(FlowControlTest, Http_DryRunPassesWithHeader) {
  ASSERT_TRUE(
      flow_
          .LoadRules(
              R"j({"flowRules":[{"id":"trial","resource":"POST /api/v1/activities/{id}/orders","threshold":0,"dryRun":true}]})j")
          .ok());
  Admission a = Order(1);
  EXPECT_FALSE(a.refusal.has_value());
  ASSERT_EQ(a.headers.size(), 1u);
  EXPECT_EQ(a.headers[0].first, "X-FlowGuard-DryRun");
  EXPECT_EQ(a.headers[0].second, "would-block;reason=FLOW");
  EXPECT_NE(flow_.MetricsJson().find(R"("wouldBlock":1)"), std::string::npos);
}

TEST_F(FlowControlTest, HotspotPerUserAndPerActivity) {
  ASSERT_TRUE(flow_
                  .LoadRules(R"j({"hotspotRules":[
      {"id":"per-user","resource":"POST /api/v1/activities/{id}/orders","paramSource":"JWT_CLAIM(sub)","threshold":2},
      {"id":"per-activity","resource":"POST /api/v1/activities/{id}/orders","paramSource":"PATH_VAR(id)","threshold":3}]})j")
                  .ok());
  EXPECT_FALSE(Order(1).refusal.has_value());
  EXPECT_FALSE(Order(1).refusal.has_value());
  Admission third = Order(1);
  ASSERT_TRUE(third.refusal.has_value());
  EXPECT_NE(third.refusal->body.find(R"("reason":"HOTSPOT")"), std::string::npos);
  Admission two = Order(2);
  EXPECT_FALSE(two.refusal.has_value()) << two.refusal->body;  // the activity's third unit
  EXPECT_TRUE(Order(3).refusal.has_value());                   // activity 7 is at its limit
  EXPECT_FALSE(Order(3, "8").refusal.has_value());             // another activity is not
}

// Login guesses are counted per account named in the body, whatever its case; a body without
// the field is not counted by the rule (it is a bad request).
TEST_F(FlowControlTest, HotspotPerBodyField) {
  ASSERT_TRUE(flow_
                  .LoadRules(R"j({"hotspotRules":[
      {"id":"per-account","resource":"POST /api/v1/sessions","paramSource":"BODY_FIELD(username)","threshold":2}]})j")
                  .ok());
  const auto login = [this](const std::string& body) {
    http::Request request;
    request.method = "POST";
    request.path = "/api/v1/sessions";
    request.body = body;
    return flow_.Admit("POST /api/v1/sessions", request, {}, nullptr);
  };
  EXPECT_FALSE(login(R"({"username":"admin","password":"x"})").refusal.has_value());
  EXPECT_FALSE(login(R"({"username":"Admin","password":"y"})").refusal.has_value());
  Admission third = login(R"({"password":"z","username":"ADMIN"})");
  ASSERT_TRUE(third.refusal.has_value());
  EXPECT_NE(third.refusal->body.find(R"("reason":"HOTSPOT")"), std::string::npos);
  EXPECT_FALSE(login(R"({"username":"alice","password":"x"})").refusal.has_value());
  for (const char* unnamed : {"", "not json", R"({"username":7})", "[]"}) {
    EXPECT_FALSE(login(unnamed).refusal.has_value()) << unnamed;
  }
}

TEST_F(FlowControlTest, WithoutRulesEverythingPasses) {
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(Order(1).refusal.has_value());
}

}  // namespace
}  // namespace seckill::gateway::api
