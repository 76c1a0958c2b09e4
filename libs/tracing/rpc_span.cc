#include "libs/tracing/rpc_span.h"

#include <string>

namespace seckill::tracing {
namespace {

Span& Describe(Span& span, std::string_view method) {
  const size_t slash = method.rfind('/');
  const std::string_view service =
      slash == std::string_view::npos ? std::string_view() : method.substr(0, slash);
  return span.Set("rpc.system", "grpc")
      .SetBorrowed("rpc.service", service)
      .SetBorrowed("rpc.method", method.substr(slash + 1));
}

}  // namespace

Span StartRpcSpan(Tracer& tracer, SpanKind kind, const char* method,
                  std::string_view parent_traceparent) {
  Span span = tracer.StartSpan(method, kind, parent_traceparent);
  Describe(span, method);
  return span;
}

Span StartRpcSpan(Tracer& tracer, SpanKind kind, const char* method,
                  const base::TraceContext& parent) {
  Span span = tracer.StartSpan(method, kind, parent);
  Describe(span, method);
  return span;
}

void EndRpcSpan(Span& span, int code, std::string_view message) {
  if (!span.recording()) return;  // nothing to record (and nothing to copy)
  span.Set("rpc.grpc.status_code", code);
  if (code != 0) span.SetError(std::string(message));
  span.End();
}

}  // namespace seckill::tracing
