#include "libs/rpc/call_observers.h"

#include <chrono>
#include <memory>
#include <stdexcept>

#include "fmt/format.h"
#include "libs/base/trace_context.h"
#include "libs/rpc/serve.h"
#include "libs/tracing/rpc_span.h"

namespace seckill::rpc {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

MethodName MethodTaking(const google::protobuf::Descriptor& request) {
  const google::protobuf::FileDescriptor& file = *request.file();
  const google::protobuf::MethodDescriptor* found = nullptr;
  for (int s = 0; s < file.service_count(); ++s) {
    for (int m = 0; m < file.service(s)->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = file.service(s)->method(m);
      if (method->input_type() != &request) continue;
      if (found != nullptr) {
        throw std::logic_error(
            fmt::format("{} is the request of more than one method", request.full_name()));
      }
      found = method;
    }
  }
  if (found == nullptr) {
    throw std::logic_error(
        fmt::format("no method of {} takes {}", file.name(), request.full_name()));
  }
  return MethodName{fmt::format("/{}/{}", found->service()->full_name(), found->name())};
}

std::function<void(grpc::Status)> WatchCall(const CallObservers& observers,
                                            const MethodName& method, grpc::ClientContext& context,
                                            std::string_view traceparent,
                                            std::function<void(grpc::Status)> done) {
  CallDurations* const durations = observers.durations;
  if (observers.spans() && !traceparent.empty()) {
    auto span = std::make_shared<tracing::Span>(tracing::StartRpcSpan(
        *observers.tracer, tracing::SpanKind::kClient, method.span_name(), traceparent));
    context.AddMetadata(base::kTraceparentKey, span->Traceparent());
    return [durations, &method, span, start = Clock::now(),
            done = std::move(done)](grpc::Status status) {
      if (durations != nullptr) {
        durations->Observe(method.path, status.error_code(), SecondsSince(start));
      }
      tracing::EndRpcSpan(*span, status.error_code(), status.error_message());
      done(std::move(status));
    };
  }
  if (!traceparent.empty()) context.AddMetadata(base::kTraceparentKey, std::string(traceparent));
  if (durations == nullptr) return done;
  return [durations, &method, start = Clock::now(), done = std::move(done)](grpc::Status status) {
    durations->Observe(method.path, status.error_code(), SecondsSince(start));
    done(std::move(status));
  };
}

namespace internal {

ServerWatch::ServerWatch(const CallObservers& observers, const MethodName& method,
                         const grpc::CallbackServerContext& ctx)
    : durations_(observers.durations), method_(&method), start_(Clock::now()) {
  if (!observers.spans()) return;
  const auto found = ctx.client_metadata().find(base::kTraceparentKey);
  if (found == ctx.client_metadata().end()) return;
  span_ = tracing::StartRpcSpan(*observers.tracer, tracing::SpanKind::kServer, method.span_name(),
                                std::string_view(found->second.data(), found->second.size()));
}

void ServerWatch::Done(const grpc::Status& status) {
  if (durations_ != nullptr) {
    durations_->Observe(method_->path, status.error_code(), SecondsSince(start_));
  }
  tracing::EndRpcSpan(span_, status.error_code(), status.error_message());
}

}  // namespace internal
}  // namespace seckill::rpc
