#include "libs/base/logging.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace seckill::base {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendJsonEscaped(text, out);
  return out;
}

TEST(LoggingTest, EscapingKeepsAnyTextValidJson) {
  EXPECT_EQ(Escaped("say \"hi\"\\\n\t\x01"), "say \\\"hi\\\"\\\\\\n\\t\\u0001");
  EXPECT_EQ(Escaped("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");  // UTF-8 kept
  EXPECT_EQ(Escaped("bad \xff\xc3("), "bad \\ufffd\\ufffd(");   // not UTF-8: replaced
  EXPECT_EQ(Escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");  // a UTF-16 surrogate
}

// Lines written through a logger with the service's formatter, as InitLogging sets it up.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(MakeLogFormatter("seckill-test", format));
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string Text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(LoggingTest, AJsonLineHoldsTheEventsFieldsAndEveryLineParses) {
  CapturedLog log(LogFormat::kJson);
  LogEvent(spdlog::level::info, "request",
           {{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
            NumberField("status", 202),
            {"path", "/x\"\n\xff"}});
  spdlog::warn("plain {} line", "spdlog");
  std::istringstream lines(log.Text());
  std::string first, second;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  const boost::json::object event = boost::json::parse(first).as_object();
  EXPECT_EQ(event.at("level").as_string(), "info");
  EXPECT_EQ(event.at("service").as_string(), "seckill-test");
  EXPECT_EQ(event.at("message").as_string(), "request");
  EXPECT_EQ(event.at("trace_id").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(event.at("status").as_int64(), 202);
  EXPECT_EQ(event.at("path").as_string(), "/x\"\n\xef\xbf\xbd");
  EXPECT_EQ(event.at("time").as_string().size(), 24u);  // 2026-12-03T18:50:13.123Z
  const boost::json::object plain = boost::json::parse(second).as_object();
  EXPECT_EQ(plain.at("message").as_string(), "plain spdlog line");
  EXPECT_EQ(plain.at("level").as_string(), "warning");
  EXPECT_FALSE(plain.contains("trace_id")) << "an event's fields stay with it";
}

TEST(LoggingTest, TextLinesCarryTheFieldsAsKeyValue) {
  CapturedLog log(LogFormat::kText);
  LogEvent(spdlog::level::info, "request", {{"route", "GET /x"}, NumberField("status", 200)});
  EXPECT_NE(log.Text().find("info [test] request route=GET /x status=200\n"), std::string::npos)
      << log.Text();
}

TEST(LoggingTest, TraceFieldsComeFromAValidTraceparentOnly) {
  const LogFields fields = TraceFields("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].value, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(fields[1].value, "00f067aa0ba902b7");
  EXPECT_TRUE(TraceFields("junk").empty());
}

// What the process's own logger (InitLogging) has written to stderr so far: its stderr is a pipe.
class StderrPipe {
 public:
  StderrPipe() {
    if (::pipe(fds_) != 0 || ::fcntl(fds_[0], F_SETFL, O_NONBLOCK) != 0 ||
        ::dup2(fds_[1], STDERR_FILENO) < 0) {
      std::_Exit(3);
    }
  }
  std::string Read() {
    char chunk[4096];
    for (ssize_t n; (n = ::read(fds_[0], chunk, sizeof chunk)) > 0;) {
      text_.append(chunk, static_cast<size_t>(n));
    }
    return text_;
  }

 private:
  int fds_[2] = {-1, -1};
  std::string text_;
};

// In a child process (InitLogging sets up the process-wide logger; the child's exit code says
// which expectation failed): an info line waits, a warning is written at once with it, and the
// next info line is written by the periodic flush within a second or so.
TEST(LoggingDeathTest, InfoLinesAreWrittenInBatchesAndAWarningAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        StderrPipe err;
        InitLogging("seckill-test", "info", LogFormat::kText);
        spdlog::info("the first info line");
        if (!err.Read().empty()) std::_Exit(4);
        spdlog::warn("a warning");
        const std::string both = err.Read();
        const size_t info = both.find("the first info line");
        if (info == std::string::npos || both.find("a warning", info) == std::string::npos) {
          std::_Exit(5);
        }
        spdlog::info("a later info line");
        for (int i = 0; i < 50 && err.Read().find("a later info line") == std::string::npos; ++i) {
          ::usleep(100'000);
        }
        std::_Exit(err.Read().find("a later info line") == std::string::npos ? 6 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace seckill::base
