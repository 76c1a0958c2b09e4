#include "libs/base/url.h"

#include <charconv>

#include "fmt/format.h"

namespace seckill::base {
namespace {

std::string PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int value = 0;
      const char* first = in.data() + i + 1;
      if (auto [end, ec] = std::from_chars(first, first + 2, value, 16);
          ec == std::errc() && end == first + 2) {
        out += static_cast<char>(value);
        i += 2;
        continue;
      }
    }
    out += in[i];
  }
  return out;
}

}  // namespace

absl::StatusOr<Url> ParseUrl(std::string_view text, uint16_t default_port) {
  Url url;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    // The messages never show the URL itself: it may hold a password.
    return absl::InvalidArgumentError(
        "the URL has no scheme:// (expected scheme://[user[:password]@]host[:port][/path])");
  }
  url.scheme = std::string(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.path = PercentDecode(rest.substr(slash + 1));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    url.user = PercentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) url.password = PercentDecode(userinfo.substr(colon + 1));
  }
  const size_t colon = authority.rfind(':');
  url.host = std::string(authority.substr(0, colon));
  url.port = default_port;
  if (colon != std::string_view::npos) {
    uint32_t port = 0;
    const std::string_view digits = authority.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return absl::InvalidArgumentError(
          fmt::format("the URL's port '{}' is not a number from 1 to 65535", digits));
    }
    url.port = static_cast<uint16_t>(port);
  }
  if (url.host.empty()) return absl::InvalidArgumentError("the URL has no host");
  return url;
}

}  // namespace seckill::base
