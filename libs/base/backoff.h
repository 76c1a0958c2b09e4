#pragma once
// Retry pacing for every loop that tries again (reconnects, transient failures): delays that
// double from a floor to a cap, waited on a timer so no thread sleeps, and cut short when the
// caller is stopping.

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "libs/base/async.h"
#include "libs/base/run_to_completion.h"
#include "spdlog/spdlog.h"

namespace seckill::base {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
      : first_(first), max_(std::max(first, max)), next_(first) {}
  // The delay to wait now; the next one is twice as long, up to the cap.
  std::chrono::milliseconds Next() {
    const std::chrono::milliseconds now = next_;
    next_ = std::min(next_ * 2, max_);
    return now;
  }
  void Reset() { next_ = first_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

// Waits `delay` on a timer of the awaiting coroutine's executor, asking `stopping` at least every
// 50 ms. True when the whole delay passed, false when `stopping` said stop (cut short).
inline boost::asio::awaitable<bool> PauseUnlessStopping(std::chrono::milliseconds delay,
                                                        std::function<bool()> stopping) {
  namespace asio = boost::asio;
  using Steady = std::chrono::steady_clock;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const Steady::time_point until = Steady::now() + delay;
  while (!stopping()) {
    const Steady::time_point now = Steady::now();
    if (now >= until) co_return true;
    timer.expires_after(std::min<Steady::duration>(until - now, std::chrono::milliseconds(50)));
    auto tick = timer.async_wait(asio::use_awaitable);
    co_await std::move(tick);
  }
  co_return false;
}

// Start-up only: calls `attempt` until it succeeds, at most `attempts` times, `delay` apart, and
// returns its last status. It blocks the calling thread on purpose, the one sleep in the
// services: before a service serves, it has nothing else to do than wait for what it needs (its
// Redis Functions loaded, the admin account in the database), and no other thread runs yet.
// Everything after start-up waits on timers. INVALID_ARGUMENT and FAILED_PRECONDITION end it at
// once: the configuration is wrong, and waiting will not mend it.
inline absl::Status RetryAtStartup(int attempts, std::chrono::milliseconds delay,
                                   std::string_view what,
                                   const std::function<absl::Status()>& attempt) {
  absl::Status status;
  for (int i = 1; i <= attempts; ++i) {
    status = attempt();
    if (status.ok() || i == attempts || absl::IsInvalidArgument(status) ||
        absl::IsFailedPrecondition(status)) {
      break;
    }
    spdlog::warn("{}: {}; trying again in {} ms", what, status.ToString(), delay.count());
    std::this_thread::sleep_for(delay);
  }
  return status;
}

// The same for an attempt that is awaited: each attempt is run to its end.
inline absl::Status RetryAtStartup(int attempts, std::chrono::milliseconds delay,
                                   std::string_view what,
                                   const std::function<AsyncStatus()>& attempt) {
  return RetryAtStartup(attempts, delay, what, [&attempt] { return RunToCompletion(attempt()); });
}

}  // namespace seckill::base
