#include "libs/etcd/gateway_json.h"

#include "gtest/gtest.h"

namespace seckill::etcd {
namespace {

TEST(GatewayJsonTest, APrefixRangeEndsAtTheNextKey) {
  EXPECT_EQ(PrefixEnd("/seckill/services/order/"), "/seckill/services/order0");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
}

TEST(GatewayJsonTest, NumbersComeAsStringsOrNumbers) {
  const boost::json::object object{
      {"a", "42"}, {"b", 7}, {"c", "x"}, {"d", "18446744073709551615"}};
  EXPECT_EQ(IntField(object, "a"), 42);
  EXPECT_EQ(IntField(object, "b"), 7);
  EXPECT_EQ(IntField(object, "c"), 0);
  EXPECT_EQ(IntField(object, "missing"), 0);
  EXPECT_EQ(IntField(object, "d"), -1) << "an unsigned lease id keeps its bits";
}

TEST(GatewayJsonTest, AnErrorAnswerBecomesItsStatus) {
  http::Response response;
  response.status = 401;
  response.body =
      R"({"error":"etcdserver: invalid auth token","code":16,"message":"etcdserver: invalid auth token"})";
  absl::StatusOr<boost::json::object> answer = ParseAnswer(response);
  EXPECT_TRUE(absl::IsUnauthenticated(answer.status())) << answer.status();

  response.status = 502;
  response.body = "Bad Gateway";
  EXPECT_TRUE(absl::IsUnavailable(ParseAnswer(response).status()));
}

TEST(GatewayJsonTest, KeysAndValuesAreBase64) {
  const boost::json::object kv{{"key", "L2E="}, {"value", "MQ=="}, {"mod_revision", "5"}};
  absl::StatusOr<KeyValue> parsed = ParseKeyValue(kv);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->key, "/a");
  EXPECT_EQ(parsed->value, "1");
  EXPECT_EQ(parsed->mod_revision, 5);
  EXPECT_FALSE(ParseKeyValue(boost::json::object{{"key", "***"}}).ok());
}

}  // namespace
}  // namespace seckill::etcd
