#include "services/gateway/settings.h"

#include "fmt/format.h"
#include "libs/base/status.h"
#include "libs/mysql/config.h"
#include "libs/tracing/settings.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway {

void DescribeSettings(base::SettingsSchema& schema, Settings& s) {
  schema.String("http.address", &s.http_address,
                "the interface the HTTP API listens on (0.0.0.0: all)");
  schema.Int("http.port", &s.http_port, 1, 65535, "the HTTP API's port");
  schema.String("probe.address", &s.probe_address,
                "the interface of the operators' port: /metrics, /healthz, /readyz (never "
                "behind the public load balancer)");
  schema.Int("probe.port", &s.probe_port, 1, 65535, "the operators' port");
  discovery::DescribeSettings(schema, s.discovery);
  tracing::DescribeSettings(schema, s.tracing);
  base::DescribeSettings(schema, s.metrics);
  schema.Int("http.threads", &s.http_threads, 1, 64, "threads serving HTTP");
  schema.Int("http.body_limit_bytes", &s.body_limit_bytes, 1024, 16 << 20,
             "larger request bodies are answered 413");
  schema.Int("http.header_limit_bytes", &s.header_limit_bytes, 1024, 1 << 20,
             "larger request headers are answered 431");
  schema.String("flow.rules_file", &s.flow_rules_file,
                "flow-control rules (JSON, watched for changes; docs/flow-control.md); none: no "
                "rules");
  schema.String("web.dir", &s.web_dir,
                "the folder of the storefront's and the console's files (the repository's web/, "
                "installed as share/seckill/web), read at start; empty: GET / answers 404");
  schema.Millis("backend.timeout_ms", &s.backend_timeout, 1, 60'000,
                "deadline of every call to the product and order services");
  schema.Millis("activity.cache_max_age_ms", &s.activity_cache_max_age, 0, 60'000,
                "GET /api/v1/activities/{id} is answered from a copy at most this old");
  schema.Millis("activity.sold_out_ttl_ms", &s.sold_out_ttl, 0, 60'000,
                "after a SOLD_OUT answer, that activity's orders are refused here this long");
  schema.Int("log.access_percent", &s.access_log_percent, 0, 100,
             "the share of ordinary requests written to the access log (every 5xx and every slow "
             "request is written)");
  schema.Millis("log.access_slow_ms", &s.access_log_slow, 1, 600'000,
                "a request at least this slow is always written to the access log");
  schema.Seconds("jwt.ttl_seconds", &s.token_ttl, 60, int64_t{30} * 86'400, "a token's lifetime");
  schema.Secret("jwt.secret", &s.jwt_secret, "the HS256 key of the tokens (32 characters or more)");
  schema.String("product.addr", &s.product_addr,
                "the product service at a fixed host:port; empty: its instances in etcd");
  schema.String("order.addr", &s.order_addr,
                "the order service at a fixed host:port; empty: its instances in etcd");
  discovery::RequireAddressWithoutDiscovery(schema, s.discovery, "product.addr", s.product_addr);
  discovery::RequireAddressWithoutDiscovery(schema, s.discovery, "order.addr", s.order_addr);
  base::DescribeMode(schema, s.mode);
  schema.String("admin.user", &s.admin_user, "the admin account, created at start-up if missing");
  schema.Secret("admin.password", &s.admin_password,
                "the admin account's password, set at every start (changing it revokes the "
                "admin's tokens)");
  mysql::DescribeSettings(schema, s.db);
  rpc::DescribeSettings(schema, s.tls);
  rpc::DescribeTransport(schema, s.transport, s.mode);
  schema.String("tls.admin_cert_file", &s.admin_cert_file,
                "PEM file of the certificate for admins' calls (seckill-gateway-admin)",
                base::SettingsSchema::Need::kRequired);
  schema.String("tls.admin_key_file", &s.admin_key_file, "PEM file of that certificate's key",
                base::SettingsSchema::Need::kRequired);
  schema.Rule([&s] {
    if (s.mode != base::Mode::kProduction) return absl::OkStatus();
    absl::Status strong = domain::ValidateProductionAdminPassword(s.admin_user, s.admin_password);
    return strong.ok() ? strong
                       : absl::InvalidArgumentError(fmt::format(
                             "mode is production and admin.password (SECKILL_ADMIN_PASSWORD) {}",
                             base::Message(strong)));
  });
  schema.Rule([&s] {
    return s.jwt_secret.size() >= 32
               ? absl::OkStatus()
               : absl::InvalidArgumentError(
                     "jwt.secret (SECKILL_JWT_SECRET) must be at least 32 characters");
  });
}

}  // namespace seckill::gateway
