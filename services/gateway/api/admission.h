#pragma once

#include <optional>
#include <string>

#include "libs/http/message.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::api {

// Where flow control sits: asked before a route's handler runs, after authentication. A
// response means "answer this instead" (e.g. 429) and the handler, with its downstream calls,
// does not run. `resource` is the route, e.g. "POST /api/v1/activities/{id}/orders".
// Implementations are thread-safe.
class AdmissionControl {
 public:
  virtual ~AdmissionControl() = default;
  virtual std::optional<http::Response> Admit(const std::string& resource,
                                              const http::Request& request,
                                              const domain::Principal* principal) = 0;
};

// Admits everything: the behaviour until flow-control rules are configured.
class AdmitAll final : public AdmissionControl {
 public:
  std::optional<http::Response> Admit(const std::string&, const http::Request&,
                                      const domain::Principal*) override {
    return std::nullopt;
  }
};

}  // namespace seckill::gateway::api
