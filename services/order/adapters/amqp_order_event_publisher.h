#pragma once

#include <memory>

#include "libs/amqp/publisher.h"
#include "libs/base/coalescer.h"
#include "libs/tracing/tracer.h"
#include "services/order/domain/order_event_publisher.h"
#include "services/order/messaging/message_signer.h"
#include "services/order/messaging/order_queue.h"

namespace seckill::order::adapters {

// OrderEventPublisher on RabbitMQ: persistent, mandatory messages with publisher confirms (see
// amqp::Publisher for the meaning of each status). While `messages_in_flight` messages await
// their confirms, newly accepted orders wait and then leave together as one OrdersPlaced message
// (base::Coalescer): under load one message, one broker write and one confirm carry many orders,
// and every order of a message gets that message's status. An order accepted alone leaves at
// once, as one OrderPlaced. Every message is signed by `signer` (both must outlive this).
class AmqpOrderEventPublisher final : public domain::OrderEventPublisher {
 public:
  static constexpr size_t kMessagesInFlight = 2;
  static constexpr size_t kMaxOrdersPerMessage = 256;

  // Each order's publish, to its confirm, is a producer span of its trace (`tracer`, null: none),
  // whose context the message carries to the consumer.
  AmqpOrderEventPublisher(amqp::Publisher& publisher, const messaging::MessageSigner& signer,
                          size_t messages_in_flight = kMessagesInFlight,
                          tracing::Tracer* tracer = nullptr);
  base::AsyncStatus Publish(const domain::Order& order, const std::string& traceparent) override;

 private:
  struct Confirmed {};
  tracing::Tracer* tracer_;
  using Messages = base::Coalescer<messaging::PlacedOrder, Confirmed>;
  std::shared_ptr<Messages> messages_;
};

}  // namespace seckill::order::adapters
