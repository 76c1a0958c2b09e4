#include "libs/tracing/tracer.h"

#include <random>

#include "fmt/format.h"
#include "libs/base/logging.h"
#include "libs/base/status.h"
#include "libs/base/url.h"
#include "libs/http/client.h"
#include "spdlog/spdlog.h"

namespace seckill::tracing {
namespace {

base::Counter& Outcome(base::Metrics& metrics, const char* outcome) {
  return metrics.Get("seckill_trace_spans_total",
                     "Spans kept for export, by what became of them: exported, "
                     "dropped_queue_full (the exporter fell behind), dropped_export_failed",
                     {{"outcome", outcome}});
}

void AppendString(std::string_view text, std::string& out) {
  out += '"';
  base::AppendJsonEscaped(text, out);
  out += '"';
}

void AppendValue(const AttributeValue& value, std::string& out) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    out += "{\"stringValue\":";
    AppendString(*s, out);
    out += '}';
  } else if (const auto* v = std::get_if<std::string_view>(&value)) {
    out += "{\"stringValue\":";
    AppendString(*v, out);
    out += '}';
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    out += fmt::format("{{\"intValue\":\"{}\"}}", *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    out += fmt::format("{{\"doubleValue\":{}}}", *d);
  } else {
    out += std::get<bool>(value) ? "{\"boolValue\":true}" : "{\"boolValue\":false}";
  }
}

void AppendSpan(const SpanData& span, std::string& out) {
  out += "{\"traceId\":";
  AppendString(span.context.TraceIdHex(), out);
  out += ",\"spanId\":";
  AppendString(span.context.SpanIdHex(), out);
  if (span.parent_span_id) {
    out += ",\"parentSpanId\":";
    AppendString(std::string_view(span.parent_span_id->data(), span.parent_span_id->size()), out);
  }
  out += ",\"name\":";
  AppendString(span.name, out);
  out += fmt::format(",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"",
                     static_cast<int>(span.kind), span.start_unix_ns, span.end_unix_ns);
  out += ",\"attributes\":[";
  for (size_t i = 0; i < span.attributes.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"key\":";
    AppendString(span.attributes[i].first, out);
    out += ",\"value\":";
    AppendValue(span.attributes[i].second, out);
    out += '}';
  }
  out += "],\"events\":[";
  for (size_t i = 0; i < span.events.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{{\"timeUnixNano\":\"{}\",\"name\":", span.events[i].first);
    AppendString(span.events[i].second, out);
    out += '}';
  }
  out += "],\"links\":[";
  for (size_t i = 0; i < span.links.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"traceId\":";
    AppendString(span.links[i].TraceIdHex(), out);
    out += ",\"spanId\":";
    AppendString(span.links[i].SpanIdHex(), out);
    out += '}';
  }
  out += "],\"status\":";
  if (span.error) {
    out += "{\"code\":2,\"message\":";
    AppendString(span.status_message, out);
    out += '}';
  } else {
    out += "{\"code\":0}";
  }
  out += '}';
}

// A kept span's borrowed text, copied: it is exported after its owner may be gone.
AttributeValue Owned(AttributeValue value) {
  if (const auto* v = std::get_if<std::string_view>(&value)) return std::string(*v);
  return value;
}

}  // namespace

Tracer::Tracer(TracerOptions options, base::Metrics& metrics)
    : options_(std::move(options)),
      exported_(Outcome(metrics, "exported")),
      dropped_full_(Outcome(metrics, "dropped_queue_full")),
      dropped_failed_(Outcome(metrics, "dropped_export_failed")) {
  if (!recording()) return;
  const absl::StatusOr<base::Url> url = base::ParseUrl(options_.endpoint, 4318);
  if (!url.ok() || url->scheme != "http") {
    throw std::invalid_argument(
        fmt::format("tracing.endpoint must be http://host:port, not '{}'", options_.endpoint));
  }
  host_ = url->host;
  port_ = url->port;
  path_ = (url->path.empty() || url->path == "/" ? std::string() : url->path) + "/v1/traces";
  thread_ = std::thread([this] { Run(); });
}

Tracer::~Tracer() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Span Tracer::StartSpan(std::string_view name, SpanKind kind, std::string_view parent_traceparent) {
  if (const std::optional<base::TraceContext> parent =
          base::TraceContext::FromTraceparent(parent_traceparent)) {
    return StartSpan(name, kind, *parent);
  }
  thread_local std::minstd_rand generator{std::random_device{}()};
  const bool sampled = static_cast<int64_t>(generator() % 100) < options_.sample_percent;
  const base::TraceContext root = base::TraceContext::NewTrace(sampled);
  if (!recording()) return Span(nullptr, root, name, kind);
  return Span(this, root, name, kind);
}

Span Tracer::StartSpan(std::string_view name, SpanKind kind, const base::TraceContext& parent) {
  Span span(recording() ? this : nullptr, parent.NewSpan(), name, kind);
  if (recording()) span.parent_span_id_ = parent.span_id;
  return span;
}

void Tracer::Finish(Span& span, int64_t end_unix_ns) {
  const bool slow =
      end_unix_ns - span.start_unix_ns_ >= std::chrono::nanoseconds(options_.slow).count();
  if (!span.context_.sampled && !span.error_ && !slow) return;
  SpanData kept{.context = span.context_,
                .parent_span_id = span.parent_span_id_,
                .name = std::string(span.name_),
                .kind = span.kind_,
                .start_unix_ns = span.start_unix_ns_,
                .end_unix_ns = end_unix_ns,
                .attributes = {},
                .events = std::move(span.events_),
                .links = std::move(span.links_),
                .error = span.error_,
                .status_message = std::move(span.status_message_)};
  kept.attributes.reserve(span.attributes_.size());
  for (Span::Attribute& attribute : span.attributes_) {
    kept.attributes.emplace_back(attribute.first, Owned(std::move(attribute.second)));
  }
  std::unique_lock lock(mu_);
  if (queue_.size() >= options_.queue_capacity) {
    lock.unlock();
    dropped_full_.Add();
    return;
  }
  queue_.push_back(std::move(kept));
  ++enqueued_;
  if (queue_.size() >= options_.batch_size) wake_.notify_one();
}

void Tracer::Flush() {
  if (!thread_.joinable()) return;
  std::unique_lock lock(mu_);
  const uint64_t target = enqueued_;
  flush_requested_ = true;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return done_ >= target; });
}

