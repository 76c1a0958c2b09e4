#include "libs/base/config.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

TEST(ConfigTest, ReadsNestedKeysAndFallsBack) {
  Config config = Config::FromYamlForTest("redis:\n  url: redis://a:1\ngrpc:\n  port: 9000\n");
  EXPECT_EQ(config.GetString("redis.url", "x"), "redis://a:1");
  EXPECT_EQ(config.GetString("redis.missing", "x"), "x");
  EXPECT_EQ(config.GetInt("grpc.port", 1).value(), 9000);
  EXPECT_EQ(config.GetInt("grpc.other", 7).value(), 7);
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  Config config = Config::FromYamlForTest("grpc:\n  port: 9000\n");
  ::setenv("SECKILL_GRPC_PORT", "9100", 1);
  EXPECT_EQ(config.GetInt("grpc.port", 1).value(), 9100);
  ::unsetenv("SECKILL_GRPC_PORT");
}

TEST(ConfigTest, NonIntegerIsAnErrorNamingTheVariable) {
  Config config = Config::FromYamlForTest("grpc:\n  port: abc\n");
  auto port = config.GetInt("grpc.port", 1);
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("SECKILL_GRPC_PORT"), std::string::npos);
}

TEST(ConfigTest, RequiredValueMissingSaysWhereToSetIt) {
  Config config = Config::FromYamlForTest("{}");
  auto secret = config.RequireString("jwt.secret");
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.status().message().find("SECKILL_JWT_SECRET"), std::string::npos);
}

TEST(ConfigTest, MissingFileIsInvalidArgument) {
  EXPECT_EQ(Config::Load("/nonexistent/seckill.yaml").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace seckill::base
