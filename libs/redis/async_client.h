#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "libs/base/async.h"
#include "libs/redis/endpoint.h"
#include "libs/redis/reply.h"

namespace seckill::redis {

struct AsyncClientOptions {
  Endpoint server;  // with credentials: every connection authenticates before its first command
  // A command without a reply by then completes with DEADLINE_EXCEEDED; the command may still
  // have run on the server (an indeterminate outcome the caller must tolerate).
  std::chrono::milliseconds command_timeout{1000};
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{2000};
  // Runs (on the client's strand, before any command goes out) each time the connection comes
  // back after having been lost: the server may have restarted and lost data. Must not block.
  std::function<void()> on_reconnect;
};

// A non-blocking Redis client: one hiredis connection driven by an Asio executor. Commands are
// pipelined on the connection, so many concurrent callers share it without waiting on each
// other. Reconnects with back-off; while disconnected, commands fail fast with UNAVAILABLE.
// All methods are thread-safe; callbacks run on the client's strand and must not block.
class AsyncClient {
 public:
  using Callback = std::function<void(absl::StatusOr<Reply>)>;

  static std::shared_ptr<AsyncClient> Create(boost::asio::any_io_executor executor,
                                             AsyncClientOptions options);
  virtual ~AsyncClient() = default;

  // Sends one command. `done` runs exactly once: with the reply (which may be an error reply),
  // UNAVAILABLE when not connected or the connection dropped, DEADLINE_EXCEEDED on timeout.
  virtual void Command(std::vector<std::string> args, Callback done) = 0;
  // True once connected at least once and currently connected.
  virtual bool Connected() const = 0;
  // Stops reconnecting and closes the connection; pending commands complete with UNAVAILABLE.
  virtual void Close() = 0;
};

// One command, awaited by a coroutine (which resumes on its own executor): the reply, an error
// reply being a reply, not a failed status; the client must outlive the await.
base::Async<Reply> Await(AsyncClient& client, std::vector<std::string> args);

}  // namespace seckill::redis
