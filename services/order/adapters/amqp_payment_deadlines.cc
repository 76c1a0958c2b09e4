#include "services/order/adapters/amqp_payment_deadlines.h"

#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace seckill::order::adapters {

void AmqpPaymentDeadlines::Schedule(const domain::Order& order) {
  amqp::Message message;
  message.body = messaging::EncodeOrderPlaced(order, "");
  message.message_id = "deadline-" + std::to_string(order.order_id);
  message.expiration_ms = timeout_ms_;
  const uint64_t id = order.order_id;
  publisher_.Publish(std::move(message), [id](absl::Status status) {
    if (!status.ok()) {
      spdlog::warn("order {}: payment deadline not scheduled ({}); the expiry sweep will cancel it", id,
                   status.ToString());
    }
  });
}

}  // namespace seckill::order::adapters
