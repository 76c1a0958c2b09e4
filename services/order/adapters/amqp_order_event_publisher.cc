#include "services/order/adapters/amqp_order_event_publisher.h"

#include "libs/rpc/trace_context.h"
#include "services/order/messaging/order_queue.h"

namespace seckill::order::adapters {

void AmqpOrderEventPublisher::Publish(const domain::Order& order, const std::string& traceparent,
                                      std::function<void(absl::Status)> done) {
  amqp::Message message;
  message.body = messaging::EncodeOrderPlaced(order, traceparent);
  message.message_id = std::to_string(order.order_id);
  if (!traceparent.empty()) message.headers.emplace_back(rpc::kTraceparentKey, traceparent);
  publisher_.Publish(std::move(message), std::move(done));
}

}  // namespace seckill::order::adapters
