#pragma once

#include "libs/amqp/publisher.h"
#include "services/order/domain/order_event_publisher.h"

namespace seckill::order::adapters {

// OrderEventPublisher on RabbitMQ: the OrderPlaced message, persistent and mandatory, with
// publisher confirms (see amqp::Publisher for the meaning of each status).
class AmqpOrderEventPublisher final : public domain::OrderEventPublisher {
 public:
  explicit AmqpOrderEventPublisher(amqp::Publisher& publisher) : publisher_(publisher) {}
  void Publish(const domain::Order& order, const std::string& traceparent,
               std::function<void(absl::Status)> done) override;

 private:
  amqp::Publisher& publisher_;
};

}  // namespace seckill::order::adapters
