// seckill-order: the composition root of the order service; wiring only.
#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/amqp/publisher.h"
#include "libs/base/await.h"
#include "libs/base/periodic_task.h"
#include "libs/base/process_metrics.h"
#include "libs/base/service_main.h"
#include "libs/base/status.h"
#include "libs/discovery/service_endpoints.h"
#include "libs/mysql/pool.h"
#include "libs/rpc/grpc_logging.h"
#include "libs/rpc/service_channel.h"
#include "libs/rpc/service_host.h"
#include "services/order/adapters/amqp_order_event_publisher.h"
#include "services/order/adapters/amqp_payment_deadlines.h"
#include "services/order/adapters/grpc_stock_reservations.h"
#include "services/order/adapters/leased_node_id.h"
#include "services/order/adapters/mariadb_order_repository.h"
#include "services/order/adapters/redis_queued_orders.h"
#include "services/order/api/callers.h"
#include "services/order/api/order_consumers.h"
#include "services/order/api/order_grpc_service.h"
#include "services/order/app/order_use_cases.h"
#include "services/order/messaging/order_queue.h"
#include "services/order/settings.h"
#include "spdlog/spdlog.h"

namespace seckill::order {
namespace {

namespace asio = boost::asio;

int Run(const Settings& s) {
  rpc::LogGrpcThroughSpdlog();
  const absl::StatusOr<rpc::ServiceCredentials> credentials =
      rpc::ServiceCredentials::Load(s.transport, s.tls);
  if (!credentials.ok()) {
    spdlog::error("mutual TLS: {}", base::Message(credentials.status()));
    return 1;
  }
  asio::io_context ioc;
  asio::thread_pool blocking(4);
  mysql::Pool db(s.db, 8);
  base::SystemClock clock;
  base::Metrics metrics;
  base::AddProcessMetrics(metrics, "seckill-order");
  tracing::Tracer tracer(s.tracing, metrics);
  const std::unique_ptr<rpc::CallDurations> calls_answered =
      rpc::CallDurations::IfMeasured(s.metrics, metrics, rpc::CallDurations::Side::kServer,
                                     {v1::OrderService::service_full_name()});
  const std::unique_ptr<rpc::CallDurations> calls_made =
      rpc::CallDurations::IfMeasured(s.metrics, metrics, rpc::CallDurations::Side::kClient,
                                     {product::v1::ProductService::service_full_name()});
  amqp::Publisher publisher(messaging::OrderPublisherOptions(s.broker), &metrics);
  amqp::Publisher deadline_publisher(messaging::PaymentDeadlinePublisherOptions(s.broker),
                                     &metrics);
  const int64_t payment_timeout_ms = s.payment_timeout.count() * 1000;

  auto product = std::make_shared<rpc::ServiceChannel>(
      "product", credentials->ToServer(rpc::kProductIdentity),
      rpc::CallObservers{.durations = calls_made.get(), .tracer = &tracer});
  discovery::ServiceEndpoints products(ioc.get_executor(), s.discovery, "product", s.product_addr,
                                       {product});
  products.Start();
  adapters::GrpcStockReservations reservations(product, {}, ioc.get_executor(), tracer);
  const messaging::MessageSigner signer(s.message_key);
  adapters::AmqpPaymentDeadlines deadlines(deadline_publisher, signer, payment_timeout_ms);
  adapters::AmqpOrderEventPublisher events(
      publisher, signer, adapters::AmqpOrderEventPublisher::kMessagesInFlight, &tracer);
  adapters::MariaDbOrderRepository repository(db, blocking.get_executor(), &tracer);
  const std::shared_ptr<redis::AsyncClient> queued_store =
      redis::AsyncClient::Create(ioc.get_executor(), s.queued_orders);
  adapters::RedisQueuedOrders queued(queued_store, clock);
  // With discovery, the node id is leased in etcd (unique among live instances); without, it
  // is order.node_id.
  const domain::FixedNodeId fixed_node(static_cast<uint16_t>(s.node_id));
  std::optional<adapters::LeasedNodeId> leased_node;
  if (s.discovery.enabled()) {
    leased_node.emplace(ioc.get_executor(), *s.discovery.Etcd(), s.node_lease_ttl);
    leased_node->Start();
  }
  const domain::NodeIdSource& ids_source =
      leased_node ? static_cast<const domain::NodeIdSource&>(*leased_node) : fixed_node;
  domain::OrderIdGenerator ids(clock, ids_source);
  app::OrderUseCases uses(
      {reservations, events, repository, deadlines, ids, queued}, clock,
      {.payment_ms = payment_timeout_ms, .resume_queued_ms = s.resume_queued_after.count() * 1000},
      metrics);
  api::OrderGrpcService service(uses.place, uses.manage, uses.cancel, uses.reconcile,
                                uses.dead_letters, tracer, calls_answered.get());
  api::OrderConsumers consumers(s.broker, signer, uses.record, uses.cancel, uses.dead_letters,
                                metrics, &tracer);
  // The backstop: records what a stopped instance left queued, cancels what a lost deadline
  // left, retries stock returns owed, reports drift.
  base::PeriodicTask sweeper(ioc.get_executor(), s.expiry_sweep_interval,
                             [&uses] { return uses.sweep(); });

  publisher.Start();
  deadline_publisher.Start();
  consumers.Start();
  sweeper.Start();
  auto ready = [&]() -> asio::awaitable<bool> {
    auto ping = base::Offload(blocking, [&db] { return db.Ping(); });
    co_return co_await std::move(ping) && publisher.Connected() && consumers.Connected() &&
        queued_store->Connected() && ids_source.Current().has_value();
  };
  // In-flight PlaceOrder calls still need the publisher: it stops after the server.
  const std::unique_ptr<base::Presence> presence = discovery::PresenceOf(
      ioc.get_executor(), s.discovery, "order", s.grpc_address, static_cast<uint16_t>(s.grpc_port));
  const rpc::ServiceHostOptions host{.name = "seckill-order",
                                     .grpc_host = s.grpc_address,
                                     .grpc_port = static_cast<uint16_t>(s.grpc_port),
                                     .probe_host = s.http_address,
                                     .probe_port = static_cast<uint16_t>(s.http_port),
                                     .metrics = &metrics,
                                     .credentials = credentials->ForServer(api::OrderCallers()),
                                     .presence = presence.get()};
  return rpc::ServeUntilSignal(host, {&service}, ioc, ready, [&] {
    sweeper.Stop();
    products.Stop();
    publisher.Stop();
    consumers.Stop();
    deadline_publisher.Stop();
    if (leased_node) leased_node->Stop();
    queued_store->Close();
    blocking.join();
  });
}

}  // namespace
}  // namespace seckill::order

int main(int argc, char** argv) {
  return seckill::base::RunService<seckill::order::Settings>(
      argc, argv, "order", "places orders (gRPC) and records them from the queue",
      seckill::order::Run);
}
