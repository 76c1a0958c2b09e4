#pragma once
// Bridges callback-style asynchronous operations (gRPC callbacks, worker pools, the Redis
// client) into Asio coroutines, without a thread waiting per operation.
//
// GCC 12 mishandles temporaries with non-trivial destructors inside a co_await expression (it
// can destroy them twice: seen here as a shared_ptr released twice, found with ASan). The rule
// in this codebase: build an awaitable in its own statement, then co_await it by name:
//     auto reply_call = rpc::UnaryCall<Reply>(..., Traceparent(request));
//     auto reply = co_await std::move(reply_call);
// The helpers below are plain functions, not coroutines, so that their callables are moved
// into the async_initiate initiation before anything suspends.

#include <atomic>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "boost/asio/associated_executor.hpp"
#include "boost/asio/async_result.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace seckill::base {

// Calls `start(callback)`; the awaiting coroutine resumes on its own executor with the value
// the callback receives. The callback may be invoked from any thread, exactly once.
template <class T, class Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  namespace asio = boost::asio;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
      [start = std::move(start)](auto handler) mutable {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        start([shared](T value) {
          auto executor = asio::get_associated_executor(*shared);
          asio::dispatch(executor, [shared, value = std::move(value)]() mutable {
            std::move (*shared)(std::move(value));
          });
        });
      },
      asio::use_awaitable);
}

// Runs the blocking `fn` on `pool` (an executor or execution context) and resumes the awaiting
// coroutine with its result on the coroutine's own executor.
template <class Pool, class Fn>
auto Offload(Pool& pool, Fn fn) -> boost::asio::awaitable<decltype(fn())> {
  using T = decltype(fn());
  return AwaitCallback<T>([&pool, fn = std::move(fn)](auto done) mutable {
    boost::asio::post(pool, [fn = std::move(fn), done = std::move(done)]() mutable { done(fn()); });
  });
}

// Starts every task at once on `executor`; the awaiting coroutine resumes (with true) when the
// last has finished. Tasks report through what they captured. A task must not throw: an
// exception is a bug and ends the process, as from any detached coroutine.
template <class Executor>
boost::asio::awaitable<bool> AwaitAll(Executor executor,
                                      std::vector<boost::asio::awaitable<void>> tasks) {
  return AwaitCallback<bool>([executor, tasks = std::move(tasks)](auto done) mutable {
    if (tasks.empty()) return done(true);
    auto left = std::make_shared<std::atomic<size_t>>(tasks.size());
    auto finish = std::make_shared<decltype(done)>(std::move(done));
    for (boost::asio::awaitable<void>& task : tasks) {
      boost::asio::co_spawn(executor, std::move(task), [left, finish](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
        if (left->fetch_sub(1) == 1) (*finish)(true);
      });
    }
  });
}

}  // namespace seckill::base
