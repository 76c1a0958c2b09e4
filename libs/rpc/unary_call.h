#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "grpcpp/client_context.h"
#include "libs/base/await.h"
#include "libs/rpc/status.h"
#include "libs/rpc/trace_context.h"

namespace seckill::rpc {

// One unary call through a stub's callback API (`stub->async()`), awaited from an Asio
// coroutine; no thread waits for it. Always with a deadline; `traceparent` is forwarded as
// metadata when non-empty. `method` is e.g. &ProductService::Stub::async::ReserveStock.
template <class Response, class Request, class AsyncStub, class Method>
boost::asio::awaitable<absl::StatusOr<Response>> UnaryCall(AsyncStub* stub, Method method,
                                                           Request request,
                                                           std::chrono::milliseconds timeout,
                                                           const std::string& traceparent) {
  struct Call {
    grpc::ClientContext context;
    Request request;
    Response response;
  };
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!traceparent.empty()) call->context.AddMetadata(kTraceparentKey, traceparent);
  co_return co_await base::AwaitCallback<absl::StatusOr<Response>>(
      [stub, method, call](auto done) {
        (stub->*method)(&call->context, &call->request, &call->response,
                        [call, done](grpc::Status status) {
                          if (status.ok()) {
                            done(std::move(call->response));
                          } else {
                            done(FromGrpc(status));
                          }
                        });
      });
}

}  // namespace seckill::rpc
