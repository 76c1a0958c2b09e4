#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "libs/base/trace_context.h"

namespace seckill::tracing {

// OpenTelemetry's span kinds, numbered as OTLP numbers them.
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

// A string_view is text the span borrows (a literal, or text that outlives the span's End()):
// the tracer copies it only into a span it keeps.
using AttributeValue = std::variant<std::string, int64_t, double, bool, std::string_view>;

// Now, in nanoseconds since the Unix epoch (OTLP's time unit).
int64_t NowUnixNs();

// A finished span as it is exported (OTLP's Span).
struct SpanData {
  base::TraceContext context;  // its trace, its own span id, sampled
  std::optional<std::array<char, 16>> parent_span_id;
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  int64_t start_unix_ns = 0;
  int64_t end_unix_ns = 0;
  // Keys are OpenTelemetry's names, string literals (static storage): no copy per span.
  std::vector<std::pair<std::string_view, AttributeValue>> attributes;
  std::vector<std::pair<int64_t, std::string>> events;  // (time, name)
  std::vector<base::TraceContext> links;
  bool error = false;
  std::string status_message;
};

class Tracer;

// A span being recorded: a unit of work with a name, a kind, a start and an end, attributes
// (OpenTelemetry's semantic conventions: http.*, rpc.*, db.*, messaging.*), events, links and an
// error status. It ends at End() or when destroyed, and is then handed to its tracer, which keeps
// it or not (Tracer: the sampling rule). A span of a tracer that records nothing (no endpoint)
// still has a context, so its traceparent carries the trace on; it costs no allocation.
// Movable, not copyable; one thread at a time.
class Span {
 public:
  Span() = default;
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span() { End(); }

  bool recording() const { return data_ != nullptr; }
  // This span's place in its trace: the parent of its children and of what it calls.
  const base::TraceContext& context() const { return context_; }
  std::string Traceparent() const { return context_.Traceparent(); }

  // `key`: a string literal (it is kept as it is, not copied).
  Span& Set(std::string_view key, std::string value);
  // `value`: a literal (or static text), borrowed, not copied.
  Span& Set(std::string_view key, const char* value) { return SetBorrowed(key, value); }
  // `value` must outlive End() (a route's name, say): copied only if the span is kept.
  Span& SetBorrowed(std::string_view key, std::string_view value);
  Span& Set(std::string_view key, int64_t value);
  Span& Set(std::string_view key, int value) { return Set(key, static_cast<int64_t>(value)); }
  Span& Set(std::string_view key, bool value);
  void AddEvent(std::string name);
  void AddLink(const base::TraceContext& other);
  // Marks the span failed (OTLP status ERROR); a failed span is always kept.
  void SetError(std::string message);
  // Ends the span now; later calls do nothing.
  void End();

 private:
  friend class Tracer;
  Span(Tracer* tracer, base::TraceContext context, std::unique_ptr<SpanData> data)
      : tracer_(tracer), context_(context), data_(std::move(data)) {}

  Tracer* tracer_ = nullptr;
  base::TraceContext context_;
  std::unique_ptr<SpanData> data_;  // null: not recording
};

}  // namespace seckill::tracing
