#include "libs/http/router.h"

#include "gtest/gtest.h"

namespace seckill::http {
namespace {

RouteHandler Noop() {
  return [](Request, PathParams) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

TEST(RouterTest, MatchesPathVariables) {
  Router router;
  router.Add("POST", "/api/v1/activities/{id}/orders", Noop());
  auto match = router.Find("POST", "/api/v1/activities/42/orders");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/v1/activities/{id}/orders");
  EXPECT_EQ(match.params.at("id"), "42");
}

TEST(RouterTest, WrongMethodOnKnownPathListsAllowedMethods) {
  Router router;
  router.Add("GET", "/api/v1/orders", Noop());
  router.Add("POST", "/api/v1/orders", Noop());
  auto match = router.Find("DELETE", "/api/v1/orders");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_matched);
  EXPECT_EQ(match.allow, "GET, POST");
}

TEST(RouterTest, UnknownPathAndEmptySegmentDoNotMatch) {
  Router router;
  router.Add("GET", "/api/v1/orders/{id}", Noop());
  EXPECT_FALSE(router.Find("GET", "/api/v1/nothing").path_matched);
  EXPECT_FALSE(router.Find("GET", "/api/v1/orders/").path_matched);
  EXPECT_FALSE(router.Find("GET", "/api/v1/orders/1/x").path_matched);
  EXPECT_FALSE(router.Find("GET", "").path_matched);
}

}  // namespace
}  // namespace seckill::http
