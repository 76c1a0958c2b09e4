#pragma once

#include "absl/status/status.h"

namespace seckill::base {

// What a service tells the rest of the system about itself: announced once it listens, withdrawn
// first thing when it stops, before in-flight work drains, so that no new work is sent to an
// instance on its way out (service discovery implements it). Both block the calling thread.
class Presence {
 public:
  virtual ~Presence() = default;
  // An error stops the service's start.
  virtual absl::Status Announce() = 0;
  // Best effort: an instance that cannot withdraw is forgotten when its registration expires.
  virtual void Withdraw() = 0;
};

}  // namespace seckill::base
