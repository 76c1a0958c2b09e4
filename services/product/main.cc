// seckill-product: the composition root of the product service.
#include <atomic>

#include "CLI/CLI.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/base/await.h"
#include "libs/base/backoff.h"
#include "libs/base/clock.h"
#include "libs/base/config.h"
#include "libs/base/logging.h"
#include "libs/base/periodic_task.h"
#include "libs/base/runtime.h"
#include "libs/base/signals.h"
#include "libs/base/status.h"
#include "libs/mysql/config.h"
#include "libs/mysql/pool.h"
#include "libs/redis/config.h"
#include "libs/redis/sync_client.h"
#include "libs/rpc/service_host.h"
#include "services/product/adapters/mariadb_catalog.h"
#include "services/product/adapters/redis_stock_ledger.h"
#include "services/product/api/product_grpc_service.h"
#include "services/product/app/sweep_stale_reservations.h"
#include "spdlog/spdlog.h"

namespace asio = boost::asio;
using namespace seckill;

namespace {

// The Functions must exist before the first request; Redis may still be starting.
absl::Status LoadStockFunctions(const redis::AsyncClientOptions& options) {
  redis::SyncClient client(options.host, options.port, std::chrono::milliseconds(1000));
  return base::RetryAtStartup(
      50, std::chrono::milliseconds(200), "loading the Redis functions", [&] {
        auto reply = client.Command(
            {"FUNCTION", "LOAD", "REPLACE", product::adapters::StockFunctionsSource()});
        if (!reply.ok()) return reply.status();
        if (reply->type == redis::Reply::Type::kError) return absl::UnavailableError(reply->str);
        return absl::OkStatus();
      });
}

int Run(const base::Config& config) {
  auto grpc_port = config.GetInt("grpc.port", 17501);
  auto http_port = config.GetInt("http.port", 17511);
  auto db_options = mysql::ConnectionOptionsFromConfig(config);
  auto redis_options = redis::ClientOptionsFromConfig(config);
  auto reservation_ttl_s = config.GetInt("stock.reservation_ttl_s", 120);
  auto sweep_interval_s = config.GetInt("stock.sweep_interval_s", 10);
  auto reseed_grace_s = config.GetInt("stock.reseed_grace_s", 5);
  auto ledger_retention_s = config.GetInt("stock.ledger_retention_s", 86'400);
  for (const absl::Status& s :
       {grpc_port.status(), http_port.status(), db_options.status(), redis_options.status(),
        reservation_ttl_s.status(), sweep_interval_s.status(), reseed_grace_s.status(),
        ledger_retention_s.status()}) {
    if (!s.ok()) {
      spdlog::error("configuration: {}", s.message());
      return 2;
    }
  }
  if (*ledger_retention_s < 3600) {
    spdlog::error(
        "configuration: stock.ledger_retention_s must be at least 3600 (an hour, longer than "
        "any payment deadline: an unpaid order's cancellation needs its reservation)");
    return 2;
  }
  if (absl::Status loaded = LoadStockFunctions(*redis_options); !loaded.ok()) {
    spdlog::error("cannot load the stock functions into Redis at {}:{}: {}", redis_options->host,
                  redis_options->port, loaded.ToString());
    return 1;
  }

  asio::io_context ioc;
  asio::thread_pool blocking(4);
  // The recovery is built after the client (it needs the ledger); until then a reconnect has
  // nothing to gate.
  std::atomic<product::app::StockRecovery*> recovery_on_reconnect{nullptr};
  redis_options->on_reconnect = [&recovery_on_reconnect] {
    if (auto* r = recovery_on_reconnect.load()) r->GateAll();
  };
  auto redis_client = redis::AsyncClient::Create(ioc.get_executor(), *redis_options);
  mysql::Pool db(*db_options, 8);
  base::SystemClock clock;
  product::adapters::MariaDbCatalog catalog(db, clock);
  product::adapters::RedisStockLedger ledger(redis_client, *ledger_retention_s * 1000);
  product::app::CreateActivity create_activity(catalog, ledger);
  product::app::ViewActivities view_activities(catalog, ledger, clock);
  product::app::StockRecovery recovery(catalog, ledger, clock, *reseed_grace_s * 1000,
                                       blocking.get_executor());
  if (auto activities = catalog.ListActivities(1'000'000); activities.ok()) {
    for (const auto& a : *activities) recovery.Known(a.activity_id);
  }
  recovery_on_reconnect = &recovery;
  product::api::ProductGrpcService service(catalog, ledger, create_activity, view_activities,
                                           recovery, blocking);

  // Watches Redis for a restart (a new run_id: whatever it kept, it may have lost the last
  // writes) and re-seeds gated activities once their grace has passed.
  base::PeriodicTask recovery_check(ioc.get_executor(), std::chrono::seconds(1),
                                    [&recovery] { return recovery.Check(); });
  // Returns stock stranded by reservations nobody resolved: RESERVED past
  // stock.reservation_ttl_s is released.
  product::app::SweepStaleReservations sweep(catalog, ledger, *reservation_ttl_s * 1000,
                                             blocking.get_executor());
  base::PeriodicTask sweeper(ioc.get_executor(), std::chrono::seconds(*sweep_interval_s),
                             [&sweep]() -> asio::awaitable<void> {
                               auto sweeping = sweep();
                               co_await std::move(sweeping);
                             });
  recovery_check.Start();
  sweeper.Start();

  rpc::ServiceHostOptions host{"seckill-product", static_cast<uint16_t>(*grpc_port),
                               static_cast<uint16_t>(*http_port)};
  auto ready = [&]() -> asio::awaitable<bool> {
    if (!redis_client->Connected()) co_return false;
    auto ping = base::Offload(blocking, [&db] { return db.Ping(); });
    co_return co_await std::move(ping);
  };
  return rpc::ServeUntilSignal(host, {&service}, ioc, ready, [&] {
    recovery_check.Stop();
    sweeper.Stop();
    blocking.join();
    redis_client->Close();
  });
}

}  // namespace

int main(int argc, char** argv) {
  base::InitRuntime();
  base::BlockTerminationSignals();
  CLI::App cli{"seckill-product: products, activities and their stock (gRPC)"};
  std::string config_path;
  cli.add_option("--config", config_path,
                 "YAML configuration file (SECKILL_* variables override it)");
  CLI11_PARSE(cli, argc, argv);
  auto config = base::Config::Load(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "seckill-product: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  base::InitLogging("product", config->GetString("log.level", "info"));
  return Run(*config);
}
