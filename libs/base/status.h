#pragma once
// Status helpers. absl 20220623 ships no RETURN_IF_ERROR / CHECK, so the project has its own.

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SECKILL_CONCAT_INNER(a, b) a##b
#define SECKILL_CONCAT(a, b) SECKILL_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define SECKILL_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status seckill_status_ = (expr);           \
    if (!seckill_status_.ok()) return seckill_status_; \
  } while (0)

// `lhs = value of expr`, or returns its status from the enclosing function. `lhs` may be a
// declaration (`auto x`), so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define SECKILL_ASSIGN_OR_RETURN(lhs, expr) \
  SECKILL_ASSIGN_OR_RETURN_IMPL(SECKILL_CONCAT(seckill_statusor_, __LINE__), lhs, expr)
#define SECKILL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

// A broken invariant is a programmer error: abort loudly, in every build type.
#define SECKILL_CHECK(cond)                                                                 \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: SECKILL_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

#include <string_view>
#include <vector>

#include "fmt/format.h"

namespace seckill::base {
// The status message as a std::string_view (Debian's absl::string_view is a distinct type).
inline std::string_view Message(const absl::Status& s) {
  return {s.message().data(), s.message().size()};
}
// A failure that may pass by itself (a dependency down or slow, a lost race): worth retrying.
inline bool IsTransient(const absl::Status& s) {
  return absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s) || absl::IsAborted(s) ||
         absl::IsResourceExhausted(s);
}
// The status of each result of a batch, in order.
template <class T>
std::vector<absl::Status> StatusesOf(const std::vector<absl::StatusOr<T>>& results) {
  std::vector<absl::Status> statuses;
  statuses.reserve(results.size());
  for (const absl::StatusOr<T>& r : results) statuses.push_back(r.status());
  return statuses;
}
}  // namespace seckill::base

// Debian's absl has its own string_view type (not std::string_view), which fmt and spdlog cannot
// print on their own.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <class Context>
  auto format(absl::string_view s, Context& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s.data(), s.size()), ctx);
  }
};

template <>
struct fmt::formatter<absl::Status> : fmt::formatter<std::string> {
  template <class Context>
  auto format(const absl::Status& s, Context& ctx) const {
    return fmt::formatter<std::string>::format(s.ToString(), ctx);
  }
};
