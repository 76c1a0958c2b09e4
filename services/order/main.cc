// seckill-order: the composition root of the order service.
#include "CLI/CLI.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/amqp/consumer.h"
#include "libs/amqp/publisher.h"
#include "libs/base/await.h"
#include "libs/base/clock.h"
#include "libs/base/config.h"
#include "libs/base/logging.h"
#include "libs/base/periodic_task.h"
#include "libs/base/runtime.h"
#include "libs/base/signals.h"
#include "libs/base/status.h"
#include "libs/mysql/config.h"
#include "libs/mysql/pool.h"
#include "libs/rpc/resolver.h"
#include "libs/rpc/service_host.h"
#include "services/order/adapters/amqp_order_event_publisher.h"
#include "services/order/adapters/amqp_payment_deadlines.h"
#include "services/order/adapters/grpc_stock_reservations.h"
#include "services/order/adapters/mariadb_order_repository.h"
#include "services/order/api/dead_letter_handler.h"
#include "services/order/api/order_grpc_service.h"
#include "services/order/api/order_message_handler.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/dead_letters.h"
#include "services/order/app/reconcile_stock.h"
#include "services/order/app/record_order.h"
#include "services/order/app/sweep_orders.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace asio = boost::asio;
using namespace seckill;

namespace {

int Run(const base::Config& config) {
  auto grpc_port = config.GetInt("grpc.port", 17502);
  auto http_port = config.GetInt("http.port", 17512);
  auto node_id = config.GetInt("order.node_id", 1);
  auto payment_timeout_s = config.GetInt("order.payment_timeout_s", 900);
  auto sweep_interval_s = config.GetInt("order.expiry_sweep_interval_s", 30);
  auto db_options = mysql::ConnectionOptionsFromConfig(config);
  auto broker = amqp::BrokerOptionsFromConfig(config);
  auto product_addr = config.RequireString("product.addr");
  for (const absl::Status& s :
       {grpc_port.status(), http_port.status(), node_id.status(), payment_timeout_s.status(),
        sweep_interval_s.status(), db_options.status(), broker.status(), product_addr.status()}) {
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
  asio::thread_pool blocking(4);
  mysql::Pool db(*db_options, 8);
  base::SystemClock clock;

  amqp::PublisherOptions publisher_options;
  publisher_options.broker = *broker;
  publisher_options.topology = order::messaging::OrderQueueTopology();
  publisher_options.exchange = order::messaging::kOrderExchange;
  publisher_options.routing_key = order::messaging::kOrderRoutingKey;
  amqp::Publisher publisher(publisher_options);

  amqp::PublisherOptions deadline_options = publisher_options;
  deadline_options.topology = order::messaging::PaymentDeadlineTopology();
  deadline_options.exchange = order::messaging::kDeadlineExchange;
  deadline_options.routing_key = order::messaging::kDeadlineRoutingKey;
  amqp::Publisher deadline_publisher(deadline_options);
  const int64_t payment_timeout_ms = *payment_timeout_s * 1000;

  order::adapters::GrpcStockReservations reservations(*product_channel, {});
  order::adapters::AmqpPaymentDeadlines deadlines(deadline_publisher, payment_timeout_ms);
  order::adapters::AmqpOrderEventPublisher events(publisher);
  order::adapters::MariaDbOrderRepository repository(db);
  order::domain::OrderIdGenerator ids(clock, static_cast<uint16_t>(*node_id));
  order::app::PendingOrders pending(clock);
  order::app::PlaceOrder place_order(reservations, events, ids, pending, clock);
  order::app::RecordOrder record_order(reservations, repository, pending, clock,
                                       blocking.get_executor(), &deadlines);
  order::app::ManageOrders manage_orders(repository, pending, clock);
  order::app::CancelOrder cancel_order(repository, reservations, pending, clock, payment_timeout_ms,
                                       blocking.get_executor());
  order::app::ReconcileStock reconcile(repository, reservations, pending, blocking.get_executor());
  order::app::DeadLetters dead_letters(repository, reservations, clock, blocking.get_executor());
  order::api::OrderGrpcService service(place_order, manage_orders, cancel_order, reconcile,
                                       dead_letters, blocking);

  amqp::ConsumerOptions consumer_options;
  consumer_options.broker = *broker;
  consumer_options.topology = order::messaging::OrderQueueTopology();
  consumer_options.queue = order::messaging::kOrderQueue;
  // Orders are recorded in batches: what has arrived, up to max_batch, in one confirm call, one
  // multi-row insert and one ack.
  consumer_options.prefetch = 256;
  consumer_options.max_batch = 128;
  std::unique_ptr<amqp::Consumer> consumer;
  order::api::OrderMessageHandler handler(
      [&record_order](
          std::vector<order::domain::Order> orders) -> asio::awaitable<std::vector<absl::Status>> {
        auto recording = record_order(std::move(orders));
        co_return base::StatusesOf(co_await std::move(recording));
      },
      [&consumer] { return consumer->Stopping(); });
  consumer = std::make_unique<amqp::Consumer>(
      consumer_options,
      [&handler](std::vector<amqp::Delivery> d) { return handler(std::move(d)); });

  // Orders whose payment deadline message expired: cancelled unless paid meanwhile.
  amqp::ConsumerOptions expiry_options = consumer_options;
  expiry_options.prefetch = 64;
  expiry_options.topology = order::messaging::PaymentDeadlineTopology();
  expiry_options.queue = order::messaging::kExpiredQueue;
  std::unique_ptr<amqp::Consumer> expiry_consumer;
  order::api::OrderMessageHandler expiry_handler(
      order::api::OrderMessageHandler::OneAtATime(
          [&cancel_order](order::domain::Order o) -> asio::awaitable<absl::Status> {
            auto cancelling = cancel_order.CancelExpired(o.order_id);
            co_return (co_await std::move(cancelling)).status();
          }),
      [&expiry_consumer] { return expiry_consumer->Stopping(); }, std::chrono::seconds(5),
      order::messaging::DecodeExpiredOrders);
  expiry_consumer = std::make_unique<amqp::Consumer>(
      expiry_options, [&expiry_handler](amqp::Delivery d) { return expiry_handler(std::move(d)); });

  // The dead-letter queue's consumer: keeps each dead letter, fails its order, returns its stock.
  amqp::ConsumerOptions dead_options = consumer_options;
  dead_options.prefetch = 64;
  dead_options.queue = order::messaging::kDeadLetterQueue;
  std::unique_ptr<amqp::Consumer> dead_consumer;
  order::api::DeadLetterHandler dead_handler(
      [&dead_letters](std::string message_id, std::string body,
                      std::optional<order::domain::Order> order, std::string reason,
                      order::app::DeadLetters::Letter kind) {
        return dead_letters.Receive(std::move(message_id), std::move(body), std::move(order),
                                    std::move(reason), kind);
      },
      [&dead_consumer] { return dead_consumer->Stopping(); });
  dead_consumer = std::make_unique<amqp::Consumer>(
      dead_options, [&dead_handler](amqp::Delivery d) { return dead_handler(std::move(d)); });

  publisher.Start();
  deadline_publisher.Start();
  dead_consumer->Start();
  consumer->Start();
  expiry_consumer->Start();

  // The backstop: cancel what a lost deadline message missed, retry stock returns still owed,
  // report drift.
  order::app::SweepOrders sweep(cancel_order, reconcile, repository, clock,
                                blocking.get_executor());
  base::PeriodicTask sweeper(ioc.get_executor(), std::chrono::seconds(*sweep_interval_s),
                             [&sweep] { return sweep(); });
  sweeper.Start();

  rpc::ServiceHostOptions host{"seckill-order", static_cast<uint16_t>(*grpc_port),
                               static_cast<uint16_t>(*http_port)};
  auto ready = [&]() -> asio::awaitable<bool> {
    if (!publisher.Connected() || !consumer->Connected()) co_return false;
    auto ping = base::Offload(blocking, [&db] { return db.Ping(); });
    co_return co_await std::move(ping);
  };
  // In-flight PlaceOrder calls still need the publisher: it stops after the server.
  return rpc::ServeUntilSignal(host, {&service}, ioc, ready, [&] {
    sweeper.Stop();
    publisher.Stop();
    consumer->Stop();
    expiry_consumer->Stop();
    dead_consumer->Stop();
    deadline_publisher.Stop();
    blocking.join();
  });
}

}  // namespace

int main(int argc, char** argv) {
  base::InitRuntime();
  base::BlockTerminationSignals();
  CLI::App cli{"seckill-order: places orders (gRPC) and records them from the queue"};
  std::string config_path;
  cli.add_option("--config", config_path,
                 "YAML configuration file (SECKILL_* variables override it)");
  CLI11_PARSE(cli, argc, argv);
  auto config = base::Config::Load(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "seckill-order: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  base::InitLogging("order", config->GetString("log.level", "info"));
  return Run(*config);
}
