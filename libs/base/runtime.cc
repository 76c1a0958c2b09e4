#include "libs/base/runtime.h"

#include "absl/synchronization/mutex.h"

namespace seckill::base {

void InitRuntime() {
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
}

}  // namespace seckill::base
