#include "services/order/adapters/amqp_order_event_publisher.h"

#include "libs/base/await.h"
#include "libs/base/trace_context.h"

namespace seckill::order::adapters {

AmqpOrderEventPublisher::AmqpOrderEventPublisher(amqp::Publisher& publisher,
                                                 const messaging::MessageSigner& signer,
                                                 size_t messages_in_flight) {
  messages_ = Messages::Create(
      [&publisher, &signer](std::vector<messaging::PlacedOrder> orders, Messages::Clock::time_point,
                            Messages::BatchDone done) {
        amqp::Message message;
        if (orders.size() == 1) {
          const messaging::PlacedOrder& placed = orders.front();
          message.body = messaging::EncodeOrderPlaced(placed.order, placed.traceparent);
          message.message_id = std::to_string(placed.order.order_id);
          if (!placed.traceparent.empty()) {
            message.headers.emplace_back(base::kTraceparentKey, placed.traceparent);
          }
        } else {
          // Unique among messages in flight, as the publisher needs: an order is in one message.
          message.body = messaging::EncodeOrdersPlaced(orders);
          message.message_id = "orders-" + std::to_string(orders.front().order.order_id);
          message.headers.emplace_back(messaging::kMessageHeader, messaging::kOrdersPlacedMessage);
        }
        signer.Sign(message);
        publisher.Publish(std::move(message),
                          [n = orders.size(), done = std::move(done)](absl::Status status) {
                            if (!status.ok()) return done(status);
                            done(std::vector<Confirmed>(n));
                          });
      },
      messages_in_flight, kMaxOrdersPerMessage);
}

base::AsyncStatus AmqpOrderEventPublisher::Publish(const domain::Order& order,
                                                   const std::string& traceparent) {
  return base::AwaitCallback<absl::Status>([this, &order, &traceparent](auto done) {
    messages_->Submit({order, traceparent},
                      [done = std::move(done)](absl::StatusOr<Confirmed> confirmed) {
                        done(confirmed.status());
                      });
  });
}

}  // namespace seckill::order::adapters
