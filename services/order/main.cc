// seckill-order: the composition root of the order service. Only wiring happens here.
#include <thread>

#include "CLI/CLI.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "grpcpp/server_builder.h"
#include "libs/amqp/consumer.h"
#include "libs/amqp/publisher.h"
#include "libs/base/await.h"
#include "libs/base/clock.h"
#include "libs/base/config.h"
#include "libs/base/logging.h"
#include "libs/base/signals.h"
#include "libs/base/status.h"
#include "libs/http/health.h"
#include "libs/mysql/config.h"
#include "libs/mysql/pool.h"
#include "libs/rpc/resolver.h"
#include "services/order/adapters/amqp_order_event_publisher.h"
#include "services/order/adapters/grpc_stock_reservations.h"
#include "services/order/adapters/mariadb_order_repository.h"
#include "services/order/messaging/order_queue.h"
#include "services/order/api/order_grpc_service.h"
#include "services/order/api/order_message_handler.h"
#include "spdlog/spdlog.h"

namespace asio = boost::asio;
using namespace seckill;

namespace {

int Run(const base::Config& config) {
  auto grpc_port = config.GetInt("grpc.port", 17502);
  auto http_port = config.GetInt("http.port", 17512);
  auto node_id = config.GetInt("order.node_id", 1);
  auto db_options = mysql::ConnectionOptionsFromConfig(config);
  auto broker = amqp::BrokerOptionsFromConfig(config);
  auto product_addr = config.RequireString("product.addr");
  for (const absl::Status& s : {grpc_port.status(), http_port.status(), node_id.status(),
                                db_options.status(), broker.status(), product_addr.status()}) {
    if (!s.ok()) {
      spdlog::error("configuration: {}", s.message());
      return 2;
    }
  }
  if (*node_id < 0 || *node_id > order::domain::OrderIdGenerator::kMaxNodeId) {
    spdlog::error("configuration: order.node_id must be between 0 and 1023");
    return 2;
  }

  rpc::StaticResolver resolver({{"product", {*product_addr}}});
  auto product_channel = rpc::MakeChannel(resolver, "product");
  if (!product_channel.ok()) {
    spdlog::error("{}", product_channel.status().message());
    return 2;
  }

  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);
  asio::thread_pool blocking(4);
  mysql::Pool db(*db_options, 8);
  base::SystemClock clock;

  amqp::PublisherOptions publisher_options;
  publisher_options.broker = *broker;
  publisher_options.topology = order::messaging::OrderQueueTopology();
  publisher_options.exchange = order::messaging::kOrderExchange;
  publisher_options.routing_key = order::messaging::kOrderRoutingKey;
  amqp::Publisher publisher(publisher_options);

  order::adapters::GrpcStockReservations reservations(*product_channel, {});
  order::adapters::AmqpOrderEventPublisher events(publisher);
  order::adapters::MariaDbOrderRepository repository(db);
  order::domain::OrderIdGenerator ids(clock, static_cast<uint16_t>(*node_id));
  order::app::PendingOrders pending(clock);
  order::app::PlaceOrder place_order(reservations, events, ids, pending, clock);
  order::app::RecordOrder record_order(reservations, repository, pending, clock);
  order::app::ManageOrders manage_orders(repository, pending, clock);
  order::api::OrderGrpcService service(place_order, manage_orders, blocking);

  amqp::ConsumerOptions consumer_options;
  consumer_options.broker = *broker;
  consumer_options.topology = order::messaging::OrderQueueTopology();
  consumer_options.queue = order::messaging::kOrderQueue;
  std::unique_ptr<amqp::Consumer> consumer;
  order::api::OrderMessageHandler handler(record_order, [&consumer] { return consumer->Stopping(); });
  consumer = std::make_unique<amqp::Consumer>(consumer_options,
                                              [&handler](const amqp::Delivery& d) { return handler(d); });

  publisher.Start();
  consumer->Start();

  grpc::ServerBuilder builder;
  const std::string address = fmt::format("127.0.0.1:{}", *grpc_port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    spdlog::error("cannot listen for gRPC on {}", address);
    return 1;
  }

  http::ServerOptions probe_options;
  probe_options.port = static_cast<uint16_t>(*http_port);
  http::HttpServer probes(ioc, probe_options, http::HealthHandler([&]() -> asio::awaitable<bool> {
    if (!publisher.Connected() || !consumer->Connected()) co_return false;
    auto awaitable_0 = base::Offload(blocking, [&db] {
      auto conn = db.Acquire(std::chrono::milliseconds(1000));
      return conn.ok() && (*conn)->Query("SELECT 1").ok();
    });
    co_return co_await std::move(awaitable_0);
  }));
  if (absl::Status s = probes.Start(); !s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  std::thread io_thread([&ioc] { ioc.run(); });
  spdlog::info("seckill-order serving gRPC on {}, probes on :{}", address, probes.port());

  const int signal = base::WaitForTerminationSignal();
  spdlog::info("signal {}: stopping (in-flight orders finish first)", signal);
  probes.Stop(std::chrono::seconds(2), [] {});
  // In-flight PlaceOrder calls still need the publisher: stop the server first.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  publisher.Stop();
  consumer->Stop();
  blocking.join();
  work.reset();
  ioc.stop();
  io_thread.join();
  spdlog::info("seckill-order stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  base::BlockTerminationSignals();
  CLI::App cli{"seckill-order: places orders (gRPC) and records them from the queue"};
  std::string config_path;
  cli.add_option("--config", config_path, "YAML configuration file (SECKILL_* variables override it)");
  CLI11_PARSE(cli, argc, argv);
  auto config = base::Config::Load(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "seckill-order: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  base::InitLogging("order", config->GetString("log.level", "info"));
  return Run(*config);
}
