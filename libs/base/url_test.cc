#include "libs/base/url.h"

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

TEST(UrlTest, ParsesAmqpUrlWithCredentialsAndEncodedVhost) {
  auto url = ParseUrl("amqp://guest:pw%40x@127.0.0.1:5673/%2f", 5672);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->scheme, "amqp");
  EXPECT_EQ(url->user, "guest");
  EXPECT_EQ(url->password, "pw@x");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 5673);
  EXPECT_EQ(url->path, "/");
}

TEST(UrlTest, DefaultsThePort) {
  auto url = ParseUrl("redis://localhost", 6379);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->port, 6379);
  EXPECT_EQ(url->path, "");
}

TEST(UrlTest, RejectsMissingSchemeHostAndBadPort) {
  EXPECT_FALSE(ParseUrl("localhost:6379", 1).ok());
  EXPECT_FALSE(ParseUrl("redis://:6379", 1).ok());
  EXPECT_FALSE(ParseUrl("redis://h:99999", 1).ok());
  EXPECT_FALSE(ParseUrl("redis://h:x", 1).ok());
}

}  // namespace
}  // namespace seckill::base
