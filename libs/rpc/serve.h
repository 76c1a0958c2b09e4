#pragma once
// Serves a unary call of gRPC's callback API with a coroutine (docs/adr/0002-one-async-model.md).

#include <chrono>
#include <exception>
#include <utility>

#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/system_executor.hpp"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "libs/rpc/call_observers.h"
#include "libs/tracing/span.h"

namespace seckill::rpc {

namespace internal {

// What a server observes of one call: from its start to its status.
class ServerWatch {
 public:
  ServerWatch(const CallObservers& observers, const MethodName& method,
              const grpc::CallbackServerContext& ctx);
  void Done(const grpc::Status& status);

 private:
  CallDurations* durations_;
  const MethodName* method_;
  std::chrono::steady_clock::time_point start_;
  tracing::Span span_;  // of a call carrying a traceparent, when spans are recorded
};

// Awaits the call's answer and finishes it. (The status stays inside the coroutine: handing it
// to co_spawn's completion handler trips GCC 12's -Wmaybe-uninitialized at -O3.)
inline boost::asio::awaitable<void> FinishWith(grpc::ServerUnaryReactor* reactor,
                                               boost::asio::awaitable<grpc::Status> answer,
                                               ServerWatch watch) {
  const grpc::Status status = co_await std::move(answer);
  watch.Done(status);
  reactor->Finish(status);
}

}  // namespace internal

// Runs `answer`, which writes the call's reply and returns its status, and finishes the call
// with that status, `observers` watching it (the method named by `request`'s type). It starts on
// the calling gRPC thread and runs on Asio's system executor: after each await it resumes on the
// thread that completed it (the Redis client's, a worker's), so it must never block; blocking
// work is offloaded and awaited. Whatever `answer` refers to (the request, the reply) lives until
// the call is finished.
template <class Request>
grpc::ServerUnaryReactor* Serve(const CallObservers& observers, grpc::CallbackServerContext* ctx,
                                const Request* /*request*/,
                                boost::asio::awaitable<grpc::Status> answer) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  internal::ServerWatch watch(observers, MethodOf<Request>(), *ctx);
  boost::asio::co_spawn(
      boost::asio::system_executor(),
      internal::FinishWith(reactor, std::move(answer), std::move(watch)),
      [reactor](const std::exception_ptr& failure) {
        if (failure) {
          reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "unexpected exception"));
        }
      });
  return reactor;
}

}  // namespace seckill::rpc
