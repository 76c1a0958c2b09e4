#include "libs/tracing/testing/otlp_receiver.h"

#include <stdexcept>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"

namespace seckill::tracing::testing {
namespace {

namespace json = boost::json;

std::string Text(const json::value& value) {
  if (const json::object* any = value.if_object()) {
    for (const auto& [kind, inner] : *any) {
      if (const json::string* s = inner.if_string()) return std::string(*s);
      return json::serialize(inner);
    }
  }
  return json::serialize(value);
}

int64_t Nanos(const json::value& value) {
  return value.is_string() ? std::stoll(std::string(value.as_string()))
                           : value.to_number<int64_t>();
}

std::vector<ReceivedSpan> Decode(const std::string& body) {
  std::vector<ReceivedSpan> spans;
  const json::object request = json::parse(body).as_object();
  for (const json::value& resource_spans : request.at("resourceSpans").as_array()) {
    std::string service;
    for (const json::value& a : resource_spans.at("resource").at("attributes").as_array()) {
      if (a.at("key") == "service.name") service = Text(a.at("value"));
    }
    for (const json::value& scope : resource_spans.at("scopeSpans").as_array()) {
      for (const json::value& s : scope.at("spans").as_array()) {
        const json::object& o = s.as_object();
        ReceivedSpan span;
        span.service = service;
        span.trace_id = std::string(o.at("traceId").as_string());
        span.span_id = std::string(o.at("spanId").as_string());
        if (const json::value* parent = o.if_contains("parentSpanId")) {
          span.parent_span_id = std::string(parent->as_string());
        }
        span.name = std::string(o.at("name").as_string());
        span.kind = static_cast<int>(o.at("kind").to_number<int64_t>());
        span.start_unix_ns = Nanos(o.at("startTimeUnixNano"));
        span.end_unix_ns = Nanos(o.at("endTimeUnixNano"));
        for (const json::value& a : o.at("attributes").as_array()) {
          span.attributes[std::string(a.at("key").as_string())] = Text(a.at("value"));
        }
        for (const json::value& e : o.at("events").as_array()) {
          span.events.emplace_back(e.at("name").as_string());
        }
        for (const json::value& l : o.at("links").as_array()) {
          span.links.emplace_back(std::string(l.at("traceId").as_string()),
                                  std::string(l.at("spanId").as_string()));
        }
        span.status_code = static_cast<int>(o.at("status").at("code").to_number<int64_t>());
        spans.push_back(std::move(span));
      }
    }
  }
  return spans;
}

}  // namespace

OtlpReceiver::OtlpReceiver(uint16_t port) {
  server_ = std::make_unique<http::HttpServer>(
      ioc_, http::ServerOptions{.address = "127.0.0.1", .port = port, .body_limit = 16 << 20},
      [this](http::Request request) -> boost::asio::awaitable<http::Response> {
        http::Response response;
        if (request.method != "POST" || request.path != "/v1/traces") {
          response.status = 404;
          co_return response;
        }
        std::vector<ReceivedSpan> decoded = Decode(request.body);
        std::lock_guard lock(mu_);
        ++requests_;
        for (ReceivedSpan& span : decoded) spans_.push_back(std::move(span));
        response.body = "{}";
        co_return response;
      });
  if (absl::Status started = server_->Start(); !started.ok()) {
    throw std::runtime_error("OTLP receiver: " + std::string(started.message()));
  }
  thread_ = std::thread([this] { ioc_.run(); });
}

OtlpReceiver::~OtlpReceiver() {
  server_->Stop(std::chrono::milliseconds(100), [] {});
  ioc_.stop();
  thread_.join();
}

std::vector<ReceivedSpan> OtlpReceiver::Spans() const {
  std::lock_guard lock(mu_);
  return spans_;
}

int OtlpReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<ReceivedSpan> OtlpReceiver::WaitFor(
    const std::function<bool(const std::vector<ReceivedSpan>&)>& done,
    std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<ReceivedSpan> spans = Spans();
  while (!done(spans) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    spans = Spans();
  }
  return spans;
}

}  // namespace seckill::tracing::testing
