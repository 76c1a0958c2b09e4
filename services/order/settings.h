#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "libs/amqp/connection.h"
#include "libs/base/metrics.h"
#include "libs/base/settings.h"
#include "libs/discovery/settings.h"
#include "libs/mysql/connection.h"
#include "libs/redis/async_client.h"
#include "libs/rpc/mutual_tls.h"
#include "libs/tracing/tracer.h"

namespace seckill::order {

// Every setting of seckill-order, with its default; `seckill-order --help` lists them.
struct Settings {
  std::string grpc_address = "127.0.0.1";
  int64_t grpc_port = 17502;
  std::string http_address = "127.0.0.1";
  int64_t http_port = 17512;  // probes and /metrics
  discovery::Settings discovery;
  int64_t node_id = 1;
  std::chrono::seconds node_lease_ttl{60};
  std::chrono::seconds payment_timeout{900};
  std::chrono::seconds expiry_sweep_interval{30};
  std::chrono::seconds resume_queued_after{60};
  std::string product_addr;  // fixed; empty: found through discovery
  mysql::ConnectionOptions db;
  redis::AsyncClientOptions queued_orders;  // the accepted orders not yet in the database
  rpc::TlsFiles tls;
  rpc::Transport transport = rpc::Transport::kMutualTls;
  base::Mode mode = base::Mode::kDevelopment;
  std::string message_key;  // signs and verifies the service's own messages
  amqp::BrokerOptions broker;
  tracing::TracerOptions tracing{.service = "seckill-order"};
  base::MetricsOptions metrics;
};

void DescribeSettings(base::SettingsSchema& schema, Settings& settings);

}  // namespace seckill::order
