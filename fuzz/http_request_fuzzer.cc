// The HTTP request path before any handler: bytes off a connection through Beast's parser under
// the gateway's limits, the framing checks and the conversion to a Request, request after
// request as on a kept-alive connection. Properties: no crash or sanitizer report; a request
// handed on has a path without '?', lower-case header names, each once.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "boost/asio/buffer.hpp"
#include "libs/http/request_reader.h"

namespace {

void Require(bool property) {
  if (!property) __builtin_trap();
}

void CheckHandedOn(const seckill::http::Request& request) {
  Require(request.path.find('?') == std::string::npos);
  for (size_t i = 0; i < request.headers.size(); ++i) {
    for (char c : request.headers[i].first) Require(!(c >= 'A' && c <= 'Z'));
    for (size_t j = i + 1; j < request.headers.size(); ++j) {
      Require(request.headers[i].first != request.headers[j].first);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  // At most as many requests as a connection could carry in these bytes.
  for (int requests = 0; !rest.empty() && requests < 64; ++requests) {
    seckill::http::RequestParser parser;
    parser.header_limit(8 * 1024);  // the gateway's defaults
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::system::error_code ec;
    size_t used = 0;
    bool framing_checked = false;
    while (!parser.is_done() && used < rest.size()) {
      const size_t n = parser.put(boost::asio::buffer(rest.data() + used, rest.size() - used), ec);
      if (ec == boost::beast::http::error::need_more) {
        ec = {};
        break;  // the bytes end mid-request: the server would wait for more
      }
      if (ec) break;
      used += n;
      if (parser.is_header_done() && !framing_checked) {
        framing_checked = true;
        if (!seckill::http::FramingError(parser.get()).empty()) return 0;  // 400, then closed
      }
      if (n == 0) break;
    }
    if (ec) {
      const seckill::http::Response answer = seckill::http::ReadError(ec);
      Require(answer.status == 400 || answer.status == 413 || answer.status == 431);
      return 0;  // answered, then closed
    }
    if (!parser.is_done()) return 0;
    if (!framing_checked && !seckill::http::FramingError(parser.get()).empty()) return 0;
    CheckHandedOn(seckill::http::ToRequest(parser.get(), "192.0.2.1"));
    rest.remove_prefix(used);
  }
  return 0;
}
