#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace seckill::base {

// The W3C trace-context header carried through every hop (HTTP header, gRPC metadata, AMQP
// message header).
inline constexpr char kTraceparentKey[] = "traceparent";

// True when `value` is a well-formed version-00 traceparent
// ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", ids not all zero).
bool IsValidTraceparent(std::string_view value);

// Where one unit of work sits in a trace (W3C Trace Context): the trace's id, this span's id, and
// whether the trace is sampled (recorded). Ids are lower-case hex, never all zeros.
struct TraceContext {
  std::array<char, 32> trace_id{};
  std::array<char, 16> span_id{};
  bool sampled = false;

  // The context a traceparent carries (its span id is the caller's span); nullopt when malformed.
  static std::optional<TraceContext> FromTraceparent(std::string_view traceparent);
  // A new trace: fresh random trace and span ids.
  static TraceContext NewTrace(bool sampled);
  // A new span in this trace (fresh span id), e.g. this process's work for a caller's span.
  TraceContext NewSpan() const;

  // "00-<trace id>-<span id>-<01 sampled | 00>": what a callee is sent, this span its parent.
  std::string Traceparent() const;
  std::string_view TraceIdHex() const { return {trace_id.data(), trace_id.size()}; }
  std::string_view SpanIdHex() const { return {span_id.data(), span_id.size()}; }
};

}  // namespace seckill::base
