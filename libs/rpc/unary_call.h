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
// for it. Always with a deadline; `traceparent` is forwarded as metadata when non-empty.
// `start(context, request, response, on_done)` starts the call, e.g. through
// SECKILL_ASYNC_METHOD(stub, Method).
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
  if (!traceparent.empty()) call->context.AddMetadata(base::kTraceparentKey, traceparent);
  return base::AwaitCallback<absl::StatusOr<Response>>(
      [start = std::move(start), call](auto done) mutable {
        start(&call->context, &call->request, &call->response,
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
// shared_ptr<rpc::Stubs<Service>>), which the call keeps until it ends; UNAVAILABLE at once when
// the service has no known instance. (Method is overloaded, so its address cannot be taken.)
#define SECKILL_ASYNC_METHOD(stubs, Method)                                                    \
  [source = (stubs)](grpc::ClientContext* c, const auto* q, auto* r,                           \
                     std::function<void(grpc::Status)> done) {                                 \
    auto stub_ptr = source->Get();                                                             \
    if (stub_ptr == nullptr) {                                                                 \
      return done(::seckill::rpc::ToGrpc(::seckill::rpc::NoInstanceError(source->service()))); \
    }                                                                                          \
    stub_ptr->async()->Method(                                                                 \
        c, q, r, [stub_ptr, done = std::move(done)](grpc::Status s) { done(std::move(s)); });  \
  }
