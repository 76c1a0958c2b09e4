// What a server (rpc::Serve) and a client (rpc::UnaryCall through SECKILL_ASYNC_METHOD) observe of
// each call: its duration per method and code, and the spans of a call carrying a traceparent.
#include "libs/rpc/call_metrics.h"

#include "boost/asio/awaitable.hpp"
#include "gmock/gmock.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "libs/base/trace_context.h"
#include "libs/rpc/serve.h"
#include "libs/rpc/service_channel.h"
#include "libs/rpc/testing/callback_threads.h"
#include "libs/rpc/unary_call.h"
#include "libs/tracing/testing/otlp_receiver.h"
#include "seckill/product/v1/product.grpc.pb.h"

namespace seckill::rpc {
namespace {

using ::testing::HasSubstr;
using tracing::testing::OtlpReceiver;
using tracing::testing::ReceivedSpan;
namespace pv1 = product::v1;

// Answers GetActivity NOT_FOUND, watched by `observers`; every other method UNIMPLEMENTED.
class NotFoundProducts final : public pv1::ProductService::CallbackService {
 public:
  explicit NotFoundProducts(CallObservers observers) : observers_(observers) {}

 private:
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* ctx,
                                        const pv1::GetActivityRequest* request,
                                        pv1::GetActivityResponse*) override {
    return Serve(observers_, ctx, request, NotFound());
  }
  static boost::asio::awaitable<grpc::Status> NotFound() {
    co_return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such activity");
  }

  CallObservers observers_;
};

// The server and a client of it, each side with its observers.
class Wire {
 public:
  Wire(CallObservers server_side, CallObservers client_side) : products_(server_side) {
    rpc::testing::KeepCallbackThreads();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&products_);
    server_ = builder.BuildAndStart();
    auto channel =
        std::make_shared<ServiceChannel>("product", ChannelSecurity::Insecure(), client_side);
    channel->Update({"127.0.0.1:" + std::to_string(port)});
    stubs_ = std::make_shared<Stubs<pv1::ProductService>>(channel);
  }
  ~Wire() { server_->Shutdown(); }

  absl::Status GetActivity(const std::string& traceparent) {
    return base::RunToCompletion(
               UnaryCall<pv1::GetActivityResponse>(SECKILL_ASYNC_METHOD(stubs_, GetActivity),
                                                   pv1::GetActivityRequest(),
                                                   std::chrono::seconds(5), traceparent))
        .status();
  }

 private:
  NotFoundProducts products_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<Stubs<pv1::ProductService>> stubs_;
};

TEST(CallDurationsTest, EveryMethodIsListedFromTheStartAndEachCallIsMeasuredOnBothSides) {
  base::Metrics metrics;
  const std::string service = pv1::ProductService::service_full_name();
  CallDurations server_calls(metrics, CallDurations::Side::kServer, {service});
  CallDurations client_calls(metrics, CallDurations::Side::kClient, {service});
  const std::string listed = metrics.PrometheusText();
  EXPECT_THAT(listed, HasSubstr("seckill_rpc_server_duration_seconds_count{service=\"" + service +
                                "\",method=\"ReserveStocks\",code=\"OK\"} 0"));
  EXPECT_THAT(listed, HasSubstr("seckill_rpc_client_duration_seconds_count{service=\"" + service +
                                "\",method=\"GetStockStats\",code=\"OK\"} 0"));

  {
    Wire wire({.durations = &server_calls}, {.durations = &client_calls});
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(absl::IsNotFound(wire.GetActivity("")));
  }

  const std::string after = metrics.PrometheusText();
  for (const char* side : {"server", "client"}) {
    EXPECT_THAT(
        after, HasSubstr(std::string("seckill_rpc_") + side + "_duration_seconds_count{service=\"" +
                         service + "\",method=\"GetActivity\",code=\"NOT_FOUND\"} 3"))
        << side;
    EXPECT_THAT(
        after, HasSubstr(std::string("seckill_rpc_") + side + "_duration_seconds_count{service=\"" +
                         service + "\",method=\"GetActivity\",code=\"OK\"} 0"))
        << side;
  }
}

TEST(CallDurationsTest, AnUnknownServiceIsRefusedAtStart) {
  base::Metrics metrics;
  EXPECT_THROW(CallDurations(metrics, CallDurations::Side::kServer, {"no.such.Service"}),
               std::invalid_argument);
}

TEST(MethodNameTest, AMethodIsFoundByItsRequestType) {
  EXPECT_EQ(MethodOf<pv1::ReserveStocksRequest>().path,
            "/seckill.product.v1.ProductService/ReserveStocks");
  EXPECT_STREQ(MethodOf<pv1::GetActivityRequest>().span_name(),
               "seckill.product.v1.ProductService/GetActivity");
  EXPECT_THROW(MethodTaking(*pv1::ReserveStockRequest::descriptor()), std::logic_error)
      << "an item of a batch is no method's request";
}

// A call carrying a traceparent gets a client span under it and a server span under that; a call
// without one (a batched call: its items carry theirs) gets none, even when it fails.
TEST(CallSpansTest, ACallCarryingATraceparentHasASpanOnEachSideAndOthersNone) {
  OtlpReceiver receiver;
  base::Metrics metrics;
  tracing::Tracer tracer({.service = "calls", .endpoint = receiver.endpoint(), .sample_percent = 0},
                         metrics);
  const base::TraceContext caller = base::TraceContext::NewTrace(true);
  {
    Wire wire({.tracer = &tracer}, {.tracer = &tracer});
    EXPECT_TRUE(absl::IsNotFound(wire.GetActivity("")));
    EXPECT_TRUE(absl::IsNotFound(wire.GetActivity(caller.Traceparent())));
  }
  tracer.Flush();

  const std::vector<ReceivedSpan> got = receiver.Spans();
  ASSERT_EQ(got.size(), 2u) << "a span on each side of the traced call, none of the other";
  const ReceivedSpan& client = got[0].kind == 3 ? got[0] : got[1];
  const ReceivedSpan& answered = got[0].kind == 3 ? got[1] : got[0];
  EXPECT_EQ(client.kind, 3);
  EXPECT_EQ(answered.kind, 2);
  EXPECT_EQ(client.parent_span_id, caller.SpanIdHex());
  EXPECT_EQ(answered.parent_span_id, client.span_id) << "the server's span under the client's";
  for (const ReceivedSpan* span : {&client, &answered}) {
    EXPECT_EQ(span->trace_id, caller.TraceIdHex());
    EXPECT_EQ(span->name, "seckill.product.v1.ProductService/GetActivity");
    EXPECT_EQ(span->attributes.at("rpc.system"), "grpc");
    EXPECT_EQ(span->attributes.at("rpc.service"), "seckill.product.v1.ProductService");
    EXPECT_EQ(span->attributes.at("rpc.method"), "GetActivity");
    EXPECT_EQ(span->attributes.at("rpc.grpc.status_code"), "5");
    EXPECT_EQ(span->status_code, 2) << "failed: NOT_FOUND";
  }
}

}  // namespace
}  // namespace seckill::rpc
