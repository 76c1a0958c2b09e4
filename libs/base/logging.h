#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spdlog/common.h"
#include "spdlog/formatter.h"

namespace seckill::base {

enum class LogFormat {
  kJson,  // one JSON object a line: time, level, service, message, then the event's fields
  kText,  // "<time> <level> [<service>] <message> key=value ..."
};

// One field of a log event beyond its message: a key and its value, written as a JSON string
// unless `number` (then the value must be a JSON number, e.g. from std::to_string).
struct LogField {
  std::string_view key;
  std::string value;
  bool number = false;
};
using LogFields = std::vector<LogField>;
inline LogField NumberField(std::string_view key, int64_t value) {
  return {key, std::to_string(value), true};
}

// trace_id and span_id of a traceparent, for a line about work done for it; none when it is not
// a valid one.
LogFields TraceFields(std::string_view traceparent);

// Sets up the process-wide spdlog logger: one line per event on stderr, in `format`, naming
// `service`. `level` is trace|debug|info|warn|error; unknown levels mean info. Every spdlog call
// is a line of that format (its message escaped in JSON); LogEvent adds fields. Lines below warn
// are written in batches, at least each second; a warning or an error is written at once, with
// every line before it. Call once, from main, before any thread logs.
void InitLogging(const std::string& service, const std::string& level, LogFormat format);

// The line formatter InitLogging installs (for a logger of one's own, e.g. in a test).
std::unique_ptr<spdlog::formatter> MakeLogFormatter(const std::string& service, LogFormat format);

// Logs `message` with `fields` (e.g. trace_id, span_id, route, status) at `level`: in JSON as
// members of the line's object, in text as key=value after the message.
void LogEvent(spdlog::level::level_enum level, std::string_view message, const LogFields& fields);

// `text` as the inside of a JSON string: quotes, backslashes and control characters escaped,
// bytes that are not UTF-8 replaced by U+FFFD (so a line stays valid JSON whatever it quotes).
void AppendJsonEscaped(std::string_view text, std::string& out);

}  // namespace seckill::base
