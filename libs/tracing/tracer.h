#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "libs/base/metrics.h"
#include "libs/base/trace_context.h"
#include "libs/tracing/span.h"

namespace seckill::tracing {

struct TracerOptions {
  std::string service;  // OTLP's service.name, e.g. "seckill-gateway"
  // Where spans are sent (OTLP/HTTP, JSON): "http://host:port", to which "/v1/traces" is added
  // (Jaeger and the OpenTelemetry Collector listen on :4318). Empty: nothing is recorded.
  std::string endpoint;
  int64_t sample_percent = 1;           // of the traces this process begins, the share kept whole
  std::chrono::milliseconds slow{500};  // a span at least this long is always kept
  size_t queue_capacity = 8192;         // spans waiting for export; more are dropped (counted)
  size_t batch_size = 512;              // spans per export request at most
  std::chrono::milliseconds flush_interval{1000};
  std::chrono::milliseconds export_timeout{2000};
};

// Records this process's spans and exports those it keeps over OTLP/HTTP (JSON) from a thread of
// its own: a bounded queue in between, so a request never waits on the exporter; when the queue
// is full a span is dropped and counted. Which spans are kept: every span of a sampled trace (the
// trace's sampled flag, decided where it began: sample_percent of the traces begun here), every
// failed span and every span at least `slow` long, whatever the flag; so every error and every
// slow call is seen even at a 1% ratio, each process keeping its own part of such a trace.
// Counts into `metrics`: seckill_trace_spans_total{outcome}: exported, dropped_queue_full,
// dropped_export_failed. Thread-safe.
class Tracer {
 public:
  Tracer(TracerOptions options, base::Metrics& metrics);
  // Exports what is queued, unless an export fails: then the rest is dropped (counted), so a
  // collector that hangs holds the process's exit for one export_timeout, not one a batch.
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // A span child of `parent_traceparent`'s span; with no valid parent, the first span of a new
  // trace (sampled at sample_percent). `name` is borrowed like a SetBorrowed value: it must
  // outlive the span's End() (a literal, a route's name), and is copied only if the span is kept.
  Span StartSpan(std::string_view name, SpanKind kind, std::string_view parent_traceparent);
  Span StartSpan(std::string_view name, SpanKind kind, const base::TraceContext& parent);

  bool recording() const { return !options_.endpoint.empty(); }
  // Exports what is queued now and waits for it (tests, and before exit).
  void Flush();

  // The OTLP/HTTP JSON body for `spans` of `service` (ExportTraceServiceRequest).
  static std::string OtlpJson(const std::string& service, const std::vector<SpanData>& spans);

 private:
  friend class Span;
  // `span` ended at `end_unix_ns`: queued for export if kept (what it holds moved out), else
  // nothing.
  void Finish(Span& span, int64_t end_unix_ns);
  void Run();
  // Sends `batch`; false when the collector did not take it (counted, logged).
  bool Export(std::vector<SpanData>& batch);

  const TracerOptions options_;
  std::string host_;
  uint16_t port_ = 0;
  std::string path_;
  base::Counter& exported_;
  base::Counter& dropped_full_;
  base::Counter& dropped_failed_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::deque<SpanData> queue_;    // under mu_
  uint64_t enqueued_ = 0;         // under mu_: spans ever queued
  uint64_t done_ = 0;             // under mu_: spans exported or dropped after queueing
  bool stopping_ = false;         // under mu_
  bool flush_requested_ = false;  // under mu_
  std::chrono::steady_clock::time_point last_failure_log_;  // the exporter thread's
  std::thread thread_;
};

}  // namespace seckill::tracing
