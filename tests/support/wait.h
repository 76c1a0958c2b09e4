#pragma once

#include <chrono>
#include <functional>
#include <future>

#include "absl/status/statusor.h"

namespace seckill::testing {

// Runs a callback-style operation and waits for its result; tests only.
template <class T>
absl::StatusOr<T> WaitFor(const std::function<void(std::function<void(absl::StatusOr<T>)>)>& start,
                          std::chrono::seconds timeout = std::chrono::seconds(10)) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<T>>>();
  auto future = promise->get_future();
  start([promise](absl::StatusOr<T> value) { promise->set_value(std::move(value)); });
  if (future.wait_for(timeout) != std::future_status::ready) {
    return absl::DeadlineExceededError("test wait timed out");
  }
  return future.get();
}

}  // namespace seckill::testing
