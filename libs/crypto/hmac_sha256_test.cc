#include "libs/crypto/hmac_sha256.h"

#include "gtest/gtest.h"

namespace seckill::crypto {
namespace {

// RFC 4231, test case 2.
TEST(HmacSha256Test, MatchesRfc4231) {
  const HmacSha256 mac("Jefe");
  EXPECT_EQ(ToHex(mac.Mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Test, VerifyRefusesAnotherMessageKeyOrLength) {
  const HmacSha256 mac("a key of the services, at least 32 bytes long");
  const std::string signature = mac.Mac("order 1: 1 unit");
  EXPECT_TRUE(mac.Verify("order 1: 1 unit", signature));
  EXPECT_FALSE(mac.Verify("order 1: 3 units", signature));
  EXPECT_FALSE(mac.Verify("order 1: 1 unit", signature.substr(0, 31)));
  EXPECT_FALSE(
      HmacSha256("another key, also at least 32 bytes long").Verify("order 1: 1 unit", signature));
}

TEST(HmacSha256Test, HexRoundTripsAndRefusesNonHex) {
  std::string bytes;
  ASSERT_TRUE(FromHex(ToHex(std::string("\x00\x7f\xff", 3)), &bytes));
  EXPECT_EQ(bytes, std::string("\x00\x7f\xff", 3));
  EXPECT_FALSE(FromHex("abc", &bytes));
  EXPECT_FALSE(FromHex("zz", &bytes));
}

}  // namespace
}  // namespace seckill::crypto
