#include "libs/tracing/span.h"

#include <chrono>
#include <utility>

#include "libs/tracing/tracer.h"

namespace seckill::tracing {

int64_t NowUnixNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Span::Span(Tracer* tracer, const base::TraceContext& context, std::string_view name, SpanKind kind)
    : tracer_(tracer),
      context_(context),
      name_(name),
      kind_(kind),
      start_unix_ns_(tracer != nullptr ? NowUnixNs() : 0) {}

Span::Span(Span&& other) noexcept
    : tracer_(std::exchange(other.tracer_, nullptr)),
      context_(other.context_),
      parent_span_id_(other.parent_span_id_),
      name_(other.name_),
      kind_(other.kind_),
      error_(other.error_),
      start_unix_ns_(other.start_unix_ns_),
      attributes_(std::move(other.attributes_)),
      events_(std::move(other.events_)),
      links_(std::move(other.links_)),
      status_message_(std::move(other.status_message_)) {}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    End();
    tracer_ = std::exchange(other.tracer_, nullptr);
    context_ = other.context_;
    parent_span_id_ = other.parent_span_id_;
    name_ = other.name_;
    kind_ = other.kind_;
    error_ = other.error_;
    start_unix_ns_ = other.start_unix_ns_;
    attributes_ = std::move(other.attributes_);
    events_ = std::move(other.events_);
    links_ = std::move(other.links_);
    status_message_ = std::move(other.status_message_);
  }
  return *this;
}

Span& Span::Set(std::string_view key, std::string value) {
  if (tracer_ != nullptr) attributes_.emplace_back(key, std::move(value));
  return *this;
}

Span& Span::SetBorrowed(std::string_view key, std::string_view value) {
  if (tracer_ != nullptr) attributes_.emplace_back(key, value);
  return *this;
}

Span& Span::Set(std::string_view key, int64_t value) {
  if (tracer_ != nullptr) attributes_.emplace_back(key, value);
  return *this;
}

Span& Span::Set(std::string_view key, bool value) {
  if (tracer_ != nullptr) attributes_.emplace_back(key, value);
  return *this;
}

void Span::AddEvent(std::string name) {
  if (tracer_ != nullptr) events_.emplace_back(NowUnixNs(), std::move(name));
}

void Span::AddLink(const base::TraceContext& other) {
  if (tracer_ != nullptr) links_.push_back(other);
}

void Span::SetError(std::string message) {
  if (tracer_ == nullptr) return;
  error_ = true;
  status_message_ = std::move(message);
}

void Span::End() {
  if (tracer_ == nullptr) return;
  std::exchange(tracer_, nullptr)->Finish(*this, NowUnixNs());
}

}  // namespace seckill::tracing
