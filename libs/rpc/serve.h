#pragma once
// Serves a unary call of gRPC's callback API with a coroutine (docs/adr/0002-one-async-model.md).

#include <exception>
#include <utility>

#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/system_executor.hpp"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace seckill::rpc {

namespace internal {

// Awaits the call's answer and finishes it. (The status stays inside the coroutine: handing it
// to co_spawn's completion handler trips GCC 12's -Wmaybe-uninitialized at -O3.)
inline boost::asio::awaitable<void> FinishWith(grpc::ServerUnaryReactor* reactor,
                                               boost::asio::awaitable<grpc::Status> answer) {
  const grpc::Status status = co_await std::move(answer);
  reactor->Finish(status);
}

}  // namespace internal

// Runs `answer`, which writes the call's reply and returns its status, and finishes the call
// with that status. It starts on the calling gRPC thread and runs on Asio's system executor:
// after each await it resumes on the thread that completed it (the Redis client's, a worker's),
// so it must never block; blocking work is offloaded and awaited. Whatever `answer` refers to
// (the request, the reply) lives until the call is finished.
inline grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* ctx,
                                       boost::asio::awaitable<grpc::Status> answer) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  boost::asio::co_spawn(
      boost::asio::system_executor(), internal::FinishWith(reactor, std::move(answer)),
      [reactor](const std::exception_ptr& failure) {
        if (failure) {
          reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "unexpected exception"));
        }
      });
  return reactor;
}

}  // namespace seckill::rpc
