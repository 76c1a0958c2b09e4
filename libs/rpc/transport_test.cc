#include "gtest/gtest.h"
#include "libs/base/config.h"
#include "libs/rpc/mutual_tls.h"

namespace seckill::rpc {
namespace {

absl::Status LoadTransport(const std::string& yaml, Transport& transport) {
  base::Mode mode = base::Mode::kDevelopment;
  base::SettingsSchema schema;
  DescribeTransport(schema, transport, mode);
  base::DescribeMode(schema, mode);
  return schema.Load(base::Config::FromYamlForTest(yaml));
}

TEST(TransportTest, MutualTlsUnlessPlainTextIsAskedForByName) {
  Transport transport = Transport::kPlaintext;
  ASSERT_TRUE(LoadTransport("{}", transport).ok());
  EXPECT_EQ(transport, Transport::kMutualTls);
  ASSERT_TRUE(LoadTransport("grpc: {transport: plaintext}", transport).ok());
  EXPECT_EQ(transport, Transport::kPlaintext);
  ASSERT_TRUE(LoadTransport("grpc: {transport: mutual-tls}", transport).ok());
  EXPECT_EQ(transport, Transport::kMutualTls);
}

TEST(TransportTest, AnythingElseIsRefusedNamingTheSetting) {
  for (const char* junk : {"tls", "none", "off", "PLAINTEXT"}) {
    Transport transport = Transport::kMutualTls;
    const absl::Status s =
        LoadTransport(std::string("grpc: {transport: '") + junk + "'}", transport);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << junk;
    EXPECT_NE(s.message().find("SECKILL_GRPC_TRANSPORT"), std::string::npos) << s.message();
    EXPECT_EQ(transport, Transport::kMutualTls);
  }
}

TEST(TransportTest, ProductionModeRefusesPlainText) {
  Transport transport = Transport::kMutualTls;
  const absl::Status s =
      LoadTransport("{mode: production, grpc: {transport: plaintext}}", transport);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("mode is production"), std::string::npos) << s.message();
  EXPECT_TRUE(LoadTransport("{mode: production, grpc: {transport: mutual-tls}}", transport).ok());
}

}  // namespace
}  // namespace seckill::rpc
