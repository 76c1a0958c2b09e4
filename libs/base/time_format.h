#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace seckill::base {

// "2026-11-25T13:58:24Z" (UTC, whole seconds) for epoch milliseconds.
std::string FormatRfc3339(int64_t epoch_ms);
// Parses RFC 3339 date-times: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (a space or
// lower-case 't'/'z' is accepted too). INVALID_ARGUMENT otherwise, including impossible dates.
absl::StatusOr<int64_t> ParseRfc3339(std::string_view text);

}  // namespace seckill::base
