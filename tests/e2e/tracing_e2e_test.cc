// One order's trace, as the services export it over OTLP/HTTP to a receiver this test runs at the
// stack's tracing endpoint (SECKILL_TRACING_ENDPOINT): the spans, their parents and attributes.
#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/base/trace_context.h"
#include "libs/base/url.h"
#include "libs/tracing/testing/otlp_receiver.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

using tracing::testing::OtlpReceiver;
using tracing::testing::ReceivedSpan;

class TracingE2eTest : public E2eTest {
 protected:
  static uint16_t EndpointPort() {
    auto url = base::ParseUrl(StackEnv::Get().At("SECKILL_TRACING_ENDPOINT"), 4318);
    return url.ok() ? url->port : 0;
  }
};

const ReceivedSpan* Find(const std::vector<ReceivedSpan>& spans, const std::string& service,
                         const std::string& name, const std::string& parent) {
  for (const ReceivedSpan& span : spans) {
    if (span.service == service && span.name == name && span.parent_span_id == parent) return &span;
  }
  return nullptr;
}

// One gRPC hop of the trace: the caller's client span of `method`, child of `parent`, and the
// callee's server span, child of that one; both answered OK, with OpenTelemetry's rpc.*
// attributes. Null halves (and a failure) when missing.
struct Hop {
  const ReceivedSpan* client = nullptr;
  const ReceivedSpan* server = nullptr;
};
Hop FindHop(const std::vector<ReceivedSpan>& spans, const std::string& caller,
            const std::string& callee, const std::string& method, const std::string& parent) {
  Hop hop;
  hop.client = Find(spans, caller, method, parent);
  if (hop.client == nullptr) {
    ADD_FAILURE() << caller << ": no client span of " << method << " under " << parent;
    return hop;
  }
  hop.server = Find(spans, callee, method, hop.client->span_id);
  if (hop.server == nullptr) {
    ADD_FAILURE() << callee << ": no server span of " << method << ", child of the caller's";
    return hop;
  }
  EXPECT_EQ(hop.client->kind, 3) << method;
  EXPECT_EQ(hop.server->kind, 2) << method;
  const size_t slash = method.rfind('/');
  for (const ReceivedSpan* span : {hop.client, hop.server}) {
    EXPECT_EQ(span->attributes.at("rpc.system"), "grpc") << span->service << " " << method;
    EXPECT_EQ(span->attributes.at("rpc.service"), method.substr(0, slash)) << span->service;
    EXPECT_EQ(span->attributes.at("rpc.method"), method.substr(slash + 1)) << span->service;
    EXPECT_EQ(span->attributes.at("rpc.grpc.status_code"), "0") << span->service << " " << method;
  }
  return hop;
}

