#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "libs/rpc/call_metrics.h"
#include "libs/tracing/tracer.h"

namespace seckill::rpc {

// A gRPC method's name, found from its request type: every method has a request type of its own
// (buf's RPC_REQUEST_RESPONSE_UNIQUE rule, which proto/ follows).
struct MethodName {
  std::string path;  // "/package.Service/Method", as gRPC names it
  // "package.Service/Method": OpenTelemetry's span name (static text: a MethodOf's).
  const char* span_name() const { return path.c_str() + 1; }
};
// The method whose request type is `request`; throws std::logic_error unless exactly one is.
MethodName MethodTaking(const google::protobuf::Descriptor& request);
// Found once per type.
template <class Request>
const MethodName& MethodOf() {
  static const MethodName name = MethodTaking(*Request::descriptor());
  return name;
}

// What watches every call a server answers (rpc::Serve) or a client makes (rpc::WatchCall,
// rpc::UnaryCall): its duration per method and status code, and, for a call that carries a
// `traceparent` in its metadata, a span on each side (the client's the parent of the server's).
// Batched calls carry no traceparent of their own: their items do, each spanned by the service
// (tracing::StartRpcSpan). Measured where our code starts and ends every call, not by gRPC
// interceptors: with an interceptor, each of a call's operation batches makes an extra trip
// through gRPC's completion queue. Each member null when off; both outlive the calls.
struct CallObservers {
  CallDurations* durations = nullptr;
  tracing::Tracer* tracer = nullptr;  // spans are made only when it records

  bool spans() const { return tracer != nullptr && tracer->recording(); }
};

// Watches one call a client is about to make: returns `done` wrapped to observe the call's
// duration and end its span. `traceparent` (may be empty) goes into `context`'s metadata: the
// call's client span's context when spans are recorded, else as it is.
std::function<void(grpc::Status)> WatchCall(const CallObservers& observers,
                                            const MethodName& method, grpc::ClientContext& context,
                                            std::string_view traceparent,
                                            std::function<void(grpc::Status)> done);
template <class Request>
std::function<void(grpc::Status)> WatchCall(const CallObservers& observers,
                                            grpc::ClientContext& context, const Request& /*type*/,
                                            std::string_view traceparent,
                                            std::function<void(grpc::Status)> done) {
  return WatchCall(observers, MethodOf<Request>(), context, traceparent, std::move(done));
}

}  // namespace seckill::rpc
