#pragma once

#include <chrono>
#include <cstdint>

#include "libs/base/metrics.h"
#include "libs/base/settings.h"
#include "libs/discovery/settings.h"
#include "libs/mysql/connection.h"
#include "libs/redis/async_client.h"
#include "libs/rpc/mutual_tls.h"
#include "libs/tracing/tracer.h"

namespace seckill::product {

// Every setting of seckill-product, with its default; `seckill-product --help` lists them.
struct Settings {
  std::string grpc_address = "127.0.0.1";
  int64_t grpc_port = 17501;
  std::string http_address = "127.0.0.1";
  int64_t http_port = 17511;  // probes and /metrics
  discovery::Settings discovery;
  redis::AsyncClientOptions redis;
  mysql::ConnectionOptions db;
  rpc::TlsFiles tls;
  rpc::Transport transport = rpc::Transport::kMutualTls;
  base::Mode mode = base::Mode::kDevelopment;
  std::chrono::seconds reservation_ttl{120};
  std::chrono::seconds sweep_interval{10};
  std::chrono::seconds reseed_grace{5};
  std::chrono::seconds ledger_retention{86'400};
  tracing::TracerOptions tracing{.service = "seckill-product"};
  base::MetricsOptions metrics;
};

void DescribeSettings(base::SettingsSchema& schema, Settings& settings);

}  // namespace seckill::product