TEST_F(TracingE2eTest, AnOrdersTraceRunsFromTheGatewayToRedisAndAcrossTheQueue) {
  OtlpReceiver receiver(EndpointPort());  // fails loudly if the port is taken (a local Jaeger?)
  const std::string activity = NewActivity(3);
  const std::vector<bench::BuyerAccount> buyers = NewBuyers(1);
  // The caller's span, sampled: every span of this trace is kept whatever the ratio.
  const base::TraceContext caller = base::TraceContext::NewTrace(true);
  const http::Response placed =
      Order(activity, buyers[0].token, "", {{"traceparent", caller.Traceparent()}});
  ASSERT_EQ(placed.status, 202) << placed.body;

  const std::string trace(caller.TraceIdHex());
  const std::string route = "POST /api/v1/activities/{id}/orders";
  const std::string place = "seckill.order.v1.OrderService/PlaceOrders";
  auto complete = [&](const std::vector<ReceivedSpan>& spans) {
    int of_trace = 0;
    for (const ReceivedSpan& s : spans) of_trace += s.trace_id == trace ? 1 : 0;
    return of_trace >= 15;
  };
  std::vector<ReceivedSpan> spans = receiver.WaitFor(complete, std::chrono::seconds(10));
  std::erase_if(spans, [&](const ReceivedSpan& s) { return s.trace_id != trace; });

  const ReceivedSpan* server =
      Find(spans, "seckill-gateway", route, std::string(caller.SpanIdHex()));
  ASSERT_NE(server, nullptr) << "the gateway's span of the request, child of the caller's";
  EXPECT_EQ(server->kind, 2);
  EXPECT_EQ(server->attributes.at("http.request.method"), "POST");
  EXPECT_EQ(server->attributes.at("http.route"), route);
  EXPECT_EQ(server->attributes.at("http.response.status_code"), "202");

  const ReceivedSpan* decision = Find(spans, "seckill-gateway", "flow control", server->span_id);
  ASSERT_NE(decision, nullptr);
  EXPECT_EQ(decision->attributes.at("seckill.flow.decision"), "admitted");
  EXPECT_EQ(decision->attributes.at("seckill.flow.resource"), route);

  const auto [client, answered] =
      FindHop(spans, "seckill-gateway", "seckill-order", place, server->span_id);
  ASSERT_NE(answered, nullptr) << "the gateway's call placing the order, and the order service's";
  EXPECT_FALSE(answered->attributes.at("seckill.order_id").empty());

  const std::string reserve = "seckill.product.v1.ProductService/ReserveStocks";
  const Hop reserving =
      FindHop(spans, "seckill-order", "seckill-product", reserve, answered->span_id);
  const ReceivedSpan* reserved = reserving.server;
  ASSERT_NE(reserved, nullptr) << "the order service's call for the stock, and the product's";
  EXPECT_EQ(reserved->attributes.at("seckill.order_id"),
            answered->attributes.at("seckill.order_id"));
  const ReceivedSpan* redis =
      Find(spans, "seckill-product", "FCALL seckill_many", reserved->span_id);
  ASSERT_NE(redis, nullptr) << "the ledger's Redis call";
  EXPECT_EQ(redis->kind, 3);
  EXPECT_EQ(redis->attributes.at("db.system"), "redis");
  EXPECT_EQ(redis->attributes.at("db.operation.name"), "FCALL");

  const ReceivedSpan* published =
      Find(spans, "seckill-order", "seckill.orders publish", answered->span_id);
  ASSERT_NE(published, nullptr) << "the publish of the order's message, to its confirm";
  EXPECT_EQ(published->kind, 4);
  EXPECT_EQ(published->attributes.at("messaging.system"), "rabbitmq");
  EXPECT_EQ(published->attributes.at("messaging.destination.name"), "seckill.orders");
  EXPECT_EQ(published->events, std::vector<std::string>{"confirmed"});

  // Once confirmed, the reservation is marked published (both ends).
  const std::string mark = "seckill.product.v1.ProductService/MarkReservationsPublished";
  const Hop marking = FindHop(spans, "seckill-order", "seckill-product", mark, answered->span_id);
  ASSERT_NE(marking.server, nullptr) << "the call marking the reservation published";
  EXPECT_GE(marking.client->start_unix_ns, published->end_unix_ns);

  // Across the queue: the consumer's handling of the order, child of (and linked to) the publish.
  const ReceivedSpan* processed =
      Find(spans, "seckill-order", "seckill.orders process", published->span_id);
  ASSERT_NE(processed, nullptr) << "the consumer's span of the order's delivery";
  EXPECT_EQ(processed->kind, 5);
  EXPECT_EQ(processed->attributes.at("messaging.operation.type"), "process");
  EXPECT_EQ(processed->attributes.at("seckill.order_id"),
            answered->attributes.at("seckill.order_id"));
  EXPECT_EQ(processed->attributes.at("seckill.disposition"), "ack");
  ASSERT_EQ(processed->links.size(), 1u);
  EXPECT_EQ(processed->links[0], std::make_pair(trace, published->span_id));
  EXPECT_GE(processed->start_unix_ns, published->start_unix_ns);
  // The consumer's work for the order: the ledger's confirm (both ends), the row's insert, then
  // the ack, each a child of the consumer's span.
  const std::string confirm = "seckill.product.v1.ProductService/ConfirmReservations";
  const auto [confirming, confirmed] =
      FindHop(spans, "seckill-order", "seckill-product", confirm, processed->span_id);
  ASSERT_NE(confirmed, nullptr) << "the consumer's call confirming the reservation";
  EXPECT_EQ(confirmed->attributes.at("seckill.outcome"), "OUTCOME_CONFIRMED");
  const ReceivedSpan* inserted = Find(spans, "seckill-order", "INSERT orders", processed->span_id);
  ASSERT_NE(inserted, nullptr) << "the SQL statement that wrote the order";
  EXPECT_EQ(inserted->kind, 3);
  EXPECT_EQ(inserted->attributes.at("db.system"), "mariadb");
  EXPECT_EQ(inserted->attributes.at("db.collection.name"), "orders");
  EXPECT_EQ(inserted->status_code, 0);
  EXPECT_GE(inserted->start_unix_ns, confirming->end_unix_ns);
  const ReceivedSpan* acked =
      Find(spans, "seckill-order", "ack seckill.orders", processed->span_id);
  ASSERT_NE(acked, nullptr) << "the ack of the order's delivery";
  EXPECT_EQ(acked->attributes.at("messaging.operation.type"), "settle");
  EXPECT_EQ(acked->attributes.at("seckill.sent"), "true") << "ended by the consumer's word";
  EXPECT_GE(acked->start_unix_ns, inserted->end_unix_ns);
  EXPECT_LE(acked->end_unix_ns, processed->end_unix_ns);
  // Each span lies within its parent's time.
  EXPECT_LE(server->start_unix_ns, client->start_unix_ns);
  EXPECT_GE(server->end_unix_ns, client->end_unix_ns);
  EXPECT_LE(client->start_unix_ns, answered->start_unix_ns + 1'000'000);  // clocks: same host
}

