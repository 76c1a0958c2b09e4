#include "libs/rpc/call_metrics.h"

#include "gmock/gmock.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "libs/rpc/service_channel.h"
#include "seckill/product/v1/product.grpc.pb.h"

namespace seckill::rpc {
namespace {

using testing::HasSubstr;

// Answers GetActivity NOT_FOUND; every other method UNIMPLEMENTED (gRPC's default).
class NotFoundProducts final : public product::v1::ProductService::CallbackService {
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* ctx,
                                        const product::v1::GetActivityRequest*,
                                        product::v1::GetActivityResponse*) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such activity"));
    return reactor;
  }
};

TEST(CallDurationsTest, EveryMethodIsListedFromTheStartAndEachCallIsMeasuredOnBothSides) {
  base::Metrics metrics;
  const std::string service = product::v1::ProductService::service_full_name();
  CallDurations server_calls(metrics, CallDurations::Side::kServer, {service});
  CallDurations client_calls(metrics, CallDurations::Side::kClient, {service});
  const std::string listed = metrics.PrometheusText();
  EXPECT_THAT(listed, HasSubstr("seckill_rpc_server_duration_seconds_count{service=\"" + service +
                                "\",method=\"ReserveStocks\",code=\"OK\"} 0"));
  EXPECT_THAT(listed, HasSubstr("seckill_rpc_client_duration_seconds_count{service=\"" + service +
                                "\",method=\"GetStockStats\",code=\"OK\"} 0"));

  NotFoundProducts products;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&products);
  builder.experimental().SetInterceptorCreators(server_calls.ServerInterceptors());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);

  auto stub = product::v1::ProductService::NewStub(
      MakeChannel("127.0.0.1:" + std::to_string(port), ChannelSecurity::Insecure(), &client_calls));
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    product::v1::GetActivityRequest request;
    product::v1::GetActivityResponse response;
    EXPECT_EQ(stub->GetActivity(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  server->Shutdown();

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

}  // namespace
}  // namespace seckill::rpc
