#pragma once

#include <functional>

#include "libs/amqp/consumer.h"
#include "services/order/app/dead_letters.h"

namespace seckill::order::api {

// The dead-letter queue's consumer: every delivery is kept (and, when it is an order, failed with
// its stock returned) before it is acked; transient errors are retried in place with back-off
// until `stopping()`. The dead-letter queue has no dead-letter queue of its own: nothing is
// rejected here.
class DeadLetterHandler {
 public:
  DeadLetterHandler(const app::DeadLetters& dead_letters, std::function<bool()> stopping)
      : dead_letters_(dead_letters), stopping_(std::move(stopping)) {}
  amqp::Disposition operator()(const amqp::Delivery& delivery) const;

 private:
  const app::DeadLetters& dead_letters_;
  std::function<bool()> stopping_;
};

}  // namespace seckill::order::api
