#pragma once

namespace seckill::base {

// Process-wide runtime settings; every service calls this first thing in main().
//
// In Release builds it turns off Abseil's mutex deadlock detection: Debian's Abseil leaves it on,
// and gRPC's mutexes then pay for a lock-order graph on every call (7% of the order service's
// CPU on the sold-out path, by perf). Debug builds keep it, where it finds lock-order bugs.
void InitRuntime();

}  // namespace seckill::base
