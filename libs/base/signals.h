#pragma once

namespace seckill::base {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards; call
// first thing in main, then WaitForTerminationSignal() once the service runs.
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT; returns the signal number.
int WaitForTerminationSignal();

}  // namespace seckill::base
