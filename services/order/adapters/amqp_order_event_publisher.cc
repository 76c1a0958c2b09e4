#include "services/order/adapters/amqp_order_event_publisher.h"

#include "libs/base/await.h"
#include "libs/base/trace_context.h"

namespace seckill::order::adapters {
namespace {

// Spans borrow their names: this one lives as long as the process.
const std::string& PublishSpanName() {
  static const std::string name = std::string(messaging::kOrderExchange) + " publish";
  return name;
}

}  // namespace

AmqpOrderEventPublisher::AmqpOrderEventPublisher(amqp::Publisher& publisher,
                                                 const messaging::MessageSigner& signer,
                                                 size_t messages_in_flight, tracing::Tracer* tracer)
    : tracer_(tracer) {
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
    if (tracer_ == nullptr) {
      messages_->Submit({order, traceparent},
                        [done = std::move(done)](absl::StatusOr<Confirmed> confirmed) {
                          done(confirmed.status());
                        });
      return;
    }
    auto span = std::make_shared<tracing::Span>(
        tracer_->StartSpan(PublishSpanName(), tracing::SpanKind::kProducer, traceparent));
    span->Set("messaging.system", "rabbitmq")
        .Set("messaging.operation.type", "publish")
        .Set("messaging.destination.name", messaging::kOrderExchange)
        .Set("messaging.message.id", std::to_string(order.order_id))
        .Set("seckill.order_id", static_cast<int64_t>(order.order_id));
    messages_->Submit({order, span->Traceparent()},
                      [done = std::move(done), span](absl::StatusOr<Confirmed> confirmed) {
                        if (confirmed.ok()) {
                          span->AddEvent("confirmed");
                        } else {
                          span->SetError(std::string(confirmed.status().message()));
                        }
                        span->End();
                        done(confirmed.status());
                      });
  });
}

}  // namespace seckill::order::adapters
