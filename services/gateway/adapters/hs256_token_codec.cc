#include "services/gateway/adapters/hs256_token_codec.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "libs/base/status.h"
#include "openssl/rand.h"

namespace seckill::gateway::adapters {

namespace json = boost::json;

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// The last second of year 9999: a later "exp" is refused, so exp * 1000 cannot overflow.
constexpr int64_t kMaxExpSeconds = 253'402'300'799;
constexpr size_t kTokenIdBytes = 16;

std::string NewTokenId() {
  unsigned char bytes[kTokenIdBytes];
  SECKILL_CHECK(RAND_bytes(bytes, sizeof(bytes)) == 1);
  return crypto::ToHex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

bool IsTokenId(std::string_view id) {
  return id.size() == 2 * kTokenIdBytes && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}
}  // namespace

std::string Hs256TokenCodec::Base64UrlEncode(std::string_view data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : data) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

bool Hs256TokenCodec::Base64UrlDecode(std::string_view text, std::string* out) {
  out->clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '-')
      value = 62;
    else if (c == '_')
      value = 63;
    else
      return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return bits < 6;  // a lone trailing character is not valid base64
}

Hs256TokenCodec::Hs256TokenCodec(std::string secret, std::chrono::seconds ttl)
    : secret_(std::move(secret)),
      ttl_(ttl),
      mac_(secret_),
      header_(Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})")) {
  SECKILL_CHECK(secret_.size() >= 32);
}

std::string Hs256TokenCodec::Sign(std::string_view signing_input) const {
  return mac_.Mac(signing_input);
}

domain::Token Hs256TokenCodec::Issue(const domain::Principal& principal, uint32_t token_version,
                                     int64_t now_ms) const {
  const int64_t iat = now_ms / 1000;
  const int64_t exp = std::min(iat + ttl_.count(), kMaxExpSeconds);
  json::object claims{{"sub", std::to_string(principal.user_id)},
                      {"role", domain::RoleName(principal.role)},
                      {"ver", token_version},
                      {"jti", NewTokenId()},
                      {"iat", iat},
                      {"exp", exp}};
  const std::string payload = Base64UrlEncode(json::serialize(claims));
  const std::string signing_input = header_ + "." + payload;
  return domain::Token{signing_input + "." + Base64UrlEncode(Sign(signing_input)), exp * 1000};
}

absl::StatusOr<domain::TokenClaims> Hs256TokenCodec::Verify(std::string_view token,
                                                            int64_t now_ms) const {
  const auto invalid = [] { return absl::UnauthenticatedError("invalid or expired token"); };
  if (token.size() > 4096) return invalid();
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return invalid();
  }
  std::string payload, signature;
  if (!Base64UrlDecode(token.substr(first + 1, second - first - 1), &payload) ||
      !Base64UrlDecode(token.substr(second + 1), &signature)) {
    return invalid();
  }
  // JSON parsed here allocates from the stack, not the heap (claims are small; larger spills).
  unsigned char scratch[1024];
  json::monotonic_resource memory(scratch, sizeof(scratch));
  boost::system::error_code ec;
  // The header this codec issues is known; any other must still say HS256.
  if (token.substr(0, first) != header_) {
    std::string header;
    if (!Base64UrlDecode(token.substr(0, first), &header)) return invalid();
    json::value header_json = json::parse(header, ec, &memory);
    if (ec || !header_json.is_object()) return invalid();
    const json::value* alg = header_json.as_object().if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256") return invalid();
  }
  if (!mac_.Verify(token.substr(0, second), signature)) return invalid();
  json::value claims = json::parse(payload, ec, &memory);
  if (ec || !claims.is_object()) return invalid();
  const json::object& c = claims.as_object();
  const json::value* sub = c.if_contains("sub");
  const json::value* role = c.if_contains("role");
  const json::value* exp = c.if_contains("exp");
  const json::value* ver = c.if_contains("ver");
  const json::value* jti = c.if_contains("jti");
  if (sub == nullptr || !sub->is_string() || role == nullptr || !role->is_string() ||
      exp == nullptr || !exp->is_int64() || ver == nullptr || !ver->is_int64() || jti == nullptr ||
      !jti->is_string()) {
    return invalid();
  }
  const int64_t exp_s = exp->as_int64();
  const int64_t version = ver->as_int64();
  if (exp_s <= 0 || exp_s > kMaxExpSeconds || exp_s * 1000 <= now_ms) return invalid();
  if (version < 1 || version > std::numeric_limits<uint32_t>::max()) return invalid();
  if (!IsTokenId(std::string_view(jti->as_string()))) return invalid();
  uint64_t user_id = 0;
  const json::string& s = sub->as_string();
  auto [end, parse_ec] = std::from_chars(s.data(), s.data() + s.size(), user_id);
  auto parsed_role = domain::ParseRole(std::string_view(role->as_string()));
  if (parse_ec != std::errc() || end != s.data() + s.size() || user_id == 0 || !parsed_role) {
    return invalid();
  }
  return domain::TokenClaims{domain::Principal{user_id, *parsed_role},
                             static_cast<uint32_t>(version), std::string(jti->as_string()),
                             exp_s * 1000};
}

}  // namespace seckill::gateway::adapters
