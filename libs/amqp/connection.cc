#include "libs/amqp/connection.h"

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>

#include "fmt/format.h"
#include "libs/base/status.h"
#include "libs/base/url.h"

namespace seckill::amqp {

void DescribeSettings(base::SettingsSchema& schema, BrokerOptions& options) {
  schema.Parsed("amqp.url",
                fmt::format("amqp://{}@{}:{}/{}", options.user, options.host, options.port,
                            options.vhost == "/" ? "%2f" : options.vhost),
                "the RabbitMQ broker (amqp://user:password@host:port/vhost)",
                [&options](const std::string& text) {
                  auto url = base::ParseUrl(text, 5672);
                  if (!url.ok()) return url.status();
                  options.host = url->host;
                  options.port = url->port;
                  if (!url->user.empty()) options.user = url->user;
                  if (!url->password.empty()) options.password = url->password;
                  options.vhost = url->path.empty() ? "/" : url->path;
                  return absl::OkStatus();
                });
}

absl::Status RpcError(amqp_connection_state_t state, const char* what) {
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(state);
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return absl::OkStatus();
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return absl::UnavailableError(
          fmt::format("amqp {}: {}", what, amqp_error_string2(reply.library_error)));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD ||
          reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
        return absl::FailedPreconditionError(fmt::format(
            "amqp {}: broker closed the channel: {} {}", what, close->reply_code,
            std::string(static_cast<char*>(close->reply_text.bytes), close->reply_text.len)));
      }
      return absl::InternalError(fmt::format("amqp {}: server exception", what));
    default:
      return absl::UnavailableError(fmt::format("amqp {}: no reply", what));
  }
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const BrokerOptions& o) {
  std::unique_ptr<Connection> conn(new Connection());
  conn->state_ = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn->state_);
  if (socket == nullptr) return absl::ResourceExhaustedError("amqp: cannot create socket");
  timeval tv{};
  tv.tv_sec = o.connect_timeout.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((o.connect_timeout.count() % 1000) * 1000);
  // Without these a silent broker (a partition) would hang login and declarations forever.
  amqp_set_handshake_timeout(conn->state_, &tv);
  amqp_set_rpc_timeout(conn->state_, &tv);
  if (int rc = amqp_socket_open_noblock(socket, o.host.c_str(), o.port, &tv);
      rc != AMQP_STATUS_OK) {
    return absl::UnavailableError(
        fmt::format("amqp {}:{}: connect failed: {}", o.host, o.port, amqp_error_string2(rc)));
  }
  amqp_rpc_reply_t login = amqp_login(conn->state_, o.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE,
                                      static_cast<int>(o.heartbeat.count()), AMQP_SASL_METHOD_PLAIN,
                                      o.user.c_str(), o.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) return RpcError(conn->state_, "login");
  amqp_channel_open(conn->state_, kChannel);
  SECKILL_RETURN_IF_ERROR(RpcError(conn->state_, "channel.open"));
  return conn;
}

Connection::~Connection() {
  if (state_ == nullptr) return;
  if (healthy_) {
    amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(state_);
}

absl::Status Connection::Declare(const Topology& topology) {
  for (const QueueSpec& q : topology.queues) {
    amqp_exchange_declare(state_, kChannel, amqp_cstring_bytes(q.exchange.c_str()),
                          amqp_cstring_bytes(q.exchange_type.c_str()), 0, 1, 0, 0,
                          amqp_empty_table);
    SECKILL_RETURN_IF_ERROR(RpcError(state_, "exchange.declare"));
    std::vector<amqp_table_entry_t> args;
    auto add_string = [&](const char* key, const std::string& value) {
      amqp_table_entry_t e;
      e.key = amqp_cstring_bytes(key);
      e.value.kind = AMQP_FIELD_KIND_UTF8;
      e.value.value.bytes = amqp_cstring_bytes(value.c_str());
      args.push_back(e);
    };
    static const std::string kQuorum = "quorum", kAtLeastOnce = "at-least-once",
                             kRejectPublish = "reject-publish";
    if (q.quorum) add_string("x-queue-type", kQuorum);
    if (!q.dead_letter_exchange.empty()) {
      add_string("x-dead-letter-exchange", q.dead_letter_exchange);
      if (!q.dead_letter_routing_key.empty())
        add_string("x-dead-letter-routing-key", q.dead_letter_routing_key);
      if (q.quorum) {  // at-least-once dead-lettering exists for quorum queues only
        add_string("x-dead-letter-strategy", kAtLeastOnce);
        add_string("x-overflow", kRejectPublish);
      }
    }
    if (q.delivery_limit > 0) {
      amqp_table_entry_t e;
      e.key = amqp_cstring_bytes("x-delivery-limit");
      e.value.kind = AMQP_FIELD_KIND_I64;
      e.value.value.i64 = q.delivery_limit;
      args.push_back(e);
    }
    amqp_table_t table{static_cast<int>(args.size()), args.data()};
    amqp_queue_declare(state_, kChannel, amqp_cstring_bytes(q.name.c_str()), 0, 1, 0, 0, table);
    SECKILL_RETURN_IF_ERROR(RpcError(state_, "queue.declare"));
    amqp_queue_bind(state_, kChannel, amqp_cstring_bytes(q.name.c_str()),
                    amqp_cstring_bytes(q.exchange.c_str()),
                    amqp_cstring_bytes(q.routing_key.c_str()), amqp_empty_table);
    SECKILL_RETURN_IF_ERROR(RpcError(state_, "queue.bind"));
  }
  return absl::OkStatus();
}

}  // namespace seckill::amqp
