// What telemetry adds to one request, piece by piece, next to baselines in the same binary: a
// 64-byte allocation and the parse of a traceparent. Run with `make bench`; docs/performance.md
// multiplies these by the spans and observations each hot path makes per request.
#include <string>

#include "benchmark/benchmark.h"
#include "libs/base/metrics.h"
#include "libs/base/trace_context.h"
#include "libs/tracing/rpc_span.h"
#include "libs/tracing/tracer.h"

namespace seckill::tracing {
namespace {

constexpr char kMethod[] = "seckill.product.v1.ProductService/ReserveStocks";

// A tracer as deployed (an endpoint, 1% sampling, a closed port: nothing this benchmark starts is
// kept, so nothing is sent), or one that records nothing (telemetry off).
Tracer& SharedTracer(bool recording) {
  static base::Metrics metrics;
  static Tracer on(
      TracerOptions{.service = "bench", .endpoint = "http://127.0.0.1:9", .sample_percent = 0},
      metrics);
  static Tracer off(TracerOptions{.service = "bench"}, metrics);
  return recording ? on : off;
}

const std::string& Parent() {
  static const std::string parent = base::TraceContext::NewTrace(false).Traceparent();
  return parent;
}

// One order's hop on one side of a gRPC call, as every batched call's item makes it: started
// from the item's traceparent, the order's id set, ended with the status.
void BM_RpcItemSpan(benchmark::State& state) {
  Tracer& tracer = SharedTracer(state.range(0) != 0);
  for (auto _ : state) {
    Span span = StartRpcSpan(tracer, SpanKind::kServer, kMethod, Parent());
    span.Set("seckill.order_id", int64_t{42});
    EndRpcSpan(span, 0, "");
  }
  state.SetLabel(state.range(0) != 0 ? "recording, trace not sampled" : "telemetry off");
}
BENCHMARK(BM_RpcItemSpan)->Arg(1)->Arg(0);

// The same with the traceparent handed on (what a client span does for the callee).
void BM_RpcItemSpanHandedOn(benchmark::State& state) {
  Tracer& tracer = SharedTracer(state.range(0) != 0);
  for (auto _ : state) {
    Span span = StartRpcSpan(tracer, SpanKind::kClient, kMethod, Parent());
    std::string handed_on = span.Traceparent();
    benchmark::DoNotOptimize(handed_on);
    EndRpcSpan(span, 0, "");
  }
  state.SetLabel(state.range(0) != 0 ? "recording, trace not sampled" : "telemetry off");
}
BENCHMARK(BM_RpcItemSpanHandedOn)->Arg(1)->Arg(0);

// A request duration observed into a histogram with the latency buckets (per route, per method).
void BM_HistogramObserve(benchmark::State& state) {
  static base::Histogram histogram(base::Histogram::LatencyBounds());
  double seconds = 0.0001;
  for (auto _ : state) {
    histogram.Observe(seconds);
    seconds = seconds > 1 ? 0.0001 : seconds * 1.7;
  }
}
BENCHMARK(BM_HistogramObserve);

// Baselines: an allocation of a traceparent's size, and a traceparent's parse.
void BM_Baseline_Allocation(benchmark::State& state) {
  for (auto _ : state) {
    std::string text(64, 'x');
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_Baseline_Allocation);

void BM_Baseline_ParseTraceparent(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(base::TraceContext::FromTraceparent(Parent()));
}
BENCHMARK(BM_Baseline_ParseTraceparent);

}  // namespace
}  // namespace seckill::tracing

BENCHMARK_MAIN();
