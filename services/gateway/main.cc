// seckill-gateway: the composition root of the HTTP API gateway. Only wiring happens here.
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/base/backoff.h"
#include "libs/base/clock.h"
#include "libs/base/config.h"
#include "libs/base/logging.h"
#include "libs/base/periodic_task.h"
#include "libs/base/runtime.h"
#include "libs/base/signals.h"
#include "libs/base/status.h"
#include "libs/flowcontrol/proc_system_metrics.h"
#include "libs/http/server.h"
#include "libs/mysql/config.h"
#include "libs/mysql/pool.h"
#include "libs/rpc/resolver.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "services/gateway/adapters/mariadb_user_repository.h"
#include "services/gateway/adapters/sodium_password_hasher.h"
#include "services/gateway/api/flow_control.h"
#include "services/gateway/api/http_api.h"
#include "spdlog/spdlog.h"

namespace asio = boost::asio;
using namespace seckill;

namespace {

int Run(const base::Config& config) {
  auto port = config.GetInt("http.port", 17580);
  auto threads = config.GetInt("http.threads", 2);
  auto body_limit = config.GetInt("http.body_limit_bytes", 64 * 1024);
  auto header_limit = config.GetInt("http.header_limit_bytes", 8 * 1024);
  auto timeout_ms = config.GetInt("backend.timeout_ms", 3000);
  auto cache_max_age_ms = config.GetInt("activity.cache_max_age_ms", 200);
  auto sold_out_ttl_ms = config.GetInt("activity.sold_out_ttl_ms", 100);
  auto token_ttl = config.GetInt("jwt.ttl_seconds", 3600);
  auto secret = config.RequireString("jwt.secret");
  auto product_addr = config.RequireString("product.addr");
  auto order_addr = config.RequireString("order.addr");
  auto admin_user = config.RequireString("admin.user");
  auto admin_password = config.RequireString("admin.password");
  auto db_options = mysql::ConnectionOptionsFromConfig(config);
  for (const absl::Status& s :
       {port.status(), threads.status(), body_limit.status(), header_limit.status(),
        timeout_ms.status(), cache_max_age_ms.status(), sold_out_ttl_ms.status(),
        token_ttl.status(), secret.status(), product_addr.status(), order_addr.status(),
        admin_user.status(), admin_password.status(), db_options.status()}) {
    if (!s.ok()) {
      spdlog::error("configuration: {}", s.message());
      return 2;
    }
  }
  if (secret->size() < 32) {
    spdlog::error("configuration: jwt.secret (SECKILL_JWT_SECRET) must be at least 32 characters");
    return 2;
  }

  rpc::StaticResolver resolver({{"product", {*product_addr}}, {"order", {*order_addr}}});
  auto product_channel = rpc::MakeChannel(resolver, "product");
  auto order_channel = rpc::MakeChannel(resolver, "order");
  if (!product_channel.ok() || !order_channel.ok()) {
    spdlog::error("cannot resolve the product or order service");
    return 2;
  }

  base::SystemClock clock;
  mysql::Pool db(*db_options, 8);
  gateway::adapters::MariaDbUserRepository users(db, clock);
  gateway::adapters::SodiumPasswordHasher hasher;
  gateway::adapters::Hs256TokenCodec tokens(*secret, std::chrono::seconds(*token_ttl));
  gateway::app::Accounts accounts(users, hasher, tokens, clock);
  // The database may still be starting.
  if (absl::Status admin =
          base::RetryAtStartup(50, std::chrono::milliseconds(200), "creating the admin account",
                               [&] { return accounts.EnsureAdmin(*admin_user, *admin_password); });
      !admin.ok()) {
    spdlog::error("cannot create the admin account: {}", admin.ToString());
    return 1;
  }

  asio::io_context ioc(static_cast<int>(*threads));
  asio::thread_pool blocking(4);
  flowcontrol::SteadyClock flow_clock;
  flowcontrol::ProcSystemMetrics system_metrics;
  gateway::api::FlowControl flow_control(flow_clock, &system_metrics);
  gateway::api::Backends backends;
  backends.product = *product_channel;
  backends.order = *order_channel;
  backends.timeout = std::chrono::milliseconds(*timeout_ms);
  backends.database_ready = [&db] { return db.Ping(); };
  gateway::app::ActivityCache::Options cache_options;
  cache_options.max_age_ms = *cache_max_age_ms;
  cache_options.sold_out_ttl_ms = *sold_out_ttl_ms;
  gateway::api::HttpApi api(accounts, std::move(backends), blocking, flow_control, flow_control,
                            clock, ioc.get_executor(), cache_options);
  const std::string rules_file = config.GetString("flow.rules_file", "");
  if (absl::Status s = flow_control.Start(api.Resources(), rules_file); !s.ok()) {
    // A missing or broken file at start-up: serve without rules rather than not at all, loudly.
    spdlog::error("flow control: {}; serving with no flow rules until the file is fixed",
                  s.message());
  }

  http::ServerOptions options;
  options.port = static_cast<uint16_t>(*port);
  options.body_limit = static_cast<size_t>(*body_limit);
  options.header_limit = static_cast<size_t>(*header_limit);
  http::HttpServer server(ioc, options,
                          [&api](http::Request r) { return api.Handle(std::move(r)); });
  if (absl::Status s = server.Start(); !s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  base::PeriodicTask sample_system(ioc.get_executor(), std::chrono::seconds(1),
                                   [&system_metrics]() -> asio::awaitable<void> {
                                     system_metrics.Sample();
                                     co_return;
                                   });
  sample_system.Start();
  std::vector<std::thread> io_threads;
  for (int i = 0; i < *threads; ++i) io_threads.emplace_back([&ioc] { ioc.run(); });
  spdlog::info("seckill-gateway listening on http://127.0.0.1:{}", server.port());

  const int signal = base::WaitForTerminationSignal();
  spdlog::info("signal {}: stopping (in-flight requests finish first)", signal);
  sample_system.Stop();
  server.Stop(std::chrono::seconds(10), [&ioc] { ioc.stop(); });
  for (std::thread& t : io_threads) t.join();
  blocking.join();
  spdlog::info("seckill-gateway stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  base::InitRuntime();
  base::BlockTerminationSignals();
  CLI::App cli{"seckill-gateway: the HTTP API of the flash-sale system"};
  std::string config_path;
  cli.add_option("--config", config_path,
                 "YAML configuration file (SECKILL_* variables override it)");
  CLI11_PARSE(cli, argc, argv);
  auto config = base::Config::Load(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "seckill-gateway: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  base::InitLogging("gateway", config->GetString("log.level", "info"));
  return Run(*config);
}
