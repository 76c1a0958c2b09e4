#include "libs/tracing/tracer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

#include "boost/json/parse.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/tracing/testing/otlp_receiver.h"

namespace seckill::tracing {
namespace {

using testing::OtlpReceiver;
using testing::ReceivedSpan;

constexpr char kSampled[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr char kUnsampled[] = "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

TracerOptions To(const OtlpReceiver& receiver) {
  TracerOptions options;
  options.service = "seckill-test";
  options.endpoint = receiver.endpoint();
  options.sample_percent = 0;
  options.slow = std::chrono::milliseconds(300);  // far above a descheduled thread's pause
  return options;
}

const ReceivedSpan* Named(const std::vector<ReceivedSpan>& spans, const std::string& name) {
  for (const ReceivedSpan& span : spans) {
    if (span.name == name) return &span;
  }
  return nullptr;
}

// A span holds what it records itself and borrows its name and borrowed text: a span that is
// kept (here a failed one of an unsampled trace, and one of a sampled trace) copies them at its
// end, when their owner may go before the export; a moved span ends once, as its last owner.
TEST(TracerTest, AKeptSpanOwnsItsBorrowedTextAndASpanMovedAroundEndsOnce) {
  OtlpReceiver receiver;
  base::Metrics metrics;
  Tracer tracer(To(receiver), metrics);
  {
    auto name = std::make_unique<std::string>("seckill.orders publish");
    auto id = std::make_unique<std::string>("order-42");
    Span first = tracer.StartSpan(*name, SpanKind::kProducer, kUnsampled);
    first.SetBorrowed("messaging.message.id", *id).Set("seckill.order_id", 42);
    Span moved(std::move(first));
    std::vector<Span> held;
    held.emplace_back(std::move(moved));
    held.emplace_back(tracer.StartSpan("quiet", SpanKind::kInternal, kUnsampled));  // dropped
    held.front().Set("retried", true).SetError("nack");  // failed: kept, though not sampled
    held.front().End();
    for (std::string* owner : {name.get(), id.get()}) owner->assign(owner->size(), '#');
    name.reset();
    id.reset();
  }
  {
    auto route = std::make_unique<std::string>("POST /api/v1/activities/{id}/orders");
    Span kept = tracer.StartSpan(*route, SpanKind::kServer, kSampled);
    kept.SetBorrowed("http.route", *route).Set("n", 1);
    kept.End();
    route->assign(route->size(), '#');  // the owner changes and goes
    route.reset();
  }
  tracer.Flush();
  const std::vector<ReceivedSpan> spans = receiver.Spans();
  ASSERT_EQ(spans.size(), 2u) << "the failed and the sampled span, each once";
  const ReceivedSpan* failed = Named(spans, "seckill.orders publish");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->kind, 4);
  EXPECT_EQ(failed->status_code, 2);
  EXPECT_EQ(failed->parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(failed->attributes.size(), 3u);
  EXPECT_EQ(failed->attributes.at("messaging.message.id"), "order-42");
  EXPECT_EQ(failed->attributes.at("seckill.order_id"), "42");
  EXPECT_EQ(failed->attributes.at("retried"), "true");
  EXPECT_LE(failed->start_unix_ns, failed->end_unix_ns);
  const ReceivedSpan* kept = Named(spans, "POST /api/v1/activities/{id}/orders");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->attributes.at("http.route"), "POST /api/v1/activities/{id}/orders");
  EXPECT_EQ(kept->attributes.size(), 2u);
  EXPECT_EQ(kept->status_code, 0);
  EXPECT_EQ(kept->parent_span_id, "00f067aa0ba902b7");
}

TEST(TracerTest, ASampledTracesSpansArriveWithTheirParentsAttributesAndStatus) {
  OtlpReceiver receiver;
  base::Metrics metrics;
  Tracer tracer(To(receiver), metrics);
  {
    Span server = tracer.StartSpan("POST /x", SpanKind::kServer, kSampled);
    server.Set("http.route", "/x").Set("http.response.status_code", 202);
    Span client = tracer.StartSpan("seckill.order.v1.OrderService/PlaceOrders", SpanKind::kClient,
                                   server.context());
    client.Set("rpc.system", "grpc").Set("retried", false);
    client.AddEvent("confirmed");
    client.AddLink(server.context());
    client.SetError("UNAVAILABLE: \"down\"");
  }
  tracer.Flush();
  const std::vector<ReceivedSpan> spans = receiver.Spans();
  ASSERT_EQ(spans.size(), 2u);
  const ReceivedSpan* server = Named(spans, "POST /x");
  const ReceivedSpan* client = Named(spans, "seckill.order.v1.OrderService/PlaceOrders");
  ASSERT_TRUE(server && client);
  EXPECT_EQ(server->service, "seckill-test");
  EXPECT_EQ(server->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(server->parent_span_id, "00f067aa0ba902b7") << "the caller's span is the parent";
  EXPECT_EQ(server->kind, 2);
  EXPECT_EQ(server->attributes.at("http.response.status_code"), "202");
  EXPECT_EQ(server->status_code, 0);
  EXPECT_LE(server->start_unix_ns, client->start_unix_ns);
  EXPECT_GE(server->end_unix_ns, client->end_unix_ns);
  EXPECT_EQ(client->trace_id, server->trace_id);
  EXPECT_EQ(client->parent_span_id, server->span_id);
  EXPECT_EQ(client->kind, 3);
  EXPECT_EQ(client->attributes.at("rpc.system"), "grpc");
  EXPECT_EQ(client->attributes.at("retried"), "false");
  EXPECT_EQ(client->events, std::vector<std::string>{"confirmed"});
  ASSERT_EQ(client->links.size(), 1u);
  EXPECT_EQ(client->links[0].second, server->span_id);
  EXPECT_EQ(client->status_code, 2);
  EXPECT_NE(metrics.PrometheusText().find("seckill_trace_spans_total{outcome=\"exported\"} 2"),
            std::string::npos);
}

TEST(TracerTest, AnUnsampledTraceKeepsOnlyItsFailedAndSlowSpans) {
  OtlpReceiver receiver;
  base::Metrics metrics;
  Tracer tracer(To(receiver), metrics);
  tracer.StartSpan("fast", SpanKind::kServer, kUnsampled).End();
  tracer.StartSpan("failed", SpanKind::kServer, kUnsampled).SetError("boom");
  {
    Span slow = tracer.StartSpan("slow", SpanKind::kServer, kUnsampled);
    std::this_thread::sleep_for(std::chrono::milliseconds(320));
  }
  // A trace begun here at sample_percent 0 is not sampled either.
  tracer.StartSpan("root", SpanKind::kServer, "").End();
  tracer.Flush();
  const std::vector<ReceivedSpan> spans = receiver.Spans();
  EXPECT_EQ(spans.size(), 2u);
  EXPECT_TRUE(Named(spans, "failed") && Named(spans, "slow"));
  EXPECT_FALSE(Named(spans, "fast") || Named(spans, "root"));
}

TEST(TracerTest, ANewTraceIsSampledAtItsRatioAndCarriedOn) {
  OtlpReceiver receiver;
  base::Metrics metrics;
  TracerOptions options = To(receiver);
  options.sample_percent = 100;
  Tracer tracer(options, metrics);
  std::string traceparent;
  {
    Span root = tracer.StartSpan("root", SpanKind::kServer, "not a traceparent");
    traceparent = root.Traceparent();
  }
  tracer.Flush();
  ASSERT_EQ(receiver.Spans().size(), 1u);
  EXPECT_TRUE(receiver.Spans()[0].parent_span_id.empty());
  EXPECT_EQ(traceparent.substr(52), "-01");
  EXPECT_EQ(traceparent.substr(3, 32), receiver.Spans()[0].trace_id);
}

TEST(TracerTest, WithoutAnEndpointNothingIsRecordedButTheContextIsCarriedOn) {
  base::Metrics metrics;
  Tracer tracer(TracerOptions{.service = "seckill-test"}, metrics);
  EXPECT_FALSE(tracer.recording());
  Span span = tracer.StartSpan("x", SpanKind::kServer, kSampled);
  EXPECT_FALSE(span.recording());
  EXPECT_EQ(span.Traceparent().substr(0, 36), std::string(kSampled).substr(0, 36));
  EXPECT_NE(span.context().SpanIdHex(), "00f067aa0ba902b7");
}

TEST(TracerTest, AFullQueueDropsAndAnUnreachableCollectorFailsAndBothAreCounted) {
  base::Metrics metrics;
  TracerOptions options;
  options.service = "seckill-test";
  {
    OtlpReceiver gone;  // a port that was free, now closed again
    options.endpoint = gone.endpoint();
  }
  options.queue_capacity = 3;
  options.batch_size = 1000;
  options.flush_interval = std::chrono::seconds(60);
  Tracer tracer(options, metrics);
  for (int i = 0; i < 5; ++i) tracer.StartSpan("s", SpanKind::kServer, kSampled).End();
  tracer.Flush();
  const std::string text = metrics.PrometheusText();
  EXPECT_NE(text.find("seckill_trace_spans_total{outcome=\"dropped_queue_full\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("seckill_trace_spans_total{outcome=\"dropped_export_failed\"} 3"),
            std::string::npos)
      << text;
}

// A collector that takes the connection and never answers (a socket that listens and never
// accepts): a tracer ending with spans queued makes one export that fails, and drops the rest
// rather than wait a timeout for each. Its connections are counted by accepting them afterwards.
TEST(TracerTest, AtItsEndTheTracerStopsExportingOnceTheCollectorFails) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  base::Metrics metrics;
  TracerOptions options;
  options.service = "seckill-test";
  options.endpoint = fmt::format("http://127.0.0.1:{}", ntohs(address.sin_port));
  options.batch_size = 1;
  options.flush_interval = std::chrono::seconds(60);
  options.export_timeout = std::chrono::milliseconds(200);
  {
    Tracer tracer(options, metrics);
    for (int i = 0; i < 4; ++i) tracer.StartSpan("s", SpanKind::kServer, kSampled).End();
  }
  int connections = 0;
  for (int accepted; (accepted = ::accept(listener, nullptr, nullptr)) >= 0; ++connections) {
    ::close(accepted);
  }
  ::close(listener);
  EXPECT_EQ(connections, 1);
  const std::string text = metrics.PrometheusText();
  EXPECT_NE(text.find("seckill_trace_spans_total{outcome=\"dropped_export_failed\"} 4"),
            std::string::npos)
      << text;
}

TEST(TracerTest, TheExportIsOtlpJson) {
  SpanData span;
  span.context = *base::TraceContext::FromTraceparent(kSampled);
  span.name = "n\"";
  span.kind = SpanKind::kProducer;
  span.attributes = {{"messaging.system", std::string("rabbitmq")}, {"n", int64_t{3}}};
  const boost::json::value body = boost::json::parse(Tracer::OtlpJson("svc", {span}));
  const boost::json::value& out =
      body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(out.at("name").as_string(), "n\"");
  EXPECT_EQ(out.at("kind").as_int64(), 4);
  EXPECT_FALSE(out.as_object().contains("parentSpanId"));
  EXPECT_EQ(out.at("attributes").at(1).at("value").at("intValue").as_string(), "3");
}

}  // namespace
}  // namespace seckill::tracing
