// seckill-product: the composition root of the product service; wiring only.
#include <atomic>

#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/base/await.h"
#include "libs/base/clock.h"
#include "libs/base/periodic_task.h"
#include "libs/base/process_metrics.h"
#include "libs/base/run_to_completion.h"
#include "libs/base/service_main.h"
#include "libs/base/status.h"
#include "libs/discovery/settings.h"
#include "libs/mysql/pool.h"
#include "libs/rpc/grpc_logging.h"
#include "libs/rpc/service_host.h"
#include "services/product/adapters/mariadb_catalog.h"
#include "services/product/adapters/redis_stock_ledger.h"
#include "services/product/api/callers.h"
#include "services/product/api/product_grpc_service.h"
#include "services/product/app/stock_figures.h"
#include "services/product/app/sweep_stale_reservations.h"
#include "services/product/settings.h"
#include "spdlog/spdlog.h"

namespace seckill::product {
namespace {

int Run(const Settings& s) {
  rpc::LogGrpcThroughSpdlog();
  const absl::StatusOr<rpc::ServiceCredentials> credentials =
      rpc::ServiceCredentials::Load(s.transport, s.tls);
  if (!credentials.ok()) {
    spdlog::error("mutual TLS: {}", base::Message(credentials.status()));
    return 1;
  }
  if (absl::Status loaded = adapters::LoadStockFunctions(s.redis.server); !loaded.ok()) {
    spdlog::error("cannot load the stock functions into Redis: {}", loaded.ToString());
    return 1;
  }
  boost::asio::io_context ioc;
  boost::asio::thread_pool blocking(4);
  // A reconnected Redis may have lost data: gate every activity (the recovery comes later).
  std::atomic<app::StockRecovery*> gate_on_reconnect{nullptr};
  redis::AsyncClientOptions redis_options = s.redis;
  redis_options.on_reconnect = [&gate_on_reconnect] {
    if (auto* recovery = gate_on_reconnect.load()) recovery->GateAll();
  };
  auto redis_client = redis::AsyncClient::Create(ioc.get_executor(), redis_options);
  mysql::Pool db(s.db, 8);
  base::SystemClock clock;
  base::Metrics metrics;
  base::AddProcessMetrics(metrics, "seckill-product");
  tracing::Tracer tracer(s.tracing, metrics);
  const std::unique_ptr<rpc::CallDurations> calls =
      rpc::CallDurations::IfMeasured(s.metrics, metrics, rpc::CallDurations::Side::kServer,
                                     {v1::ProductService::service_full_name()});
  adapters::MariaDbCatalog catalog(db, clock, blocking.get_executor());
  adapters::RedisStockLedger ledger(redis_client, s.ledger_retention.count() * 1000, &tracer);
  app::CreateActivity create_activity(catalog, ledger);
  app::ViewActivities view_activities(catalog, ledger, clock);
  app::StockRecovery recovery(catalog, ledger, clock, s.reseed_grace.count() * 1000);
  base::RunToCompletion(recovery.KnowCatalog());  // start-up: before the first request
  gate_on_reconnect = &recovery;
  app::SweepStaleReservations sweep(catalog, ledger, s.reservation_ttl.count() * 1000, metrics);
  api::ProductGrpcService service(catalog, ledger, create_activity, view_activities, recovery,
                                  metrics, tracer, calls.get());
  base::PeriodicTask recovery_check(ioc.get_executor(), std::chrono::seconds(1),
                                    [&recovery] { return recovery.Check(); });
  base::PeriodicTask sweeper(ioc.get_executor(), s.sweep_interval, [&sweep] { return sweep(); });
  app::StockFigures stock_figures(catalog, ledger, clock, metrics);
  base::PeriodicTask refresh_stock_figures(ioc.get_executor(), std::chrono::seconds(1),
                                           [&stock_figures] { return stock_figures.Refresh(); });

  recovery_check.Start();
  sweeper.Start();
  refresh_stock_figures.Start();
  auto ready = [&]() -> boost::asio::awaitable<bool> {
    auto ping = base::Offload(blocking, [&db] { return db.Ping(); });
    co_return co_await std::move(ping) && redis_client->Connected();
  };
  // Registered in etcd once serving, withdrawn first on stop: callers stop sending before the
  // in-flight calls drain.
  const std::unique_ptr<base::Presence> presence =
      discovery::PresenceOf(ioc.get_executor(), s.discovery, "product", s.grpc_address,
                            static_cast<uint16_t>(s.grpc_port));
  const rpc::ServiceHostOptions host{.name = "seckill-product",
                                     .grpc_host = s.grpc_address,
                                     .grpc_port = static_cast<uint16_t>(s.grpc_port),
                                     .probe_host = s.http_address,
                                     .probe_port = static_cast<uint16_t>(s.http_port),
                                     .metrics = &metrics,
                                     .credentials = credentials->ForServer(api::ProductCallers()),
                                     .presence = presence.get()};
  return rpc::ServeUntilSignal(host, {&service}, ioc, ready, [&] {
    recovery_check.Stop();
    sweeper.Stop();
    refresh_stock_figures.Stop();
    blocking.join();
    redis_client->Close();
  });
}

}  // namespace
}  // namespace seckill::product

int main(int argc, char** argv) {
  return seckill::base::RunService<seckill::product::Settings>(
      argc, argv, "product", "products, activities and their stock (gRPC)", seckill::product::Run);
}
