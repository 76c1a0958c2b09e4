#include "services/order/settings.h"

#include "libs/mysql/config.h"
#include "libs/redis/config.h"
#include "libs/tracing/settings.h"
#include "services/order/domain/order.h"

namespace seckill::order {

void DescribeSettings(base::SettingsSchema& schema, Settings& s) {
  schema.String("grpc.address", &s.grpc_address, "the interface gRPC listens on (0.0.0.0: all)");
  schema.Int("grpc.port", &s.grpc_port, 1, 65535, "the OrderService's gRPC port");
  schema.String("http.address", &s.http_address, "the interface the probes listen on");
  schema.Int("http.port", &s.http_port, 1, 65535, "probes: /healthz, /readyz, /metrics");
  discovery::DescribeSettings(schema, s.discovery);
  tracing::DescribeSettings(schema, s.tracing);
  base::DescribeSettings(schema, s.metrics);
  schema.Int("order.node_id", &s.node_id, 0, domain::OrderIdGenerator::kMaxNodeId,
             "unique per order-service instance: part of every order id; with etcd.endpoints "
             "it is leased there instead, and this is unused");
  schema.Seconds("order.node_lease_ttl_s", &s.node_lease_ttl, 5, 3600,
                 "with etcd: the node id's lease; an instance cut off from etcd this long stops "
                 "taking orders (its id may be someone else's by then)");
  schema.Seconds("order.payment_timeout_s", &s.payment_timeout, 1, int64_t{7} * 86'400,
                 "an order not paid by then is cancelled and its stock returned");
  schema.Seconds("order.expiry_sweep_interval_s", &s.expiry_sweep_interval, 1, 86'400,
                 "the backstop sweep for payment deadlines whose message was lost");
  schema.Seconds("order.resume_queued_after_s", &s.resume_queued_after, 10, 3600,
                 "a queued order still unrecorded this long after it was accepted (its instance "
                 "stopped before publishing it) is recorded by the sweep; longer than a publish "
                 "can take (its confirm timeout is 5 s)");
  schema.String("product.addr", &s.product_addr,
                "the product service at a fixed host:port; empty: its instances in etcd");
  discovery::RequireAddressWithoutDiscovery(schema, s.discovery, "product.addr", s.product_addr);
  mysql::DescribeSettings(schema, s.db);
  redis::DescribeSettings(schema, s.queued_orders, "queued_orders.redis",
                          "the accepted orders not yet in the database (every instance's)");
  rpc::DescribeSettings(schema, s.tls);
  rpc::DescribeTransport(schema, s.transport, s.mode);
  base::DescribeMode(schema, s.mode);
  schema.Secret("messages.key", &s.message_key,
                "the key that signs the service's messages (HMAC-SHA256); at least 32 characters");
  schema.Rule([&s] {
    return s.message_key.size() >= 32
               ? absl::OkStatus()
               : absl::InvalidArgumentError("messages.key must be at least 32 characters");
  });
  amqp::DescribeSettings(schema, s.broker);
}

}  // namespace seckill::order
