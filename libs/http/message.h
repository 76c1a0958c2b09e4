#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seckill::http {

// A parsed HTTP request, independent of Beast so route code does not compile Beast.
struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // path and query as sent
  std::string path;    // target without the query
  std::string query;   // after '?', undecoded
  // Names lower-cased, in arrival order, a repeated field once (its last value). A request has a
  // handful: a vector costs no allocation per field, as a map's nodes would.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_ip;

  // The header's value, or nullptr / "" when absent. `name` must be lower case.
  const std::string* FindHeader(std::string_view name) const;
  const std::string& Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string_view content_type = "application/json";  // a literal, or text that outlives it
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The error's stable code when the body is an error (ErrorResponse), for logs and traces.
  std::string error_code;
};

}  // namespace seckill::http
