// seckill-gateway: the composition root of the HTTP API gateway; wiring only.
#include <optional>

#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "libs/base/backoff.h"
#include "libs/base/clock.h"
#include "libs/base/periodic_task.h"
#include "libs/base/process_metrics.h"
#include "libs/base/service_main.h"
#include "libs/base/status.h"
#include "libs/discovery/membership.h"
#include "libs/discovery/service_endpoints.h"
#include "libs/flowcontrol/proc_system_metrics.h"
#include "libs/http/health.h"
#include "libs/http/server.h"
#include "libs/http/static_files.h"
#include "libs/mysql/pool.h"
#include "libs/rpc/grpc_logging.h"
#include "libs/rpc/service_channel.h"
#include "services/gateway/adapters/etcd_flow_rules.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "services/gateway/adapters/mariadb_user_repository.h"
#include "services/gateway/adapters/sodium_password_hasher.h"
#include "services/gateway/api/flow_control.h"
#include "services/gateway/api/http_api.h"
#include "services/gateway/settings.h"
#include "spdlog/spdlog.h"

namespace seckill::gateway {
namespace {

namespace asio = boost::asio;

int Run(const Settings& s) {
  rpc::LogGrpcThroughSpdlog();
  const absl::StatusOr<rpc::ServiceCredentials> buyers =
      rpc::ServiceCredentials::Load(s.transport, s.tls);
  const absl::StatusOr<rpc::ServiceCredentials> admins =
      rpc::ServiceCredentials::Load(s.transport, s.admin_tls());
  for (const auto* identity : {&buyers, &admins}) {
    if (!identity->ok()) {
      spdlog::error("mutual TLS: {}", base::Message(identity->status()));
      return 1;
    }
  }
  std::optional<http::StaticFiles> web;
  if (!s.web_dir.empty()) {
    absl::StatusOr<http::StaticFiles> loaded = http::StaticFiles::Load(s.web_dir);
    if (!loaded.ok()) {
      spdlog::error("web.dir: {}", base::Message(loaded.status()));
      return 1;
    }
    web.emplace(*std::move(loaded));
    spdlog::info("serving the storefront and the console from {} ({} files)", s.web_dir,
                 web->size());
  }
  base::SystemClock clock;
  base::Metrics metrics;
  base::AddProcessMetrics(metrics, "seckill-gateway");
  // The services' protobuf names (checked at start against the linked descriptors).
  const std::unique_ptr<rpc::CallDurations> calls = rpc::CallDurations::IfMeasured(
      s.metrics, metrics, rpc::CallDurations::Side::kClient,
      {"seckill.product.v1.ProductService", "seckill.order.v1.OrderService"});
  tracing::Tracer tracer(s.tracing, metrics);
  const rpc::CallObservers observers{.durations = calls.get(), .tracer = &tracer};
  mysql::Pool db(s.db, 8);
  asio::thread_pool blocking(4);  // the database's statements
  // Password hashing on its own threads: a queue of argon2 jobs never delays a statement.
  asio::thread_pool hashing(2);
  adapters::MariaDbUserRepository users(db, clock, blocking.get_executor());
  adapters::SodiumPasswordHasher hasher(hashing.get_executor());
  adapters::Hs256TokenCodec tokens(s.jwt_secret, s.token_ttl);
  app::Sessions sessions(users, tokens, clock,
                         {.token_ttl_ms = std::chrono::milliseconds(s.token_ttl).count()});
  app::LoginGuard login_guard(clock, {});
  app::Accounts accounts(users, hasher, sessions, login_guard);
  // The database may still be starting.
  if (absl::Status admin = base::RetryAtStartup(
          50, std::chrono::milliseconds(200), "setting up the admin account",
          [&] { return accounts.EnsureAdmin(s.admin_user, s.admin_password); });
      !admin.ok()) {
    spdlog::error("cannot set up the admin account: {}", base::Message(admin));
    return 1;
  }
  // Revocations made before this start are known before the first request.
  if (absl::Status revocations =
          base::RetryAtStartup(10, std::chrono::milliseconds(200), "reading token revocations",
                               [&] { return sessions.Refresh(); });
      !revocations.ok()) {
    spdlog::error("cannot read the token revocations: {}", base::Message(revocations));
    return 1;
  }
  asio::io_context ioc(static_cast<int>(s.http_threads));
  flowcontrol::SteadyClock flow_clock;
  flowcontrol::ProcSystemMetrics system_metrics;
  api::FlowControl flow_control(flow_clock, &system_metrics);
  // Buyers' and admins' calls go to the same instances, each under its own certificate.
  auto product = std::make_shared<rpc::ServiceChannel>(
      "product", buyers->ToServer(rpc::kProductIdentity), observers);
  auto order = std::make_shared<rpc::ServiceChannel>("order", buyers->ToServer(rpc::kOrderIdentity),
                                                     observers);
  auto admin_product = std::make_shared<rpc::ServiceChannel>(
      "product", admins->ToServer(rpc::kProductIdentity), observers);
  auto admin_order = std::make_shared<rpc::ServiceChannel>(
      "order", admins->ToServer(rpc::kOrderIdentity), observers);
  discovery::ServiceEndpoints products(ioc.get_executor(), s.discovery, "product", s.product_addr,
                                       {product, admin_product});
  discovery::ServiceEndpoints orders(ioc.get_executor(), s.discovery, "order", s.order_addr,
                                     {order, admin_order});
  products.Start();
  orders.Start();
  // Flow limits across the cluster (docs/flow-control.md): the rules every gateway applies, kept
  // in etcd, and this gateway's share of each limit as one of the live gateways.
  std::optional<adapters::EtcdFlowRules> cluster_rules;
  if (s.discovery.enabled()) {
    cluster_rules.emplace(
        ioc.get_executor(), *s.discovery.Etcd(),
        [&flow_control](const std::optional<std::string>& document) {
          if (absl::Status applied = flow_control.SetClusterRules(document); !applied.ok()) {
            spdlog::error("flow rules in etcd refused, the rules in force stay: {}",
                          base::Message(applied));
          }
        });
  }
  discovery::Membership gateways(
      ioc.get_executor(), s.discovery, "gateway",
      discovery::AdvertisedAddress(s.discovery, s.http_address, static_cast<uint16_t>(s.http_port)),
      [&flow_control](size_t rank, size_t members) { flow_control.SetMembership(rank, members); });
  api::Backends backends{.product = product,
                         .order = order,
                         .admin_product = admin_product,
                         .admin_order = admin_order,
                         .timeout = s.backend_timeout,
                         .database_ready = [&db] { return db.Ping(); },
                         .flow_rules_store = cluster_rules ? &*cluster_rules : nullptr};
  api::HttpApi api(accounts, sessions, std::move(backends), blocking, flow_control, flow_control,
                   clock, ioc.get_executor(), metrics, tracer,
                   {.cache = {s.activity_cache_max_age.count(), s.sold_out_ttl.count()},
                    .access_log = {s.access_log_percent, s.access_log_slow},
                    .request_durations = s.metrics.request_durations,
                    .web = web ? &*web : nullptr});
  if (absl::Status rules = flow_control.Start(api.Resources(), s.flow_rules_file); !rules.ok()) {
    // A missing or broken file at start-up: serve without rules rather than not at all, loudly.
    spdlog::error("flow control: {}; serving with no flow rules until the file is fixed",
                  base::Message(rules));
  }
  flow_control.AddMetrics(metrics);
  gateways.Start();
  if (cluster_rules) cluster_rules->Start();
  const http::ServerOptions options{.address = s.http_address,
                                    .port = static_cast<uint16_t>(s.http_port),
                                    .header_limit = static_cast<size_t>(s.header_limit_bytes),
                                    .body_limit = static_cast<size_t>(s.body_limit_bytes)};
  http::HttpServer server(ioc, options,
                          [&api](http::Request r) { return api.Handle(std::move(r)); });
  // The operators' port: metrics and probes apart from the public API (and its load balancer).
  http::HttpServer probes(ioc,
                          {.address = s.probe_address, .port = static_cast<uint16_t>(s.probe_port)},
                          http::HealthHandler([&api] { return api.IsReady(); }, metrics));
  if (absl::Status listening = probes.Start(); !listening.ok()) {
    spdlog::error("the operators' port: {}", base::Message(listening));
    return 1;
  }
  base::PeriodicTask sample_system(ioc.get_executor(), std::chrono::seconds(1),
                                   [&system_metrics]() -> asio::awaitable<void> {
                                     system_metrics.Sample();
                                     co_return;
                                   });
  sample_system.Start();
  // How long another gateway's revocation takes to reach this one.
  base::PeriodicTask refresh_sessions(
      ioc.get_executor(), std::chrono::seconds(1), [&sessions]() -> asio::awaitable<void> {
        auto refreshing = sessions.Refresh();
        if (absl::Status refreshed = co_await std::move(refreshing); !refreshed.ok()) {
          spdlog::warn("token revocations not refreshed: {}", base::Message(refreshed));
        }
      });
  refresh_sessions.Start();
  // Registered for the operator's view of the cluster (and the flow limits' share of it).
  const std::unique_ptr<base::Presence> presence =
      discovery::PresenceOf(ioc.get_executor(), s.discovery, "gateway", s.http_address,
                            static_cast<uint16_t>(s.http_port));
  return http::ServeUntilSignal(
      "seckill-gateway", server, ioc, static_cast<int>(s.http_threads),
      [&] {
        probes.Stop(std::chrono::seconds(2), [] {});
        sample_system.Stop();
        refresh_sessions.Stop();
        products.Stop();
        orders.Stop();
        gateways.Stop();
        if (cluster_rules) cluster_rules->Stop();
      },
      [&] {
        blocking.join();
        hashing.join();
      },
      presence.get());
}

}  // namespace
}  // namespace seckill::gateway

int main(int argc, char** argv) {
  return seckill::base::RunService<seckill::gateway::Settings>(
      argc, argv, "gateway", "the HTTP API of the flash-sale system", seckill::gateway::Run);
}
