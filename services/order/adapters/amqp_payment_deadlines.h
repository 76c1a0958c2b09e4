#pragma once

#include "libs/amqp/publisher.h"
#include "services/order/domain/payment_deadlines.h"
#include "services/order/messaging/message_signer.h"

namespace seckill::order::adapters {

// PaymentDeadlines on RabbitMQ: one message names the orders, waits in the payment-wait queue
// with a per-message TTL of `timeout_ms`, then is dead-lettered to the expired queue
// (messaging/order_queue.h). One publish per consumer batch rather than per order: in a sale's
// first seconds the broker's work per order is what bounds the accept rate. Each message is
// signed by `signer` (which must outlive this).
class AmqpPaymentDeadlines final : public domain::PaymentDeadlines {
 public:
  AmqpPaymentDeadlines(amqp::Publisher& publisher, const messaging::MessageSigner& signer,
                       int64_t timeout_ms)
      : publisher_(publisher), signer_(signer), timeout_ms_(timeout_ms) {}
  void Schedule(const std::vector<domain::Order>& orders) override;

 private:
  amqp::Publisher& publisher_;
  const messaging::MessageSigner& signer_;
  const int64_t timeout_ms_;
};

}  // namespace seckill::order::adapters
