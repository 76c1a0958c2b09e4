#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"

namespace seckill::http {

// Values of the {name} segments of a route pattern.
using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<boost::asio::awaitable<Response>(Request, PathParams)>;

// Maps (method, path) to handlers. Patterns are literal segments and {name} segments, e.g.
// "/api/v1/activities/{id}/orders". Not thread-safe while routes are added; Find is const.
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  struct Match {
    const Route* route = nullptr;  // set when method and path match
    PathParams params;
    bool path_matched = false;  // some route has this path (405 when route is null)
    std::string allow;          // the methods that path accepts, for 405's Allow header
  };

  void Add(std::string method, std::string pattern, RouteHandler handler);
  Match Find(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace seckill::http
