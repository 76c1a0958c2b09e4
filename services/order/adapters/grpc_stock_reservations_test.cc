// The published mark through a real gRPC channel to a stand-in product service on loopback: an
// attempt the service refuses or never answers is made again, so a short outage of the product
// service does not leave an accepted order's reservation to the stale sweep.
#include "services/order/adapters/grpc_stock_reservations.h"

#include <atomic>
#include <future>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/system_executor.hpp"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "libs/rpc/service_channel.h"
#include "libs/rpc/testing/callback_threads.h"

namespace seckill::order::adapters {
namespace {

using namespace std::chrono_literals;
namespace pv1 = seckill::product::v1;

// Refuses the first `refusals` marks with UNAVAILABLE (what a product service whose Redis is down
// answers), then marks.
class StandInProductService final : public pv1::ProductService::CallbackService {
 public:
  explicit StandInProductService(int refusals) : refusals_(refusals) {}
  grpc::ServerUnaryReactor* MarkReservationsPublished(
      grpc::CallbackServerContext* ctx, const pv1::MarkReservationsPublishedRequest* request,
      pv1::MarkReservationsPublishedResponse* reply) override {
    auto* reactor = ctx->DefaultReactor();
    const int call = ++calls;
    if (request->items_size() != 1 || request->items(0).order_id() != 42 || call <= refusals_) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "stock store down"));
    } else {
      reply->add_results()->set_marked(true);
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }
  std::atomic<int> calls{0};

 private:
  int refusals_;
};

std::unique_ptr<grpc::Server> Serve(grpc::Service* service, int* port) {
  rpc::testing::KeepCallbackThreads();
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(*port), grpc::InsecureServerCredentials(),
                           port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// Starts marking order 42 of activity 7 published; the answer arrives in the future.
std::future<absl::StatusOr<bool>> StartMark(GrpcStockReservations& reservations) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<bool>>>();
  auto future = promise->get_future();
  boost::asio::co_spawn(
      boost::asio::system_executor(),
      [&reservations, promise]() -> boost::asio::awaitable<void> {
        auto marking = reservations.MarkPublished(7, 42, "");
        promise->set_value(co_await std::move(marking));
      },
      boost::asio::detached);
  return future;
}

absl::StatusOr<bool> Mark(GrpcStockReservations& reservations) {
  std::future<absl::StatusOr<bool>> future = StartMark(reservations);
  if (future.wait_for(20s) != std::future_status::ready)
    return absl::DeadlineExceededError("test timeout");
  return future.get();
}

// The io_context whose timers pace the retries, run as the service runs its own.
// Records no span: these tests are about the calls.
tracing::Tracer& NoTracing() {
  static base::Metrics metrics;
  static tracing::Tracer tracer({.service = "seckill-test"}, metrics);
  return tracer;
}

class Timers {
 public:
  Timers() : thread_([this] { io_.run(); }) {}
  ~Timers() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::thread thread_;
};

std::shared_ptr<rpc::ServiceChannel> ChannelTo(int port) {
  auto channel = std::make_shared<rpc::ServiceChannel>("product", rpc::ChannelSecurity::Insecure());
  channel->Update({"127.0.0.1:" + std::to_string(port)});
  return channel;
}

TEST(GrpcStockReservationsTest, MarkPublishedIsMadeAgainWhileTheServiceRefuses) {
  StandInProductService service(/*refusals=*/3);
  int port = 0;
  auto server = Serve(&service, &port);
  ASSERT_NE(server, nullptr);
  Timers timers;
  GrpcStockReservations reservations(ChannelTo(port), StockCallTimeouts{}, timers.executor(),
                                     NoTracing());
  absl::StatusOr<bool> marked = Mark(reservations);
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_TRUE(*marked);
  EXPECT_EQ(service.calls.load(), 4);  // three refusals, then the mark
  server->Shutdown();
}

TEST(GrpcStockReservationsTest, MarkPublishedWaitsForTheServiceToComeBack) {
  StandInProductService service(/*refusals=*/0);
  int port = 0;
  auto first = Serve(&service, &port);  // only to find a free port
  ASSERT_NE(first, nullptr);
  first->Shutdown();
  first.reset();
  Timers timers;
  GrpcStockReservations reservations(ChannelTo(port), StockCallTimeouts{}, timers.executor(),
                                     NoTracing());
  std::future<absl::StatusOr<bool>> future = StartMark(reservations);
  EXPECT_EQ(future.wait_for(500ms), std::future_status::timeout);  // nobody listens: still trying
  auto second = Serve(&service, &port);  // the service is back on the same port
  ASSERT_NE(second, nullptr);
  ASSERT_EQ(future.wait_for(20s), std::future_status::ready);
  absl::StatusOr<bool> marked = future.get();
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_TRUE(*marked);
  second->Shutdown();
}

TEST(GrpcStockReservationsTest, MarkPublishedGivesUpAfterItsBudget) {
  StandInProductService service(/*refusals=*/1'000'000);
  int port = 0;
  auto server = Serve(&service, &port);
  ASSERT_NE(server, nullptr);
  StockCallTimeouts timeouts;
  timeouts.mark_published_budget = 1s;
  Timers timers;
  GrpcStockReservations reservations(ChannelTo(port), timeouts, timers.executor(), NoTracing());
  absl::StatusOr<bool> marked = Mark(reservations);
  EXPECT_TRUE(absl::IsUnavailable(marked.status())) << marked.status();
  EXPECT_GE(service.calls.load(), 3);
  EXPECT_LE(service.calls.load(), 6);  // backing off (100, 200, 400 ms ...), not spinning
  server->Shutdown();
}

}  // namespace
}  // namespace seckill::order::adapters
