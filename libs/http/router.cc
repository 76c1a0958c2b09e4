#include "libs/http/router.h"

namespace seckill::http {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t begin = 1;  // skip the leading '/'
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  return parts;
}

bool MatchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   PathParams* params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (path[i].empty()) return false;
      (*params)[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, RouteHandler handler) {
  std::vector<std::string> segments = Split(pattern);
  routes_.push_back(
      Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match match;
  if (path.empty() || path.front() != '/') return match;
  const std::vector<std::string> parts = Split(path);
  for (const Route& route : routes_) {
    PathParams params;
    if (!MatchSegments(route.segments, parts, &params)) continue;
    match.path_matched = true;
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += route.method;
    if (route.method == method && match.route == nullptr) {
      match.route = &route;
      match.params = std::move(params);
    }
  }
  return match;
}

}  // namespace seckill::http
