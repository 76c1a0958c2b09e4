#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/amqp/connection.h"
#include "libs/amqp/consumer.h"
#include "services/order/domain/order.h"

namespace seckill::order::messaging {

// The order queue's topology (see docs/architecture.md): a durable direct exchange into a
// quorum queue whose dead letters (at-least-once, reject-publish overflow, explicit delivery
// limit) go through a fanout exchange into a quorum dead-letter queue.
inline constexpr char kOrderExchange[] = "seckill.orders";
inline constexpr char kOrderQueue[] = "seckill.orders";
inline constexpr char kOrderRoutingKey[] = "order.placed";
inline constexpr char kDeadLetterExchange[] = "seckill.orders.dlx";
inline constexpr char kDeadLetterQueue[] = "seckill.orders.dead";
inline constexpr int kDeliveryLimit = 5;

amqp::Topology OrderQueueTopology();

// Payment deadlines: a message per batch of recorded orders waits in a queue nobody consumes
// until its per-message TTL (the payment timeout) runs out; it is then dead-lettered to the
// expired queue, whose consumer cancels each order still unpaid.
inline constexpr char kDeadlineExchange[] = "seckill.orders.deadline";
inline constexpr char kPaymentWaitQueue[] = "seckill.orders.payment-wait";
inline constexpr char kExpiryExchange[] = "seckill.orders.expiry";
inline constexpr char kExpiredQueue[] = "seckill.orders.expired";
inline constexpr char kDeadlineRoutingKey[] = "payment.deadline";
amqp::Topology PaymentDeadlineTopology();

// The OrderPlaced message body (protobuf) and back. INVALID_ARGUMENT for a malformed body or
// missing fields: such a message can never be recorded.
std::string EncodeOrderPlaced(const domain::Order& order, const std::string& traceparent);
absl::StatusOr<domain::Order> DecodeOrderPlaced(const std::string& body);

// A PaymentDeadlines message: its header, its body, and the orders a delivery of the expired
// queue names (either kind: a message without the header is an OrderPlaced). The orders decoded
// from a PaymentDeadlines body carry only their ids. INVALID_ARGUMENT as above.
inline constexpr char kMessageHeader[] = "seckill-message";
inline constexpr char kPaymentDeadlinesMessage[] = "PaymentDeadlines";
std::string EncodePaymentDeadlines(const std::vector<domain::Order>& orders);
absl::StatusOr<std::vector<domain::Order>> DecodeExpiredOrders(const amqp::Delivery& delivery);

}  // namespace seckill::order::messaging