// A call that is not batched (a read, pay, cancel, the admin's) gets its spans from the
// channel's and the server's interceptors: the gateway's client span under its request's, the
// order service's server span under that.
TEST_F(TracingE2eTest, AnUnbatchedCallHasASpanOnEachSide) {
  OtlpReceiver receiver(EndpointPort());
  const std::vector<bench::BuyerAccount> buyers = NewBuyers(1);
  const base::TraceContext caller = base::TraceContext::NewTrace(true);
  const auto listed = client_.Call("GET", "/api/v1/orders", "", buyers[0].token,
                                   {{"traceparent", caller.Traceparent()}});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->status, 200) << listed->body;

  const std::string trace(caller.TraceIdHex());
  const std::string list = "seckill.order.v1.OrderService/ListOrders";
  std::vector<ReceivedSpan> spans = receiver.WaitFor(
      [&](const std::vector<ReceivedSpan>& got) {
        int of_trace = 0;
        for (const ReceivedSpan& s : got) of_trace += s.trace_id == trace ? 1 : 0;
        return of_trace >= 4;  // the request's, flow control's, the call's two
      },
      std::chrono::seconds(10));
  std::erase_if(spans, [&](const ReceivedSpan& s) { return s.trace_id != trace; });
  const ReceivedSpan* server =
      Find(spans, "seckill-gateway", "GET /api/v1/orders", std::string(caller.SpanIdHex()));
  ASSERT_NE(server, nullptr) << "the gateway's span of the request";
  const Hop listing = FindHop(spans, "seckill-gateway", "seckill-order", list, server->span_id);
  ASSERT_NE(listing.server, nullptr);
  EXPECT_GE(listing.server->start_unix_ns + 1'000'000, listing.client->start_unix_ns);
  EXPECT_LE(listing.client->end_unix_ns, server->end_unix_ns);
}

TEST_F(TracingE2eTest, AnUnsampledTraceIsKeptOnlyWhereItFailedOrWasSlow) {
  OtlpReceiver receiver(EndpointPort());
  const base::TraceContext caller = base::TraceContext::NewTrace(false);
  auto listed =
      client_.Call("GET", "/api/v1/activities", "", "", {{"traceparent", caller.Traceparent()}});
  ASSERT_TRUE(listed.ok());
  // A sampled request after it: once its spans are in, the unsampled one's would be too.
  const base::TraceContext marker = base::TraceContext::NewTrace(true);
  ASSERT_TRUE(
      client_.Call("GET", "/api/v1/activities", "", "", {{"traceparent", marker.Traceparent()}})
          .ok());
  const std::vector<ReceivedSpan> spans = receiver.WaitFor(
      [&](const std::vector<ReceivedSpan>& got) {
        for (const ReceivedSpan& s : got) {
          if (s.trace_id == marker.TraceIdHex()) return true;
        }
        return false;
      },
      std::chrono::seconds(10));
  bool marker_seen = false;
  for (const ReceivedSpan& s : spans) {
    if (s.trace_id == caller.TraceIdHex()) {
      // Kept only by the rule for every trace: failed, or slower than tracing.slow_ms (500 ms
      // under make up), which a loaded machine can make a list request.
      EXPECT_TRUE(s.status_code == 2 || s.end_unix_ns - s.start_unix_ns >= 500'000'000) << s.name;
    }
    marker_seen = marker_seen || s.trace_id == marker.TraceIdHex();
  }
  EXPECT_TRUE(marker_seen);
}

}  // namespace
}  // namespace seckill::testing
