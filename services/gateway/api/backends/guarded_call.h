#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "libs/base/await.h"
#include "libs/rpc/unary_call.h"
#include "services/gateway/api/admission.h"

namespace seckill::gateway::api {

// One unary call to `backend` through its circuit breaker: an open breaker answers at once
// (UNAVAILABLE with kDegradePayload) and nothing is sent; otherwise the call's status is
// reported to the breaker. `start` as for rpc::UnaryCall (SECKILL_ASYNC_METHOD). Not a
// coroutine: see libs/base/await.h.
template <class Reply, class Start, class Request>
boost::asio::awaitable<absl::StatusOr<Reply>> GuardedCall(BackendGuard& guard,
                                                          std::string_view backend,
                                                          std::chrono::milliseconds timeout,
                                                          Start start, Request request,
                                                          const std::string& traceparent) {
  std::shared_ptr<void> ticket;
  if (std::optional<absl::Status> refused = guard.Before(backend, &ticket)) {
    return base::AwaitCallback<absl::StatusOr<Reply>>(
        [status = *refused](auto done) { done(absl::StatusOr<Reply>(status)); });
  }
  auto guarded = [start = std::move(start), ticket, guard = &guard](
                     grpc::ClientContext* c, const auto* q, auto* r,
                     const std::string& call_traceparent,
                     std::function<void(grpc::Status)> done) mutable {
    start(
        c, q, r, call_traceparent,
        std::function<void(grpc::Status)>([done = std::move(done), ticket, guard](grpc::Status s) {
          guard->After(ticket, rpc::FromGrpc(s));
          done(std::move(s));
        }));
  };
  return rpc::UnaryCall<Reply>(std::move(guarded), std::move(request), timeout, traceparent);
}

}  // namespace seckill::gateway::api
