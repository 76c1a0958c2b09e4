#pragma once
// The one asynchronous result (docs/adr/0002-one-async-model.md): an operation that waits
// returns an Asio coroutine's awaitable of its StatusOr. Ports declare their operations with it;
// a caller awaits the result where it needs it, as `auto x = op(...); co_await std::move(x);`
// (docs/adr/0001-co-await-temporaries.md). Reference arguments must outlive that await.

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"

namespace seckill::base {

template <class T>
using Async = boost::asio::awaitable<absl::StatusOr<T>>;
// An operation that answers only whether it succeeded.
using AsyncStatus = boost::asio::awaitable<absl::Status>;
// A batch operation whose items succeed or fail each on its own: one StatusOr per item, in the
// items' order.
template <class T>
using AsyncEach = boost::asio::awaitable<std::vector<absl::StatusOr<T>>>;

}  // namespace seckill::base
