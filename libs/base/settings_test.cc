#include "libs/base/settings.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

struct Example {
  int64_t port = 8080;
  std::chrono::seconds ttl{30};
  std::string name;
  std::string secret;
};

SettingsSchema Describe(Example& e) {
  SettingsSchema schema;
  schema.Int("server.port", &e.port, 1, 65535, "the port");
  schema.Seconds("cache.ttl_s", &e.ttl, 1, 3600, "how long");
  schema.String("server.name", &e.name, "the name", SettingsSchema::Need::kRequired);
  schema.Secret("server.secret", &e.secret, "the key", SettingsSchema::Need::kOptional);
  schema.Rule([&e] {
    return e.name != "forbidden" ? absl::OkStatus() : absl::InvalidArgumentError("bad name");
  });
  return schema;
}

TEST(SettingsTest, UnsetKeysKeepTheStructDefaults) {
  Example e;
  ASSERT_TRUE(Describe(e).Load(Config::FromYamlForTest("server: {name: a}")).ok());
  EXPECT_EQ(e.port, 8080);
  EXPECT_EQ(e.ttl, std::chrono::seconds(30));
  EXPECT_EQ(e.name, "a");
}

TEST(SettingsTest, FileValuesAreReadAndTheEnvironmentWins) {
  Example e;
  ::setenv("SECKILL_CACHE_TTL_S", "7", 1);
  const absl::Status s =
      Describe(e).Load(Config::FromYamlForTest("server: {name: a, port: 81}\ncache: {ttl_s: 9}"));
  ::unsetenv("SECKILL_CACHE_TTL_S");
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(e.port, 81);
  EXPECT_EQ(e.ttl, std::chrono::seconds(7));
}

TEST(SettingsTest, AnUnknownKeyInTheFileIsAnError) {
  Example e;
  const absl::Status s = Describe(e).Load(Config::FromYamlForTest("server: {name: a, prot: 81}"));
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("server.prot"), absl::string_view::npos) << s;
}

TEST(SettingsTest, ABadValueNamesItsKeyAndVariable) {
  Example e;
  absl::Status s = Describe(e).Load(Config::FromYamlForTest("server: {name: a, port: 0}"));
  EXPECT_NE(s.message().find("server.port (SECKILL_SERVER_PORT): must be 1 to 65535"),
            absl::string_view::npos)
      << s;
  s = Describe(e).Load(Config::FromYamlForTest("server: {name: a, port: x1}"));
  EXPECT_NE(s.message().find("server.port (SECKILL_SERVER_PORT): must be an integer"),
            absl::string_view::npos)
      << s;
}

TEST(SettingsTest, RequiredKeysAndRulesAreChecked) {
  Example e;
  absl::Status s = Describe(e).Load(Config::FromYamlForTest("server: {port: 81}"));
  EXPECT_NE(s.message().find("server.name is required (set it in the file or in "
                             "SECKILL_SERVER_NAME)"),
            absl::string_view::npos)
      << s;
  s = Describe(e).Load(Config::FromYamlForTest("server: {name: forbidden}"));
  EXPECT_EQ(s.message(), "bad name");
}

TEST(SettingsTest, HelpListsEveryKeyWithItsVariableAndDefaultButNoSecret) {
  Example e;
  e.secret = "hunter2";
  const std::string help = Describe(e).Help();
  EXPECT_NE(help.find("server.port"), std::string::npos);
  EXPECT_NE(help.find("SECKILL_SERVER_PORT"), std::string::npos);
  EXPECT_NE(help.find("default 8080"), std::string::npos);
  EXPECT_NE(help.find("cache.ttl_s"), std::string::npos);
  EXPECT_EQ(help.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace seckill::base
