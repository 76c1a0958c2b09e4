#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "libs/http/server.h"

namespace seckill::tracing::testing {

// One span as an OTLP/HTTP JSON export carried it, with the exporting service's name.
struct ReceivedSpan {
  std::string service;
  std::string trace_id, span_id, parent_span_id;  // parent empty for a trace's first span
  std::string name;
  int kind = 0;
  int64_t start_unix_ns = 0, end_unix_ns = 0;
  std::map<std::string, std::string> attributes;  // every value as text
  std::vector<std::string> events;
  std::vector<std::pair<std::string, std::string>> links;  // (trace id, span id)
  int status_code = 0;
};

// An OTLP/HTTP receiver for tests: answers POST /v1/traces (JSON) with 200 and keeps every span;
// anything else is 404. Runs its own thread.
class OtlpReceiver {
 public:
  // `port` 0: any free port.
  explicit OtlpReceiver(uint16_t port = 0);
  ~OtlpReceiver();
  uint16_t port() const { return server_->port(); }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::vector<ReceivedSpan> Spans() const;
  // Waits until `done(spans)` holds or `timeout` passes; the spans then.
  std::vector<ReceivedSpan> WaitFor(
      const std::function<bool(const std::vector<ReceivedSpan>&)>& done,
      std::chrono::milliseconds timeout) const;
  int requests() const;

 private:
  boost::asio::io_context ioc_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<ReceivedSpan> spans_;
  int requests_ = 0;
};

}  // namespace seckill::tracing::testing
