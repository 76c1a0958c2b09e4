#pragma once

#include <string_view>

#include "libs/base/trace_context.h"
#include "libs/tracing/span.h"
#include "libs/tracing/tracer.h"

namespace seckill::tracing {

// One gRPC hop of one trace, on either side of the wire (OpenTelemetry's rpc.* conventions):
// named `method`, gRPC's full name without the leading slash ("package.Service/Method"), with
// rpc.system, rpc.service and rpc.method. A batched call carries many orders, so its caller and
// its server each start one such span per item, in the item's own trace. `method` must be a
// literal: the span borrows its parts.
Span StartRpcSpan(Tracer& tracer, SpanKind kind, const char* method,
                  std::string_view parent_traceparent);
Span StartRpcSpan(Tracer& tracer, SpanKind kind, const char* method,
                  const base::TraceContext& parent);

// Ends `span` with the status its call (or its item) got: rpc.grpc.status_code `code` (gRPC's
// numbering, which absl::StatusCode shares), failed with `message` unless OK.
void EndRpcSpan(Span& span, int code, std::string_view message);

}  // namespace seckill::tracing
