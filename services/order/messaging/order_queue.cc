#include "services/order/messaging/order_queue.h"

#include "seckill/order/v1/order.pb.h"

namespace seckill::order::messaging {

amqp::Topology OrderQueueTopology() {
  amqp::QueueSpec orders;
  orders.name = kOrderQueue;
  orders.exchange = kOrderExchange;
  orders.exchange_type = "direct";
  orders.routing_key = kOrderRoutingKey;
  orders.dead_letter_exchange = kDeadLetterExchange;
  orders.delivery_limit = kDeliveryLimit;
  amqp::QueueSpec dead;
  dead.name = kDeadLetterQueue;
  dead.exchange = kDeadLetterExchange;
  dead.exchange_type = "fanout";
  // Declared first so the order queue's dead letters always have somewhere to go.
  return amqp::Topology{{dead, orders}};
}

amqp::Topology PaymentDeadlineTopology() {
  amqp::QueueSpec expired;
  expired.name = kExpiredQueue;
  expired.exchange = kExpiryExchange;
  expired.routing_key = kDeadlineRoutingKey;
  amqp::QueueSpec waiting;
  waiting.name = kPaymentWaitQueue;
  waiting.exchange = kDeadlineExchange;
  waiting.routing_key = kDeadlineRoutingKey;
  // Classic: per-message TTL expires messages at the head, and every deadline has the same
  // timeout, so the head is always the next to expire.
  waiting.quorum = false;
  waiting.dead_letter_exchange = kExpiryExchange;
  waiting.dead_letter_routing_key = kDeadlineRoutingKey;
  return amqp::Topology{{expired, waiting}};
}

amqp::PublisherOptions OrderPublisherOptions(const amqp::BrokerOptions& broker) {
  return amqp::PublisherOptions{broker, OrderQueueTopology(), kOrderExchange, kOrderRoutingKey};
}

amqp::PublisherOptions PaymentDeadlinePublisherOptions(const amqp::BrokerOptions& broker) {
  return amqp::PublisherOptions{broker, PaymentDeadlineTopology(), kDeadlineExchange,
                                kDeadlineRoutingKey};
}

namespace {

void ToMessage(const domain::Order& order, const std::string& traceparent, v1::OrderPlaced* m) {
  m->set_order_id(order.order_id);
  m->set_activity_id(order.activity_id);
  m->set_user_id(order.user_id);
  m->set_quantity(order.quantity);
  m->set_amount_cents(order.amount_cents);
  m->set_created_at_ms(order.created_at_ms);
  m->set_traceparent(traceparent);
}

absl::StatusOr<domain::Order> FromMessage(const v1::OrderPlaced& message) {
  if (message.order_id() == 0 || message.activity_id() == 0 || message.user_id() == 0 ||
      message.quantity() < 1 || message.quantity() > domain::kMaxQuantity ||
      message.amount_cents() < 0) {
    return absl::InvalidArgumentError("OrderPlaced message with missing or invalid fields");
  }
  domain::Order order;
  order.order_id = message.order_id();
  order.activity_id = message.activity_id();
  order.user_id = message.user_id();
  order.quantity = message.quantity();
  order.amount_cents = message.amount_cents();
  order.created_at_ms = message.created_at_ms();
  order.status = domain::OrderStatus::kQueued;
  return order;
}

// The OrdersPlaced a delivery with the OrdersPlaced header carries.
absl::StatusOr<v1::OrdersPlaced> ParseOrdersPlaced(const amqp::Delivery& delivery,
                                                   const std::string& kind) {
  v1::OrdersPlaced message;
  if (kind != kOrdersPlacedMessage || !message.ParseFromString(delivery.body) ||
      message.orders_size() == 0) {
    return absl::InvalidArgumentError("not an OrdersPlaced message");
  }
  return message;
}

}  // namespace

std::string EncodeOrderPlaced(const domain::Order& order, const std::string& traceparent) {
  v1::OrderPlaced message;
  ToMessage(order, traceparent, &message);
  return message.SerializeAsString();
}

absl::StatusOr<domain::Order> DecodeOrderPlaced(const std::string& body) {
  v1::OrderPlaced message;
  if (!message.ParseFromString(body))
    return absl::InvalidArgumentError("not an OrderPlaced message");
  return FromMessage(message);
}

std::string EncodeOrdersPlaced(const std::vector<PlacedOrder>& orders) {
  v1::OrdersPlaced message;
  for (const PlacedOrder& placed : orders)
    ToMessage(placed.order, placed.traceparent, message.add_orders());
  return message.SerializeAsString();
}

absl::StatusOr<std::vector<std::string>> SplitOrderMessage(const amqp::Delivery& delivery) {
  auto kind = delivery.headers.find(kMessageHeader);
  if (kind == delivery.headers.end()) return std::vector<std::string>{delivery.body};
  auto message = ParseOrdersPlaced(delivery, kind->second);
  if (!message.ok()) return message.status();
  std::vector<std::string> bodies;
  bodies.reserve(message->orders_size());
  for (const v1::OrderPlaced& order : message->orders())
    bodies.push_back(order.SerializeAsString());
  return bodies;
}

absl::StatusOr<OrderMessage> DecodeOrderMessage(const amqp::Delivery& delivery) {
  OrderMessage decoded;
  auto kind = delivery.headers.find(kMessageHeader);
  if (kind == delivery.headers.end()) {
    v1::OrderPlaced one;
    if (!one.ParseFromString(delivery.body)) {
      return absl::InvalidArgumentError("not an OrderPlaced message");
    }
    auto order = FromMessage(one);
    if (!order.ok()) return order.status();
    decoded.orders.push_back(*order);
    decoded.traceparents.push_back(one.traceparent());
    return decoded;
  }
  auto message = ParseOrdersPlaced(delivery, kind->second);
  if (!message.ok()) return message.status();
  decoded.orders.reserve(message->orders_size());
  for (const v1::OrderPlaced& m : message->orders()) {
    auto order = FromMessage(m);
    if (order.ok()) {
      decoded.orders.push_back(*order);
      decoded.traceparents.push_back(m.traceparent());
    } else {
      ++decoded.invalid;
    }
  }
  if (decoded.orders.empty()) return absl::InvalidArgumentError("no valid order in the message");
  return decoded;
}

std::string EncodePaymentDeadlines(const std::vector<domain::Order>& orders) {
  v1::PaymentDeadlines message;
  for (const domain::Order& o : orders) message.add_order_ids(o.order_id);
  return message.SerializeAsString();
}

absl::StatusOr<OrderMessage> DecodeExpiredOrders(const amqp::Delivery& delivery) {
  auto kind = delivery.headers.find(kMessageHeader);
  if (kind == delivery.headers.end()) return DecodeOrderMessage(delivery);
  v1::PaymentDeadlines message;
  if (kind->second != kPaymentDeadlinesMessage || !message.ParseFromString(delivery.body) ||
      message.order_ids_size() == 0) {
    return absl::InvalidArgumentError("not a PaymentDeadlines message");
  }
  OrderMessage decoded;
  for (uint64_t id : message.order_ids()) {
    if (id == 0) return absl::InvalidArgumentError("PaymentDeadlines message with order id 0");
    domain::Order o;
    o.order_id = id;
    decoded.orders.push_back(o);
    decoded.traceparents.emplace_back();
  }
  return decoded;
}

}  // namespace seckill::order::messaging