void Tracer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait_for(lock, options_.flush_interval, [&] {
      return stopping_ || flush_requested_ || queue_.size() >= options_.batch_size;
    });
    if (queue_.empty()) {
      flush_requested_ = false;
      flushed_.notify_all();
      if (stopping_) return;
      continue;
    }
    std::vector<SpanData> batch;
    while (!queue_.empty() && batch.size() < options_.batch_size) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    const bool exported = Export(batch);
    lock.lock();
    done_ += batch.size();
    if (!exported && stopping_) {
      // The process is stopping and the collector failed: the rest would each wait up to
      // export_timeout (a collector that hangs would hold the exit for a timeout a batch).
      dropped_failed_.Add(static_cast<int64_t>(queue_.size()));
      done_ += queue_.size();
      queue_.clear();
    }
    flushed_.notify_all();
  }
}

bool Tracer::Export(std::vector<SpanData>& batch) {
  const std::string body = OtlpJson(options_.service, batch);  // sent as application/json
  const absl::StatusOr<http::Response> answer =
      http::Fetch(host_, port_, "POST", path_, body, {}, options_.export_timeout);
  if (answer.ok() && answer->status / 100 == 2) {
    exported_.Add(static_cast<int64_t>(batch.size()));
    return true;
  }
  dropped_failed_.Add(static_cast<int64_t>(batch.size()));
  // Once a minute at most: a collector that is down must not flood the log.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_failure_log_ >= std::chrono::minutes(1)) {
    last_failure_log_ = now;
    spdlog::warn("tracing: {} spans not exported to {}: {}", batch.size(), options_.endpoint,
                 answer.ok() ? fmt::format("HTTP {}", answer->status)
                             : std::string(base::Message(answer.status())));
  }
  return false;
}

std::string Tracer::OtlpJson(const std::string& service, const std::vector<SpanData>& spans) {
  std::string out =
      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
      "\"value\":{\"stringValue\":";
  AppendString(service, out);
  out += "}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"seckill\"},\"spans\":[";
  for (size_t i = 0; i < spans.size(); ++i) {
    if (i > 0) out += ',';
    AppendSpan(spans[i], out);
  }
  out += "]}]}]}";
  return out;
}

}  // namespace seckill::tracing
