#pragma once
// Runs one coroutine to its end on a private io_context, for callers outside any async context:
// tests and command-line tools. Services never call it (they run their own contexts).

#include <exception>
#include <optional>
#include <utility>

#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"

namespace seckill::base {

template <class T>
T RunToCompletion(boost::asio::awaitable<T> work) {
  boost::asio::io_context context;
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(context, std::move(work), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
  });
  context.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

inline void RunToCompletion(boost::asio::awaitable<void> work) {
  boost::asio::io_context context;
  std::exception_ptr failure;
  boost::asio::co_spawn(context, std::move(work), [&](std::exception_ptr e) { failure = e; });
  context.run();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace seckill::base
