#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/amqp/connection.h"
#include "libs/amqp/consumer.h"
#include "libs/amqp/publisher.h"
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

// What the publishers of orders and of payment deadlines need, on `broker`.
amqp::PublisherOptions OrderPublisherOptions(const amqp::BrokerOptions& broker);
amqp::PublisherOptions PaymentDeadlinePublisherOptions(const amqp::BrokerOptions& broker);

// The OrderPlaced message body (protobuf) and back. INVALID_ARGUMENT for a malformed body or
// missing fields: such a message can never be recorded.
std::string EncodeOrderPlaced(const domain::Order& order, const std::string& traceparent);
absl::StatusOr<domain::Order> DecodeOrderPlaced(const std::string& body);

// Many orders in one message: an OrdersPlaced body, sent with header kMessageHeader =
// kOrdersPlacedMessage. A message of the order queue without that header is one OrderPlaced.
inline constexpr char kMessageHeader[] = "seckill-message";
inline constexpr char kOrdersPlacedMessage[] = "OrdersPlaced";
struct PlacedOrder {
  domain::Order order;
  std::string traceparent;
};
std::string EncodeOrdersPlaced(const std::vector<PlacedOrder>& orders);
// The OrderPlaced bodies a delivery of the order queue carries, one per order (the body itself
// when it is one OrderPlaced). INVALID_ARGUMENT when the envelope cannot be read; each body is
// still to be checked with DecodeOrderPlaced.
absl::StatusOr<std::vector<std::string>> SplitOrderMessage(const amqp::Delivery& delivery);
// The orders of a delivery of the order queue; `invalid` counts the bodies in it that are no
// valid order (poison: the delivery is dead-lettered once its valid orders are done).
struct OrderMessage {
  std::vector<domain::Order> orders;
  // Each order's trace context as its message carries it (the span that published it), in the
  // orders' order; empty when none.
  std::vector<std::string> traceparents;
  size_t invalid = 0;
};
absl::StatusOr<OrderMessage> DecodeOrderMessage(const amqp::Delivery& delivery);

// A PaymentDeadlines message: its header, its body, and the orders a delivery of the expired
// queue names (either kind: a message without the header is an OrderPlaced). The orders decoded
// from a PaymentDeadlines body carry only their ids. INVALID_ARGUMENT as above.
inline constexpr char kPaymentDeadlinesMessage[] = "PaymentDeadlines";
std::string EncodePaymentDeadlines(const std::vector<domain::Order>& orders);
absl::StatusOr<OrderMessage> DecodeExpiredOrders(const amqp::Delivery& delivery);

}  // namespace seckill::order::messaging
