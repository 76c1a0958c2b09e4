#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace seckill::http {

// A parsed HTTP request, independent of Beast so route code does not compile Beast.
struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // path and query as sent
  std::string path;    // target without the query
  std::string query;   // after '?', undecoded
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string client_ip;

  // The header's value, or "" when absent. `name` must be lower case.
  const std::string& Header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace seckill::http
