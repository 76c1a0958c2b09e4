#pragma once
// A background job run every interval as a timer coroutine on an executor: no thread sleeps
// between runs, and stopping cancels the wait at once.

#include <atomic>
#include <chrono>
#include <functional>
#include <type_traits>
#include <utility>

#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/redirect_error.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace seckill::base {

class PeriodicTask {
 public:
  using Job = std::function<boost::asio::awaitable<void>()>;

  // The first run is one interval after Start(). `job()` returns an awaitable; a result it
  // carries (a count, say) is dropped.
  template <class F>
  PeriodicTask(boost::asio::any_io_executor executor, std::chrono::milliseconds interval, F job)
      : timer_(executor), interval_(interval), job_(AsJob(std::move(job))) {}
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start() { boost::asio::co_spawn(timer_.get_executor(), Loop(), boost::asio::detached); }
  // No run starts after this; a run in progress finishes. Call from any thread, while the
  // executor still runs and before this object is destroyed.
  void Stop() {
    stopped_ = true;
    boost::asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
  }

 private:
  template <class F>
  static Job AsJob(F job) {
    if constexpr (std::is_same_v<decltype(job()), boost::asio::awaitable<void>>) {
      return Job(std::move(job));
    } else {
      // The lambda lives in job_, as long as the task: its coroutine may use the capture.
      return [job = std::move(job)]() -> boost::asio::awaitable<void> {
        auto run = job();
        co_await std::move(run);
      };
    }
  }

  boost::asio::awaitable<void> Loop() {
    namespace asio = boost::asio;
    while (!stopped_) {
      timer_.expires_after(interval_);
      boost::system::error_code ec;
      auto tick = timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      co_await std::move(tick);
      if (stopped_) break;
      auto run = job_();
      co_await std::move(run);
    }
  }

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  Job job_;
  std::atomic<bool> stopped_{false};
};

}  // namespace seckill::base
