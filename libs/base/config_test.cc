#include "libs/base/config.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

// Keys no service has, so a stack's SECKILL_* variables in the test's environment change nothing.
TEST(ConfigTest, ReadsNestedKeys) {
  Config config = Config::FromYamlForTest("shelf:\n  url: shelf://a:1\nbasket:\n  port: 9000\n");
  std::string value;
  ASSERT_TRUE(config.Lookup("shelf.url", &value));
  EXPECT_EQ(value, "shelf://a:1");
  ASSERT_TRUE(config.Lookup("basket.port", &value));
  EXPECT_EQ(value, "9000");
  EXPECT_FALSE(config.Lookup("shelf.missing", &value));
  EXPECT_FALSE(config.Lookup("shelf", &value));  // a map, not a value
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  Config config = Config::FromYamlForTest("grpc:\n  port: 9000\n");
  ::setenv("SECKILL_GRPC_PORT", "9100", 1);
  std::string value;
  const bool found = config.Lookup("grpc.port", &value);
  ::unsetenv("SECKILL_GRPC_PORT");
  ASSERT_TRUE(found);
  EXPECT_EQ(value, "9100");
}

TEST(ConfigTest, FileKeysAreEveryValueOfTheFile) {
  Config config = Config::FromYamlForTest("grpc: {port: 1}\ndb: {host: h, name: n}\n");
  EXPECT_EQ(config.FileKeys(), (std::vector<std::string>{"grpc.port", "db.host", "db.name"}));
}

TEST(ConfigTest, EnvNameIsTheKeyUpperCasedWithUnderscores) {
  EXPECT_EQ(Config::EnvName("stock.ledger_retention_s"), "SECKILL_STOCK_LEDGER_RETENTION_S");
}

TEST(ConfigTest, MissingFileIsInvalidArgument) {
  EXPECT_EQ(Config::Load("/nonexistent/seckill.yaml").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace seckill::base
