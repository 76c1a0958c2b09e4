#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "grpcpp/client_context.h"
#include "libs/base/await.h"
#include "libs/base/trace_context.h"
#include "libs/rpc/service_channel.h"
#include "libs/rpc/status.h"

namespace seckill::rpc {

// One unary call through a stub's callback API, awaited from an Asio coroutine; no thread waits
// for it. Always with a deadline; `traceparent` (may be empty) is handed to `start` with the
// call. `start(context, request, response, traceparent, on_done)` starts the call and watches it
// (rpc::WatchCall), e.g. through SECKILL_ASYNC_METHOD(stubs, Method).
template <class Response, class Request, class Start>
boost::asio::awaitable<absl::StatusOr<Response>> UnaryCall(Start start, Request request,
                                                           std::chrono::milliseconds timeout,
                                                           const std::string& traceparent) {
  // Not a coroutine, for the reason given in libs/base/await.h.
  struct Call {
    grpc::ClientContext context;
    Request request;
    Response response;
  };
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  return base::AwaitCallback<absl::StatusOr<Response>>(
      [start = std::move(start), call, traceparent](auto done) mutable {
        start(&call->context, &call->request, &call->response, traceparent,
              std::function<void(grpc::Status)>([call, done](grpc::Status status) {
                if (status.ok()) {
                  done(std::move(call->response));
                } else {
                  done(FromGrpc(status));
                }
              }));
      });
}

}  // namespace seckill::rpc

// A start callable for UnaryCall: calls Method on the current stub of `stubs` (a
// shared_ptr<rpc::Stubs<Service>>), which the call keeps until it ends, watched by the stubs'
// channel's observers; UNAVAILABLE at once when the service has no known instance. (Method is
// overloaded, so its address cannot be taken.)
#define SECKILL_ASYNC_METHOD(stubs, Method)                                                    \
  [source = (stubs)](grpc::ClientContext* c, const auto* q, auto* r,                           \
                     const std::string& call_traceparent,                                      \
                     std::function<void(grpc::Status)> done) {                                 \
    auto stub_ptr = source->Get();                                                             \
    if (stub_ptr == nullptr) {                                                                 \
      return done(::seckill::rpc::ToGrpc(::seckill::rpc::NoInstanceError(source->service()))); \
    }                                                                                          \
    stub_ptr->async()->Method(                                                                 \
        c, q, r,                                                                               \
        [stub_ptr, watched = ::seckill::rpc::WatchCall(source->observers(), *c, *q,            \
                                                       call_traceparent, std::move(done))](    \
            grpc::Status s) { watched(std::move(s)); });                                       \
  }
