#pragma once

#include <string>

#include "libs/base/async.h"

namespace seckill::gateway::domain {

// Where the cluster's flow rules are kept (etcd), so that every gateway applies one document:
// PUT /admin/v1/flow/rules writes it here, and each gateway's watch of it applies it.
class FlowRulesStore {
 public:
  virtual ~FlowRulesStore() = default;
  // Stores `document` (already validated) for every gateway. UNAVAILABLE or DEADLINE_EXCEEDED
  // when the store cannot be reached (it may have been stored).
  virtual base::AsyncStatus Publish(std::string document) = 0;
};

}  // namespace seckill::gateway::domain
