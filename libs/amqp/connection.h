#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/settings.h"

struct amqp_connection_state_t_;

namespace seckill::amqp {

struct BrokerOptions {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
  std::chrono::seconds heartbeat{10};
  std::chrono::milliseconds connect_timeout{3000};
};

// Declares amqp.url (SECKILL_AMQP_URL, amqp://user:password@host:port/vhost) into `options`;
// its present values are the default.
void DescribeSettings(base::SettingsSchema& schema, BrokerOptions& options);

// A queue and how it is bound; declared durable, and as a quorum queue when `quorum`.
struct QueueSpec {
  std::string name;
  std::string exchange;  // bound to this exchange (declared durable)
  std::string exchange_type = "direct";
  std::string routing_key;
  bool quorum = true;
  // Dead letters go to this exchange (empty: none), at-least-once with reject-publish overflow,
  // after `delivery_limit` deliveries.
  std::string dead_letter_exchange;
  std::string dead_letter_routing_key;  // empty: the message's own
  int delivery_limit = 0;
};

// The declarations a publisher or consumer makes (idempotently) on every (re)connect.
struct Topology {
  std::vector<QueueSpec> queues;
};

// One AMQP connection with channel 1 open. Blocking; owned by one thread.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const BrokerOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Declares every exchange, queue and binding of `topology`.
  absl::Status Declare(const Topology& topology);
  amqp_connection_state_t_* state() const { return state_; }
  // The socket failed: the destructor then skips the close handshake (which could block).
  void MarkBroken() { healthy_ = false; }
  static constexpr uint16_t kChannel = 1;

 private:
  Connection() = default;
  amqp_connection_state_t_* state_ = nullptr;
  bool healthy_ = true;
};

// The Status for a failed rabbitmq-c call (`what` names the call).
absl::Status RpcError(amqp_connection_state_t_* state, const char* what);

}  // namespace seckill::amqp
