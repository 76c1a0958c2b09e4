#pragma once

#include <chrono>
#include <functional>

#include "libs/amqp/consumer.h"
#include "services/order/app/record_order.h"

namespace seckill::order::api {

// Turns an order-queue delivery into a recorded order. Poison (an undecodable or invalid body,
// or a permanent error) is dead-lettered; transient errors (database or stock service down) are
// retried in place with back-off, never dead-lettered, until `stopping()` says to give the
// delivery back to the broker.
class OrderMessageHandler {
 public:
  OrderMessageHandler(const app::RecordOrder& record_order, std::function<bool()> stopping,
                      std::chrono::milliseconds max_backoff = std::chrono::seconds(5))
      : record_order_(record_order), stopping_(std::move(stopping)), max_backoff_(max_backoff) {}

  amqp::Disposition operator()(const amqp::Delivery& delivery) const;

 private:
  const app::RecordOrder& record_order_;
  std::function<bool()> stopping_;
  std::chrono::milliseconds max_backoff_;
};

}  // namespace seckill::order::api
