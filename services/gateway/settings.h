#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "libs/base/metrics.h"
#include "libs/base/settings.h"
#include "libs/discovery/settings.h"
#include "libs/mysql/connection.h"
#include "libs/rpc/mutual_tls.h"
#include "libs/tracing/tracer.h"

namespace seckill::gateway {

// Every setting of seckill-gateway, with its default; `seckill-gateway --help` lists them.
struct Settings {
  std::string http_address = "127.0.0.1";
  int64_t http_port = 17580;
  std::string probe_address = "127.0.0.1";
  int64_t probe_port = 17581;
  discovery::Settings discovery;
  int64_t http_threads = 2;
  int64_t body_limit_bytes = int64_t{64} * 1024;
  int64_t header_limit_bytes = int64_t{8} * 1024;
  std::string flow_rules_file;
  std::string web_dir;  // empty: no pages
  std::chrono::milliseconds backend_timeout{3000};
  std::chrono::milliseconds activity_cache_max_age{200};
  std::chrono::milliseconds sold_out_ttl{100};
  int64_t access_log_percent = 1;
  std::chrono::milliseconds access_log_slow{1000};
  std::chrono::seconds token_ttl{3600};
  std::string jwt_secret;
  std::string product_addr;  // fixed; empty: found through discovery
  std::string order_addr;
  // Production refuses a weak or well-known admin password, and gRPC in plain text.
  base::Mode mode = base::Mode::kDevelopment;
  std::string admin_user = "admin";
  std::string admin_password;
  mysql::ConnectionOptions db;
  rpc::TlsFiles tls;  // the identity for buyers' calls (seckill-gateway)
  rpc::Transport transport = rpc::Transport::kMutualTls;
  // The identity for admins' calls (seckill-gateway-admin), signed by the same CA.
  rpc::TlsFiles admin_tls() const { return {tls.ca_file, admin_cert_file, admin_key_file}; }
  std::string admin_cert_file;
  std::string admin_key_file;
  tracing::TracerOptions tracing{.service = "seckill-gateway"};
  base::MetricsOptions metrics;
};

void DescribeSettings(base::SettingsSchema& schema, Settings& settings);

}  // namespace seckill::gateway
