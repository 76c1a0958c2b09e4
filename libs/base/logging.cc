#include "libs/base/logging.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <mutex>

#include "fmt/format.h"
#include "libs/base/trace_context.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/base_sink.h"
#include "spdlog/spdlog.h"

namespace seckill::base {
namespace {

// The fields of the event being logged on this thread (LogEvent), read by the formatter: the
// logger is synchronous, so the line is formatted inside LogEvent's call.
thread_local const LogFields* current_fields = nullptr;

// The length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8.
size_t Utf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  // Overlong three-byte forms, UTF-16 surrogates, and code points past U+10FFFF.
  if (lead == 0xe0 && byte(i + 1) < 0xa0) return 0;
  if (lead == 0xed && byte(i + 1) >= 0xa0) return 0;
  if (lead == 0xf0 && byte(i + 1) < 0x90) return 0;
  if (lead == 0xf4 && byte(i + 1) >= 0x90) return 0;
  return length;
}

// "2026-12-03T18:50:13.123Z"
void AppendTime(std::chrono::system_clock::time_point time, std::string& out) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                 utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                 utc.tm_sec, ms % 1000);
}

class JsonLineFormatter final : public spdlog::formatter {
 public:
  explicit JsonLineFormatter(std::string service) : service_(std::move(service)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = "{\"time\":\"";
    AppendTime(msg.time, line);
    line += "\",\"level\":\"";
    line.append(spdlog::level::to_string_view(msg.level).data(),
                spdlog::level::to_string_view(msg.level).size());
    line += "\",\"service\":\"";
    AppendJsonEscaped(service_, line);
    line += "\",\"message\":\"";
    AppendJsonEscaped(std::string_view(msg.payload.data(), msg.payload.size()), line);
    line += '"';
    if (current_fields != nullptr) {
      for (const LogField& field : *current_fields) {
        line += ",\"";
        AppendJsonEscaped(field.key, line);
        line += "\":";
        if (field.number) {
          line += field.value;
        } else {
          line += '"';
          AppendJsonEscaped(field.value, line);
          line += '"';
        }
      }
    }
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>(service_);
  }

 private:
  const std::string service_;
};

// The text format: spdlog's pattern, then the event's fields as key=value.
class TextLineFormatter final : public spdlog::formatter {
 public:
  TextLineFormatter()
      : pattern_("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc, "") {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    pattern_.format(msg, dest);
    if (current_fields != nullptr) {
      for (const LogField& field : *current_fields) {
        fmt::format_to(std::back_inserter(dest), " {}={}", field.key, field.value);
      }
    }
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextLineFormatter>();
  }

 private:
  spdlog::pattern_formatter pattern_;
};

// Lines on stderr, written in batches rather than one write(2) a line (which cost the gateway
// about 6 µs a line of its sampled access log): a line at warn or above is written at once, with
// every line before it; lower lines wait until 64 KiB gather or the next periodic flush
// (InitLogging: each second), and are written when the sink is destroyed at exit. So a process
// killed outright may lose up to a second of info lines, never a warning or an error.
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedStderrSink() = default;
  BufferedStderrSink(const BufferedStderrSink&) = delete;
  BufferedStderrSink& operator=(const BufferedStderrSink&) = delete;
  ~BufferedStderrSink() override {
    const std::lock_guard lock(mutex_);
    WriteOut();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (msg.level >= spdlog::level::warn || buffer_.size() >= kWriteAtBytes) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  static constexpr size_t kWriteAtBytes = size_t{64} * 1024;

  // Under mutex_. A failed write drops what is left: logging never throws.
  void WriteOut() {
    const char* data = buffer_.data();
    size_t left = buffer_.size();
    while (left > 0) {
      const ssize_t written = ::write(STDERR_FILENO, data, left);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) break;
      data += written;
      left -= static_cast<size_t>(written);
    }
    buffer_.clear();
  }

  spdlog::memory_buf_t buffer_;
};

}  // namespace

LogFields TraceFields(std::string_view traceparent) {
  const std::optional<TraceContext> trace = TraceContext::FromTraceparent(traceparent);
  if (!trace) return {};
  return {{"trace_id", std::string(trace->TraceIdHex())},
          {"span_id", std::string(trace->SpanIdHex())}};
}

void AppendJsonEscaped(std::string_view text, std::string& out) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (const size_t length = Utf8Length(text, i); length > 0) {
        out.append(text.substr(i, length));
        i += length;
      } else {
        out += "\\ufffd";
        ++i;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(const std::string& service, LogFormat format) {
  if (format == LogFormat::kJson) return std::make_unique<JsonLineFormatter>(service);
  return std::make_unique<TextLineFormatter>();
}

void InitLogging(const std::string& service, const std::string& level, LogFormat format) {
  auto logger = std::make_shared<spdlog::logger>(service, std::make_shared<BufferedStderrSink>());
  logger->set_formatter(MakeLogFormatter(service, format));
  logger->set_level(spdlog::level::from_str(level));
  if (logger->level() == spdlog::level::off && level != "off")
    logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

void LogEvent(spdlog::level::level_enum level, std::string_view message, const LogFields& fields) {
  if (!spdlog::should_log(level)) return;
  current_fields = &fields;
  spdlog::log(level, "{}", message);
  current_fields = nullptr;
}

}  // namespace seckill::base
