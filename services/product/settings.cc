#include "services/product/settings.h"

#include "libs/mysql/config.h"
#include "libs/redis/config.h"
#include "libs/tracing/settings.h"

namespace seckill::product {

void DescribeSettings(base::SettingsSchema& schema, Settings& s) {
  schema.String("grpc.address", &s.grpc_address, "the interface gRPC listens on (0.0.0.0: all)");
  schema.Int("grpc.port", &s.grpc_port, 1, 65535, "the ProductService's gRPC port");
  schema.String("http.address", &s.http_address, "the interface the probes listen on");
  schema.Int("http.port", &s.http_port, 1, 65535, "probes: /healthz, /readyz, /metrics");
  discovery::DescribeSettings(schema, s.discovery);
  tracing::DescribeSettings(schema, s.tracing);
  base::DescribeSettings(schema, s.metrics);
  redis::DescribeSettings(schema, s.redis);
  mysql::DescribeSettings(schema, s.db);
  rpc::DescribeSettings(schema, s.tls);
  rpc::DescribeTransport(schema, s.transport, s.mode);
  base::DescribeMode(schema, s.mode);
  schema.Seconds("stock.reservation_ttl_s", &s.reservation_ttl, 1, 86'400,
                 "a reservation still RESERVED after this is released (its order service died)");
  schema.Seconds("stock.sweep_interval_s", &s.sweep_interval, 1, 3600,
                 "how often stale reservations are looked for");
  schema.Seconds("stock.reseed_grace_s", &s.reseed_grace, 0, 3600,
                 "after Redis lost data: time for in-flight orders before re-seeding");
  schema.Seconds("stock.ledger_retention_s", &s.ledger_retention, 3600, int64_t{366} * 86'400,
                 "an ended activity's per-order records are kept this long after its end; at "
                 "least an hour, longer than any payment deadline (an unpaid order's "
                 "cancellation needs its reservation) and than dead-letter replays");
}

}  // namespace seckill::product
