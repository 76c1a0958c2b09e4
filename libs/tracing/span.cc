#include "libs/tracing/span.h"

#include <chrono>

#include "libs/tracing/tracer.h"

namespace seckill::tracing {

int64_t NowUnixNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Span::Span(Span&& other) noexcept
    : tracer_(other.tracer_), context_(other.context_), data_(std::move(other.data_)) {}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    End();
    tracer_ = other.tracer_;
    context_ = other.context_;
    data_ = std::move(other.data_);
  }
  return *this;
}

Span& Span::Set(std::string_view key, std::string value) {
  if (data_) data_->attributes.emplace_back(key, std::move(value));
  return *this;
}

Span& Span::SetBorrowed(std::string_view key, std::string_view value) {
  if (data_) data_->attributes.emplace_back(key, value);
  return *this;
}

Span& Span::Set(std::string_view key, int64_t value) {
  if (data_) data_->attributes.emplace_back(key, value);
  return *this;
}

Span& Span::Set(std::string_view key, bool value) {
  if (data_) data_->attributes.emplace_back(key, value);
  return *this;
}

void Span::AddEvent(std::string name) {
  if (data_) data_->events.emplace_back(NowUnixNs(), std::move(name));
}

void Span::AddLink(const base::TraceContext& other) {
  if (data_) data_->links.push_back(other);
}

void Span::SetError(std::string message) {
  if (!data_) return;
  data_->error = true;
  data_->status_message = std::move(message);
}

void Span::End() {
  if (!data_) return;
  data_->end_unix_ns = NowUnixNs();
  tracer_->Finish(std::move(data_));
}

}  // namespace seckill::tracing
