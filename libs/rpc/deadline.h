#pragma once

#include <chrono>

namespace seckill::rpc {

// The gRPC deadline (system clock) of a call that must end within `timeout` of `start` (steady
// clock), e.g. a batch whose oldest request arrived at `start`.
inline std::chrono::system_clock::time_point DeadlineFrom(
    std::chrono::steady_clock::time_point start, std::chrono::milliseconds timeout) {
  return std::chrono::system_clock::now() + (start + timeout - std::chrono::steady_clock::now());
}

}  // namespace seckill::rpc
