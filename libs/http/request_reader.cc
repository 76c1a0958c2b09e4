#include "libs/http/request_reader.h"

#include <algorithm>
#include <cctype>

#include "fmt/format.h"

namespace seckill::http {

namespace bhttp = boost::beast::http;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string FramingError(const RequestMessage& fields) {
  size_t transfer_encodings = 0;
  for (const auto& field : fields) {
    const auto name = field.name();
    if (name == bhttp::field::transfer_encoding) {
      ++transfer_encodings;
      std::string value = Lower(field.value());
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      if (value != "chunked") return "a Transfer-Encoding other than chunked is not accepted";
    }
  }
  for (const bhttp::field once :
       {bhttp::field::content_length, bhttp::field::transfer_encoding, bhttp::field::host,
        bhttp::field::authorization, bhttp::field::content_type}) {
    if (fields.count(once) > 1) {
      return fmt::format("the {} header appears more than once", bhttp::to_string(once));
    }
  }
  if (transfer_encodings > 0 && fields.count(bhttp::field::content_length) > 0) {
    return "Transfer-Encoding and Content-Length together are not accepted";
  }
  return {};
}

Response ReadError(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit) {
    return PlainError(431, "HEADERS_TOO_LARGE", "request headers exceed the limit");
  }
  if (ec == bhttp::error::body_limit) {
    return PlainError(413, "PAYLOAD_TOO_LARGE", "request body exceeds the limit");
  }
  return PlainError(400, "BAD_REQUEST", "malformed HTTP request");
}

Request ToRequest(RequestMessage& message, std::string client_ip) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  const size_t q = request.target.find('?');
  request.path = request.target.substr(0, q);
  if (q != std::string::npos) request.query = request.target.substr(q + 1);
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name = Lower(field.name_string());
    auto seen = std::find_if(request.headers.begin(), request.headers.end(),
                             [&name](const auto& f) { return f.first == name; });
    if (seen != request.headers.end()) {
      seen->second = std::string(field.value());
    } else {
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
  }
  request.body = std::move(message.body());
  request.client_ip = std::move(client_ip);
  return request;
}

Response PlainError(int status, const char* code, const char* message) {
  Response r;
  r.status = status;
  r.body = fmt::format(R"({{"error":{{"code":"{}","message":"{}"}}}})", code, message);
  return r;
}

}  // namespace seckill::http
