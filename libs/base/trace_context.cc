#include "libs/base/trace_context.h"

#include <cstdint>
#include <random>

namespace seckill::base {

bool IsValidTraceparent(std::string_view v) {
  if (v.size() != 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') return false;
  auto hex = [](std::string_view s) {
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  };
  auto zero = [](std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; };
  std::string_view version = v.substr(0, 2), trace = v.substr(3, 32), parent = v.substr(36, 16),
                   flags = v.substr(53, 2);
  return hex(version) && version != "ff" && hex(trace) && !zero(trace) && hex(parent) &&
         !zero(parent) && hex(flags);
}

}  // namespace seckill::base

namespace seckill::base {
namespace {

// Ids need uniqueness, not secrecy: a per-thread generator seeded once from the OS.
uint64_t RandomWord() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t word = 0;
  while (word == 0) word = generator();  // an all-zero id is invalid
  return word;
}

template <size_t N>
void FillHex(std::array<char, N>& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < N; i += 16) {
    uint64_t word = RandomWord();
    for (size_t j = 0; j < 16; ++j, word >>= 4) out[i + j] = kDigits[word & 0xf];
  }
}

}  // namespace

std::optional<TraceContext> TraceContext::FromTraceparent(std::string_view traceparent) {
  if (!IsValidTraceparent(traceparent)) return std::nullopt;
  TraceContext context;
  traceparent.copy(context.trace_id.data(), 32, 3);
  traceparent.copy(context.span_id.data(), 16, 36);
  const char low = traceparent[54];
  // The sampled flag is bit 0 of the flags byte: its low hex digit is odd.
  context.sampled = ((low >= '0' && low <= '9') ? low - '0' : low - 'a' + 10) % 2 == 1;
  return context;
}

TraceContext TraceContext::NewTrace(bool sampled) {
  TraceContext context;
  FillHex(context.trace_id);
  FillHex(context.span_id);
  context.sampled = sampled;
  return context;
}

TraceContext TraceContext::NewSpan() const {
  TraceContext child = *this;
  FillHex(child.span_id);
  return child;
}

std::string TraceContext::Traceparent() const {
  std::string out = "00-";
  out.append(TraceIdHex()).append("-").append(SpanIdHex()).append(sampled ? "-01" : "-00");
  return out;
}

}  // namespace seckill::base
