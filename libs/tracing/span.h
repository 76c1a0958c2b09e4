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

#include "absl/container/inlined_vector.h"
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
// it or not (Tracer: the sampling rule). What a span records is held in the span itself, and its
// name and borrowed text are copied only into a span that is kept: at a 1% ratio most spans are
// not, and those cost no allocation and touch no memory but their own. A span of a tracer that
// records nothing (no endpoint) still has a context, so its traceparent carries the trace on.
// Movable, not copyable; one thread at a time.
class Span {
 public:
  Span() = default;
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span() { End(); }

  bool recording() const { return tracer_ != nullptr; }
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
  using Attribute = std::pair<std::string_view, AttributeValue>;
  Span(Tracer* tracer, const base::TraceContext& context, std::string_view name, SpanKind kind);

  Tracer* tracer_ = nullptr;  // null: not recording (or ended)
  base::TraceContext context_;
  // What a kept span is exported with (SpanData's fields); `name_` is borrowed like a
  // SetBorrowed value. Room for the attributes our spans set, so setting them allocates nothing.
  std::optional<std::array<char, 16>> parent_span_id_;
  std::string_view name_;
  SpanKind kind_ = SpanKind::kInternal;
  bool error_ = false;
  int64_t start_unix_ns_ = 0;
  absl::InlinedVector<Attribute, 8> attributes_;
  std::vector<std::pair<int64_t, std::string>> events_;
  std::vector<base::TraceContext> links_;
  std::string status_message_;
};

}  // namespace seckill::tracing
