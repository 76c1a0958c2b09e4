#include "services/gateway/adapters/hs256_token_codec.h"

#include "gtest/gtest.h"

namespace seckill::gateway::adapters {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;
const std::string kSecret(32, 's');

TEST(Hs256TokenCodecTest, IssuedTokenVerifiesUntilItExpires) {
  Hs256TokenCodec codec(kSecret, std::chrono::seconds(60));
  domain::Token token = codec.Issue({42, domain::Role::kAdmin}, 7, kNow);
  EXPECT_EQ(token.expires_at_ms, kNow + 60'000);
  auto claims = codec.Verify(token.value, kNow + 59'000);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->principal.user_id, 42u);
  EXPECT_EQ(claims->principal.role, domain::Role::kAdmin);
  EXPECT_EQ(claims->token_version, 7u);
  EXPECT_EQ(claims->expires_at_ms, kNow + 60'000);
  EXPECT_TRUE(absl::IsUnauthenticated(codec.Verify(token.value, kNow + 60'000).status()));
}

TEST(Hs256TokenCodecTest, EveryTokenHasItsOwnId) {
  Hs256TokenCodec codec(kSecret, std::chrono::seconds(60));
  auto a = codec.Verify(codec.Issue({1, domain::Role::kBuyer}, 1, kNow).value, kNow);
  auto b = codec.Verify(codec.Issue({1, domain::Role::kBuyer}, 1, kNow).value, kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->token_id.size(), 32u);
  EXPECT_NE(a->token_id, b->token_id);
}

// Correctly signed claims that the codec must still refuse.
TEST(Hs256TokenCodecTest, RefusesOutOfRangeClaimsWithoutOverflowing) {
  Hs256TokenCodec codec(kSecret, std::chrono::seconds(60));
  const std::string header = Hs256TokenCodec::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  const auto signed_token = [&](const std::string& claims) {
    const std::string input = header + "." + Hs256TokenCodec::Base64UrlEncode(claims);
    return input + "." + Hs256TokenCodec::Base64UrlEncode(codec.SignForTest(input));
  };
  const std::string jti = R"("jti":"0123456789abcdef0123456789abcdef")";
  // The control: the same shape with sane values verifies.
  EXPECT_TRUE(codec
                  .Verify(signed_token(R"({"sub":"1","role":"BUYER","ver":1,)" + jti +
                                       R"(,"exp":1800000060})"),
                          kNow)
                  .ok());
  for (const char* exp :
       {"9223372036854775807", "9223372036854776", "253402300800", "-9223372036854775808", "0"}) {
    EXPECT_FALSE(codec
                     .Verify(signed_token(R"({"sub":"1","role":"BUYER","ver":1,)" + jti +
                                          R"(,"exp":)" + exp + "}"),
                             kNow)
                     .ok())
        << exp;
  }
  for (const char* ver : {"0", "-1", "4294967296", "\"1\""}) {
    EXPECT_FALSE(codec
                     .Verify(signed_token(std::string(R"({"sub":"1","role":"BUYER","ver":)") + ver +
                                          "," + jti + R"(,"exp":1800000060})"),
                             kNow)
                     .ok())
        << ver;
  }
  for (const char* id :
       {R"("jti":"")", R"("jti":"0123456789ABCDEF0123456789ABCDEF")", R"("jti":7)"}) {
    EXPECT_FALSE(codec
                     .Verify(signed_token(std::string(R"({"sub":"1","role":"BUYER","ver":1,)") +
                                          id + R"(,"exp":1800000060})"),
                             kNow)
                     .ok())
        << id;
  }
  // Without ver or jti (tokens issued before they existed).
  EXPECT_FALSE(
      codec.Verify(signed_token(R"({"sub":"1","role":"BUYER","exp":1800000060})"), kNow).ok());
}

std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    out += "0123456789abcdef"[c >> 4];
    out += "0123456789abcdef"[c & 15];
  }
  return out;
}

// The codec's own HMAC-SHA256 against RFC 4231's vectors (keys of the codec's minimum size
// and of more than a block, which is hashed first).
TEST(Hs256TokenCodecTest, SignsAsHmacSha256) {
  // RFC 4231 test case 6: a 131-byte key.
  Hs256TokenCodec long_key(std::string(131, '\xaa'), std::chrono::seconds(60));
  EXPECT_EQ(Hex(long_key.SignForTest("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // RFC 4231 test case 7: the same key, a message longer than a block.
  EXPECT_EQ(Hex(long_key.SignForTest(
                "This is a test using a larger than block-size key and a larger than block-size "
                "data. The key needs to be hashed before being used by the HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  // A key of exactly one block, computed independently (Python: hmac.new(b"k"*64, b"abc", sha256)).
  Hs256TokenCodec block_key(std::string(64, 'k'), std::chrono::seconds(60));
  EXPECT_EQ(Hex(block_key.SignForTest("abc")),
            "ae0c0e4a2340cf50185eb46aaa8723f4769153661612e212fb0d1fa3170c6202");
}

TEST(Hs256TokenCodecTest, RejectsAnotherKeysSignature) {
  Hs256TokenCodec mine(kSecret, std::chrono::seconds(60));
  Hs256TokenCodec theirs(std::string(32, 't'), std::chrono::seconds(60));
  EXPECT_FALSE(mine.Verify(theirs.Issue({1, domain::Role::kBuyer}, 1, kNow).value, kNow).ok());
}

TEST(Hs256TokenCodecTest, RejectsAlgNoneAndOtherAlgorithms) {
  Hs256TokenCodec codec(kSecret, std::chrono::seconds(60));
  const std::string claims =
      Hs256TokenCodec::Base64UrlEncode(R"({"sub":"1","role":"ADMIN","iat":1,"exp":9999999999})");
  const std::string none = Hs256TokenCodec::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})");
  EXPECT_FALSE(codec.Verify(none + "." + claims + ".", kNow).ok());
  // Even "signed" correctly with our key, a header naming another algorithm is refused.
  const std::string hs512 = Hs256TokenCodec::Base64UrlEncode(R"({"alg":"HS512","typ":"JWT"})");
  const std::string input = hs512 + "." + claims;
  EXPECT_FALSE(
      codec.Verify(input + "." + Hs256TokenCodec::Base64UrlEncode(codec.SignForTest(input)), kNow)
          .ok());
}

TEST(Hs256TokenCodecTest, RejectsTamperedClaimsAndGarbage) {
  Hs256TokenCodec codec(kSecret, std::chrono::seconds(60));
  std::string token = codec.Issue({1, domain::Role::kBuyer}, 1, kNow).value;
  const size_t first = token.find('.'), second = token.find('.', first + 1);
  const std::string admin_claims =
      Hs256TokenCodec::Base64UrlEncode(R"({"sub":"1","role":"ADMIN","iat":1,"exp":9999999999})");
  std::string tampered = token.substr(0, first + 1) + admin_claims + token.substr(second);
  EXPECT_FALSE(codec.Verify(tampered, kNow).ok());
  for (const char* garbage : {"", "abc", "a.b", "a.b.c.d", "!!!.###.$$$"}) {
    EXPECT_FALSE(codec.Verify(garbage, kNow).ok()) << garbage;
  }
}

TEST(Hs256TokenCodecTest, Base64UrlRoundTrips) {
  std::string decoded;
  for (std::string s : {"", "f", "fo", "foo", "foob", "\xff\xfe\x00z"}) {
    ASSERT_TRUE(Hs256TokenCodec::Base64UrlDecode(Hs256TokenCodec::Base64UrlEncode(s), &decoded));
    EXPECT_EQ(decoded, s);
  }
  EXPECT_FALSE(Hs256TokenCodec::Base64UrlDecode("a", &decoded));
  EXPECT_FALSE(Hs256TokenCodec::Base64UrlDecode("ab+/", &decoded));
}

}  // namespace
}  // namespace seckill::gateway::adapters
