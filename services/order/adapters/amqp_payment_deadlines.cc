#include "services/order/adapters/amqp_payment_deadlines.h"

#include "fmt/format.h"
#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace seckill::order::adapters {

void AmqpPaymentDeadlines::Schedule(const std::vector<domain::Order>& orders) {
  if (orders.empty()) return;
  amqp::Message message;
  message.body = messaging::EncodePaymentDeadlines(orders);
  message.message_id = fmt::format("deadlines-{}-{}", orders.front().order_id, orders.size());
  message.headers.emplace_back(messaging::kMessageHeader, messaging::kPaymentDeadlinesMessage);
  message.expiration_ms = timeout_ms_;
  signer_.Sign(message);
  publisher_.Publish(std::move(message),
                     [id = orders.front().order_id, n = orders.size()](absl::Status status) {
                       if (!status.ok()) {
                         spdlog::warn(
                             "payment deadlines of {} orders from {} not scheduled ({}); the "
                             "expiry sweep will cancel them",
                             n, id, status.ToString());
                       }
                     });
}

}  // namespace seckill::order::adapters
